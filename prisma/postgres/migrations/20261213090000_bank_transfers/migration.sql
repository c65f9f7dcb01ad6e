-- Money in (issue 21 part 4): transfers reported by SePay or Casso, kept once per provider id.
CREATE TABLE "BankTransfer" (
    "id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "providerTxId" TEXT NOT NULL,
    "amountVnd" INTEGER NOT NULL,
    "memo" TEXT NOT NULL,
    "accountNumber" TEXT,
    "reference" TEXT,
    "bankTime" TEXT,
    "outcome" TEXT NOT NULL,
    "orderId" TEXT,
    "householdId" TEXT,
    "communeCode" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BankTransfer_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "BankTransfer_provider_providerTxId_key" ON "BankTransfer"("provider", "providerTxId");
CREATE INDEX "BankTransfer_communeCode_receivedAt_idx" ON "BankTransfer"("communeCode", "receivedAt");
CREATE INDEX "BankTransfer_receivedAt_idx" ON "BankTransfer"("receivedAt");
CREATE INDEX "BankTransfer_orderId_idx" ON "BankTransfer"("orderId");

-- Monthly figures per commune (issue 15 part 4, issue 21 part 5), kept by triggers like CommuneTally:
-- each row contributes to the tally of its month and commune, and an update takes the old
-- contribution away and adds the new one. Months are Asia/Ho_Chi_Minh (UTC+7, no daylight saving);
-- timestamps are stored in UTC.
ALTER TABLE "CommuneTally" ADD COLUMN "payAccount" INTEGER NOT NULL DEFAULT 0;

CREATE TABLE "PaymentTally" (
    "month" TEXT NOT NULL,
    "communeCode" TEXT NOT NULL,
    "transferOrders" INTEGER NOT NULL DEFAULT 0,
    "transferVnd" BIGINT NOT NULL DEFAULT 0,
    "codOrders" INTEGER NOT NULL DEFAULT 0,
    "codVnd" BIGINT NOT NULL DEFAULT 0,
    "transferShops" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "PaymentTally_pkey" PRIMARY KEY ("month", "communeCode")
);

CREATE TABLE "ShopMonthTransfers" (
    "month" TEXT NOT NULL,
    "communeCode" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "orders" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ShopMonthTransfers_pkey" PRIMARY KEY ("month", "communeCode", "shopId")
);

CREATE TABLE "ShipmentTally" (
    "month" TEXT NOT NULL,
    "communeCode" TEXT NOT NULL,
    "carrier" TEXT NOT NULL,
    "shipped" INTEGER NOT NULL DEFAULT 0,
    "delivered" INTEGER NOT NULL DEFAULT 0,
    "returned" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ShipmentTally_pkey" PRIMARY KEY ("month", "communeCode", "carrier")
);

CREATE FUNCTION "tally_month"(t TIMESTAMP) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
  SELECT to_char(t + interval '7 hours', 'YYYY-MM')
$$;

-- Households with an account number: a trigger of its own beside Household_tally.
CREATE FUNCTION "household_account_tally"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "CommuneTally" SET "payAccount" = "payAccount" - (OLD."payAccount" IS NOT NULL)::int WHERE "communeCode" = OLD."communeCode";
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO "CommuneTally" ("communeCode", "provinceCode", "payAccount") VALUES (NEW."communeCode", NEW."provinceCode", (NEW."payAccount" IS NOT NULL)::int)
    ON CONFLICT ("communeCode") DO UPDATE SET "payAccount" = "CommuneTally"."payAccount" + EXCLUDED."payAccount";
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Household_account_tally" AFTER INSERT OR DELETE OR UPDATE OF "communeCode", "provinceCode", "payAccount"
  ON "Household" FOR EACH ROW EXECUTE FUNCTION "household_account_tally"();

-- Orders paid, by transfer or cash on delivery, in the month of paidAt; each shop counted once per
-- month and commune through ShopMonthTransfers.
CREATE FUNCTION "order_pay_tally"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  m TEXT;
  left_orders INT;
  first_order INT;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD."payState" = 'paid' AND OLD."paidAt" IS NOT NULL AND OLD."communeCode" IS NOT NULL AND OLD."paidBy" IN ('transfer', 'cod') THEN
    m := "tally_month"(OLD."paidAt");
    UPDATE "PaymentTally" SET
      "transferOrders" = "transferOrders" - (OLD."paidBy" = 'transfer')::int,
      "transferVnd" = "transferVnd" - CASE WHEN OLD."paidBy" = 'transfer' THEN OLD."totalVnd" ELSE 0 END,
      "codOrders" = "codOrders" - (OLD."paidBy" = 'cod')::int,
      "codVnd" = "codVnd" - CASE WHEN OLD."paidBy" = 'cod' THEN OLD."totalVnd" ELSE 0 END
    WHERE "month" = m AND "communeCode" = OLD."communeCode";
    IF OLD."paidBy" = 'transfer' THEN
      UPDATE "ShopMonthTransfers" SET "orders" = "orders" - 1
      WHERE "month" = m AND "communeCode" = OLD."communeCode" AND "shopId" = OLD."shopId" RETURNING "orders" INTO left_orders;
      IF left_orders = 0 THEN
        DELETE FROM "ShopMonthTransfers" WHERE "month" = m AND "communeCode" = OLD."communeCode" AND "shopId" = OLD."shopId" AND "orders" = 0;
        UPDATE "PaymentTally" SET "transferShops" = "transferShops" - 1 WHERE "month" = m AND "communeCode" = OLD."communeCode";
      END IF;
    END IF;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND NEW."payState" = 'paid' AND NEW."paidAt" IS NOT NULL AND NEW."communeCode" IS NOT NULL AND NEW."paidBy" IN ('transfer', 'cod') THEN
    m := "tally_month"(NEW."paidAt");
    INSERT INTO "PaymentTally" ("month", "communeCode", "transferOrders", "transferVnd", "codOrders", "codVnd")
    VALUES (m, NEW."communeCode", (NEW."paidBy" = 'transfer')::int, CASE WHEN NEW."paidBy" = 'transfer' THEN NEW."totalVnd" ELSE 0 END,
            (NEW."paidBy" = 'cod')::int, CASE WHEN NEW."paidBy" = 'cod' THEN NEW."totalVnd" ELSE 0 END)
    ON CONFLICT ("month", "communeCode") DO UPDATE SET
      "transferOrders" = "PaymentTally"."transferOrders" + EXCLUDED."transferOrders", "transferVnd" = "PaymentTally"."transferVnd" + EXCLUDED."transferVnd",
      "codOrders" = "PaymentTally"."codOrders" + EXCLUDED."codOrders", "codVnd" = "PaymentTally"."codVnd" + EXCLUDED."codVnd";
    IF NEW."paidBy" = 'transfer' THEN
      INSERT INTO "ShopMonthTransfers" ("month", "communeCode", "shopId", "orders") VALUES (m, NEW."communeCode", NEW."shopId", 1)
      ON CONFLICT ("month", "communeCode", "shopId") DO UPDATE SET "orders" = "ShopMonthTransfers"."orders" + 1
      RETURNING "orders" INTO first_order;
      IF first_order = 1 THEN
        UPDATE "PaymentTally" SET "transferShops" = "transferShops" + 1 WHERE "month" = m AND "communeCode" = NEW."communeCode";
      END IF;
    END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Order_pay_tally" AFTER INSERT OR DELETE OR UPDATE OF "payState", "paidBy", "paidAt", "communeCode", "totalVnd", "shopId"
  ON "Order" FOR EACH ROW EXECUTE FUNCTION "order_pay_tally"();

-- Shipments per month of the pickup request, commune and carrier.
CREATE FUNCTION "pickup_tally"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "ShipmentTally" SET
      "shipped" = "shipped" - (OLD."status" IN ('picked_up', 'delivered', 'returned'))::int,
      "delivered" = "delivered" - (OLD."status" = 'delivered')::int, "returned" = "returned" - (OLD."status" = 'returned')::int
    WHERE "month" = "tally_month"(OLD."createdAt") AND "communeCode" = OLD."communeCode" AND "carrier" = OLD."carrier";
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO "ShipmentTally" ("month", "communeCode", "carrier", "shipped", "delivered", "returned")
    VALUES ("tally_month"(NEW."createdAt"), NEW."communeCode", NEW."carrier", (NEW."status" IN ('picked_up', 'delivered', 'returned'))::int,
            (NEW."status" = 'delivered')::int, (NEW."status" = 'returned')::int)
    ON CONFLICT ("month", "communeCode", "carrier") DO UPDATE SET
      "shipped" = "ShipmentTally"."shipped" + EXCLUDED."shipped", "delivered" = "ShipmentTally"."delivered" + EXCLUDED."delivered",
      "returned" = "ShipmentTally"."returned" + EXCLUDED."returned";
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Pickup_tally" AFTER INSERT OR DELETE OR UPDATE OF "status", "carrier", "communeCode", "createdAt"
  ON "Pickup" FOR EACH ROW EXECUTE FUNCTION "pickup_tally"();

-- Rows written before this migration.
UPDATE "CommuneTally" SET "payAccount" = (
  SELECT COUNT(*) FROM "Household" h WHERE h."communeCode" = "CommuneTally"."communeCode" AND h."payAccount" IS NOT NULL);
INSERT INTO "PaymentTally" ("month", "communeCode", "transferOrders", "transferVnd", "codOrders", "codVnd")
SELECT "tally_month"(o."paidAt"), o."communeCode", SUM((o."paidBy" = 'transfer')::int), SUM(CASE WHEN o."paidBy" = 'transfer' THEN o."totalVnd" ELSE 0 END),
  SUM((o."paidBy" = 'cod')::int), SUM(CASE WHEN o."paidBy" = 'cod' THEN o."totalVnd" ELSE 0 END)
FROM "Order" o WHERE o."payState" = 'paid' AND o."paidAt" IS NOT NULL AND o."communeCode" IS NOT NULL AND o."paidBy" IN ('transfer', 'cod') GROUP BY 1, 2;
INSERT INTO "ShopMonthTransfers" ("month", "communeCode", "shopId", "orders")
SELECT "tally_month"(o."paidAt"), o."communeCode", o."shopId", COUNT(*) FROM "Order" o
WHERE o."payState" = 'paid' AND o."paidAt" IS NOT NULL AND o."communeCode" IS NOT NULL AND o."paidBy" = 'transfer' GROUP BY 1, 2, 3;
UPDATE "PaymentTally" SET "transferShops" = (
  SELECT COUNT(*) FROM "ShopMonthTransfers" s WHERE s."month" = "PaymentTally"."month" AND s."communeCode" = "PaymentTally"."communeCode");
INSERT INTO "ShipmentTally" ("month", "communeCode", "carrier", "shipped", "delivered", "returned")
SELECT "tally_month"(p."createdAt"), p."communeCode", p."carrier", SUM((p."status" IN ('picked_up', 'delivered', 'returned'))::int),
  SUM((p."status" = 'delivered')::int), SUM((p."status" = 'returned')::int)
FROM "Pickup" p GROUP BY 1, 2, 3;
