-- Orders carry their listing's product (issue 16, board speed): one product's orders of the last 7 or
-- 30 days are an index range instead of a probe per listing of the product. Set on insert, and moved
-- with the listing if its product is changed.
ALTER TABLE "Order" ADD COLUMN "productId" TEXT;

CREATE INDEX "Order_productId_createdAt_status_unitPriceVnd_idx" ON "Order"("productId", "createdAt", "status", "unitPriceVnd");

CREATE TRIGGER "Order_product_insert" AFTER INSERT ON "Order" BEGIN
  UPDATE "Order" SET "productId" = (SELECT "productId" FROM "Listing" WHERE "id" = NEW."listingId") WHERE "id" = NEW."id";
END;

CREATE TRIGGER "Listing_product_orders" AFTER UPDATE OF "productId" ON "Listing" WHEN OLD."productId" IS NOT NEW."productId" BEGIN
  UPDATE "Order" SET "productId" = NEW."productId" WHERE "listingId" = NEW."id";
END;

UPDATE "Order" SET "productId" = (SELECT l."productId" FROM "Listing" l WHERE l."id" = "Order"."listingId");
