-- DropIndex
DROP INDEX "Listing_status_stockMilli_shopId_productId_idx";

-- DropIndex
DROP INDEX "Order_createdAt_shopId_status_totalVnd_idx";

-- AlterTable
ALTER TABLE "Listing" ADD COLUMN "communeCode" TEXT;

-- AlterTable
ALTER TABLE "Order" ADD COLUMN "communeCode" TEXT;

-- CreateIndex
CREATE INDEX "Listing_status_stockMilli_communeCode_shopId_productId_idx" ON "Listing"("status", "stockMilli", "communeCode", "shopId", "productId");

-- CreateIndex
CREATE INDEX "Order_createdAt_communeCode_status_totalVnd_idx" ON "Order"("createdAt", "communeCode", "status", "totalVnd");

-- Listings and orders carry their shop's commune, set on insert. A listing moves with its household
-- when the household changes commune, and an order stays where it was placed.
CREATE TRIGGER "Listing_commune_insert" AFTER INSERT ON "Listing" BEGIN
  UPDATE "Listing" SET "communeCode" = (
    SELECT h."communeCode" FROM "Shop" s JOIN "Household" h ON h."id" = s."householdId" WHERE s."id" = NEW."shopId"
  ) WHERE "id" = NEW."id";
END;

CREATE TRIGGER "Order_commune_insert" AFTER INSERT ON "Order" BEGIN
  UPDATE "Order" SET "communeCode" = (
    SELECT h."communeCode" FROM "Shop" s JOIN "Household" h ON h."id" = s."householdId" WHERE s."id" = NEW."shopId"
  ) WHERE "id" = NEW."id";
END;

CREATE TRIGGER "Household_commune_listings" AFTER UPDATE OF "communeCode" ON "Household" BEGIN
  UPDATE "Listing" SET "communeCode" = NEW."communeCode" WHERE "shopId" IN (SELECT "id" FROM "Shop" WHERE "householdId" = NEW."id");
END;

UPDATE "Listing" SET "communeCode" = (
  SELECT h."communeCode" FROM "Shop" s JOIN "Household" h ON h."id" = s."householdId" WHERE s."id" = "Listing"."shopId"
);
UPDATE "Order" SET "communeCode" = (
  SELECT h."communeCode" FROM "Shop" s JOIN "Household" h ON h."id" = s."householdId" WHERE s."id" = "Order"."shopId"
);
