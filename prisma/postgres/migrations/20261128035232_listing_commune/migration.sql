-- DropIndex
DROP INDEX "Listing_status_stockMilli_shopId_productId_idx";

-- DropIndex
DROP INDEX "Order_createdAt_shopId_status_totalVnd_idx";

-- AlterTable
ALTER TABLE "Listing" ADD COLUMN     "communeCode" TEXT;

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "communeCode" TEXT;

-- CreateIndex
CREATE INDEX "Listing_status_stockMilli_communeCode_shopId_productId_idx" ON "Listing"("status", "stockMilli", "communeCode", "shopId", "productId");

-- CreateIndex
CREATE INDEX "Order_createdAt_communeCode_status_totalVnd_idx" ON "Order"("createdAt", "communeCode", "status", "totalVnd");

-- Listings and orders carry their shop's commune, set on insert. A listing moves with its household
-- when the household changes commune, and an order stays where it was placed.
CREATE FUNCTION "shop_commune"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."communeCode" := (SELECT h."communeCode" FROM "Shop" s JOIN "Household" h ON h."id" = s."householdId" WHERE s."id" = NEW."shopId");
  RETURN NEW;
END $$;

CREATE TRIGGER "Listing_commune" BEFORE INSERT ON "Listing" FOR EACH ROW EXECUTE FUNCTION "shop_commune"();
CREATE TRIGGER "Order_commune" BEFORE INSERT ON "Order" FOR EACH ROW EXECUTE FUNCTION "shop_commune"();

CREATE FUNCTION "household_commune_listings"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Listing" SET "communeCode" = NEW."communeCode" WHERE "shopId" IN (SELECT "id" FROM "Shop" WHERE "householdId" = NEW."id");
  RETURN NULL;
END $$;

CREATE TRIGGER "Household_commune_listings" AFTER UPDATE OF "communeCode" ON "Household"
  FOR EACH ROW WHEN (OLD."communeCode" IS DISTINCT FROM NEW."communeCode") EXECUTE FUNCTION "household_commune_listings"();

UPDATE "Listing" l SET "communeCode" = h."communeCode" FROM "Shop" s JOIN "Household" h ON h."id" = s."householdId" WHERE s."id" = l."shopId";
UPDATE "Order" o SET "communeCode" = h."communeCode" FROM "Shop" s JOIN "Household" h ON h."id" = s."householdId" WHERE s."id" = o."shopId";
