-- Orders per month (Asia/Ho_Chi_Minh, of createdAt) and commune, and the value of those sold
-- (accepted, picked up or delivered), kept by triggers like PaymentTally: the dashboard's "Đơn tháng
-- này" and "Doanh số" read one row per commune instead of counting this month's orders. The rows are
-- hot (every order of a commune moves the same one), so they move at commit, by deferred constraint
-- triggers, as the live tallies do (live_tally_at_commit): taken at the insert, the row lock would be
-- held to the end of a whole group of turns and make the other groups placing orders there queue.
-- CreateTable
CREATE TABLE "OrderTally" (
    "month" TEXT NOT NULL,
    "communeCode" TEXT NOT NULL,
    "orders" INTEGER NOT NULL DEFAULT 0,
    "salesVnd" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "OrderTally_pkey" PRIMARY KEY ("month", "communeCode")
);

CREATE FUNCTION "order_tally"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD."communeCode" IS NOT NULL THEN
    UPDATE "OrderTally" SET "orders" = "orders" - 1,
      "salesVnd" = "salesVnd" - CASE WHEN OLD."status" IN ('accepted', 'picked_up', 'delivered') THEN OLD."totalVnd" ELSE 0 END
    WHERE "month" = "tally_month"(OLD."createdAt") AND "communeCode" = OLD."communeCode";
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND NEW."communeCode" IS NOT NULL THEN
    INSERT INTO "OrderTally" ("month", "communeCode", "orders", "salesVnd")
    VALUES ("tally_month"(NEW."createdAt"), NEW."communeCode", 1,
            CASE WHEN NEW."status" IN ('accepted', 'picked_up', 'delivered') THEN NEW."totalVnd" ELSE 0 END)
    ON CONFLICT ("month", "communeCode") DO UPDATE SET
      "orders" = "OrderTally"."orders" + 1, "salesVnd" = "OrderTally"."salesVnd" + EXCLUDED."salesVnd";
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER "Order_tally" AFTER INSERT OR DELETE ON "Order"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "order_tally"();
-- Only updates that move a figure: most status changes (accepted -> picked up -> delivered) do not.
CREATE CONSTRAINT TRIGGER "Order_tally_update" AFTER UPDATE OF "status", "totalVnd", "communeCode", "createdAt" ON "Order"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD."communeCode" IS DISTINCT FROM NEW."communeCode" OR OLD."createdAt" IS DISTINCT FROM NEW."createdAt" OR OLD."totalVnd" IS DISTINCT FROM NEW."totalVnd"
    OR (OLD."status" IN ('accepted', 'picked_up', 'delivered')) IS DISTINCT FROM (NEW."status" IN ('accepted', 'picked_up', 'delivered')))
  EXECUTE FUNCTION "order_tally"();

INSERT INTO "OrderTally" ("month", "communeCode", "orders", "salesVnd")
SELECT "tally_month"(o."createdAt"), o."communeCode", COUNT(*),
       SUM(CASE WHEN o."status" IN ('accepted', 'picked_up', 'delivered') THEN o."totalVnd" ELSE 0 END)
FROM "Order" o WHERE o."communeCode" IS NOT NULL
GROUP BY "tally_month"(o."createdAt"), o."communeCode";
