-- Orders carry their listing's product (issue 16, board speed): one product's orders of the last 7 or
-- 30 days are an index range instead of a probe per listing of the product. Set on insert, and moved
-- with the listing if its product is changed.
ALTER TABLE "Order" ADD COLUMN "productId" TEXT;

CREATE INDEX "Order_productId_createdAt_status_unitPriceVnd_idx" ON "Order"("productId", "createdAt", "status", "unitPriceVnd");

CREATE FUNCTION "order_product"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."productId" := (SELECT "productId" FROM "Listing" WHERE "id" = NEW."listingId");
  RETURN NEW;
END $$;

CREATE TRIGGER "Order_product" BEFORE INSERT ON "Order" FOR EACH ROW EXECUTE FUNCTION "order_product"();

CREATE FUNCTION "listing_product_orders"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Order" SET "productId" = NEW."productId" WHERE "listingId" = NEW."id";
  RETURN NULL;
END $$;

CREATE TRIGGER "Listing_product_orders" AFTER UPDATE OF "productId" ON "Listing"
  FOR EACH ROW WHEN (OLD."productId" IS DISTINCT FROM NEW."productId") EXECUTE FUNCTION "listing_product_orders"();

UPDATE "Order" o SET "productId" = l."productId" FROM "Listing" l WHERE l."id" = o."listingId";
