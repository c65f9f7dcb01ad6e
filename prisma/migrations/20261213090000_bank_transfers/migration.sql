-- Money in (issue 21 part 4): transfers reported by SePay or Casso, kept once per provider id.
CREATE TABLE "BankTransfer" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "BankTransfer_provider_providerTxId_key" ON "BankTransfer"("provider", "providerTxId");
CREATE INDEX "BankTransfer_communeCode_receivedAt_idx" ON "BankTransfer"("communeCode", "receivedAt");
CREATE INDEX "BankTransfer_receivedAt_idx" ON "BankTransfer"("receivedAt");
CREATE INDEX "BankTransfer_orderId_idx" ON "BankTransfer"("orderId");

-- Monthly figures per commune (issue 15 part 4, issue 21 part 5), kept by triggers like CommuneTally:
-- each row contributes to the tally of its month and commune, and an update takes the old
-- contribution away and adds the new one. Months are Asia/Ho_Chi_Minh (UTC+7, no daylight saving).
ALTER TABLE "CommuneTally" ADD COLUMN "payAccount" INTEGER NOT NULL DEFAULT 0;

CREATE TABLE "PaymentTally" (
    "month" TEXT NOT NULL,
    "communeCode" TEXT NOT NULL,
    "transferOrders" INTEGER NOT NULL DEFAULT 0,
    "transferVnd" BIGINT NOT NULL DEFAULT 0,
    "codOrders" INTEGER NOT NULL DEFAULT 0,
    "codVnd" BIGINT NOT NULL DEFAULT 0,
    "transferShops" INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY ("month", "communeCode")
);

CREATE TABLE "ShopMonthTransfers" (
    "month" TEXT NOT NULL,
    "communeCode" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "orders" INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY ("month", "communeCode", "shopId")
);

CREATE TABLE "ShipmentTally" (
    "month" TEXT NOT NULL,
    "communeCode" TEXT NOT NULL,
    "carrier" TEXT NOT NULL,
    "shipped" INTEGER NOT NULL DEFAULT 0,
    "delivered" INTEGER NOT NULL DEFAULT 0,
    "returned" INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY ("month", "communeCode", "carrier")
);

-- Households with an account number: separate triggers beside Household_tally_*, each an upsert, so
-- they work in whichever order SQLite fires them.
CREATE TRIGGER "Household_account_tally_insert" AFTER INSERT ON "Household" BEGIN
  INSERT INTO "CommuneTally" ("communeCode", "provinceCode", "payAccount") VALUES (NEW."communeCode", NEW."provinceCode", (NEW."payAccount" IS NOT NULL))
  ON CONFLICT ("communeCode") DO UPDATE SET "payAccount" = "payAccount" + excluded."payAccount";
END;

CREATE TRIGGER "Household_account_tally_delete" AFTER DELETE ON "Household" BEGIN
  UPDATE "CommuneTally" SET "payAccount" = "payAccount" - (OLD."payAccount" IS NOT NULL) WHERE "communeCode" = OLD."communeCode";
END;

CREATE TRIGGER "Household_account_tally_update" AFTER UPDATE OF "communeCode", "provinceCode", "payAccount" ON "Household" BEGIN
  UPDATE "CommuneTally" SET "payAccount" = "payAccount" - (OLD."payAccount" IS NOT NULL) WHERE "communeCode" = OLD."communeCode";
  INSERT INTO "CommuneTally" ("communeCode", "provinceCode", "payAccount") VALUES (NEW."communeCode", NEW."provinceCode", (NEW."payAccount" IS NOT NULL))
  ON CONFLICT ("communeCode") DO UPDATE SET "payAccount" = "payAccount" + excluded."payAccount";
END;

-- Orders paid (the commune is filled by Order_commune_insert's UPDATE right after the insert, which
-- the update trigger sees; a row without a commune yet contributes nothing).
CREATE TRIGGER "Order_pay_tally_insert" AFTER INSERT ON "Order" BEGIN
  INSERT INTO "PaymentTally" ("month", "communeCode", "transferOrders", "transferVnd", "codOrders", "codVnd")
  SELECT strftime('%Y-%m', NEW."paidAt", '+7 hours'), NEW."communeCode", (NEW."paidBy" = 'transfer'), CASE WHEN (NEW."paidBy" = 'transfer') THEN NEW."totalVnd" ELSE 0 END,
         (NEW."paidBy" = 'cod'), CASE WHEN NEW."paidBy" = 'cod' THEN NEW."totalVnd" ELSE 0 END
  WHERE NEW."payState" = 'paid' AND NEW."paidAt" IS NOT NULL AND NEW."communeCode" IS NOT NULL AND NEW."paidBy" IN ('transfer', 'cod')
  ON CONFLICT ("month", "communeCode") DO UPDATE SET
    "transferOrders" = "transferOrders" + excluded."transferOrders", "transferVnd" = "transferVnd" + excluded."transferVnd",
    "codOrders" = "codOrders" + excluded."codOrders", "codVnd" = "codVnd" + excluded."codVnd";
  INSERT INTO "ShopMonthTransfers" ("month", "communeCode", "shopId", "orders")
  SELECT strftime('%Y-%m', NEW."paidAt", '+7 hours'), NEW."communeCode", NEW."shopId", 1 WHERE NEW."payState" = 'paid' AND NEW."paidAt" IS NOT NULL AND NEW."communeCode" IS NOT NULL AND NEW."paidBy" IN ('transfer', 'cod') AND (NEW."paidBy" = 'transfer')
  ON CONFLICT ("month", "communeCode", "shopId") DO UPDATE SET "orders" = "orders" + 1;
  UPDATE "PaymentTally" SET "transferShops" = "transferShops" + 1
  WHERE "month" = strftime('%Y-%m', NEW."paidAt", '+7 hours') AND "communeCode" = NEW."communeCode" AND NEW."payState" = 'paid' AND NEW."paidAt" IS NOT NULL AND NEW."communeCode" IS NOT NULL AND NEW."paidBy" IN ('transfer', 'cod') AND (NEW."paidBy" = 'transfer')
    AND (SELECT s."orders" FROM "ShopMonthTransfers" s WHERE s."month" = strftime('%Y-%m', NEW."paidAt", '+7 hours') AND s."communeCode" = NEW."communeCode" AND s."shopId" = NEW."shopId") = 1;
END;

CREATE TRIGGER "Order_pay_tally_delete" AFTER DELETE ON "Order" BEGIN
  UPDATE "PaymentTally" SET "transferShops" = "transferShops" - 1
  WHERE "month" = strftime('%Y-%m', OLD."paidAt", '+7 hours') AND "communeCode" = OLD."communeCode" AND OLD."payState" = 'paid' AND OLD."paidAt" IS NOT NULL AND OLD."communeCode" IS NOT NULL AND OLD."paidBy" IN ('transfer', 'cod') AND (OLD."paidBy" = 'transfer')
    AND (SELECT s."orders" FROM "ShopMonthTransfers" s WHERE s."month" = strftime('%Y-%m', OLD."paidAt", '+7 hours') AND s."communeCode" = OLD."communeCode" AND s."shopId" = OLD."shopId") = 1;
  UPDATE "ShopMonthTransfers" SET "orders" = "orders" - 1
  WHERE "month" = strftime('%Y-%m', OLD."paidAt", '+7 hours') AND "communeCode" = OLD."communeCode" AND "shopId" = OLD."shopId" AND OLD."payState" = 'paid' AND OLD."paidAt" IS NOT NULL AND OLD."communeCode" IS NOT NULL AND OLD."paidBy" IN ('transfer', 'cod') AND (OLD."paidBy" = 'transfer');
  DELETE FROM "ShopMonthTransfers" WHERE "month" = strftime('%Y-%m', OLD."paidAt", '+7 hours') AND "communeCode" = OLD."communeCode" AND "shopId" = OLD."shopId" AND "orders" = 0;
  UPDATE "PaymentTally" SET
    "transferOrders" = "transferOrders" - (OLD."paidBy" = 'transfer'), "transferVnd" = "transferVnd" - CASE WHEN (OLD."paidBy" = 'transfer') THEN OLD."totalVnd" ELSE 0 END,
    "codOrders" = "codOrders" - (OLD."paidBy" = 'cod'), "codVnd" = "codVnd" - CASE WHEN OLD."paidBy" = 'cod' THEN OLD."totalVnd" ELSE 0 END
  WHERE "month" = strftime('%Y-%m', OLD."paidAt", '+7 hours') AND "communeCode" = OLD."communeCode" AND OLD."payState" = 'paid' AND OLD."paidAt" IS NOT NULL AND OLD."communeCode" IS NOT NULL AND OLD."paidBy" IN ('transfer', 'cod');
END;

CREATE TRIGGER "Order_pay_tally_update" AFTER UPDATE OF "payState", "paidBy", "paidAt", "communeCode", "totalVnd", "shopId" ON "Order" BEGIN
  UPDATE "PaymentTally" SET "transferShops" = "transferShops" - 1
  WHERE "month" = strftime('%Y-%m', OLD."paidAt", '+7 hours') AND "communeCode" = OLD."communeCode" AND OLD."payState" = 'paid' AND OLD."paidAt" IS NOT NULL AND OLD."communeCode" IS NOT NULL AND OLD."paidBy" IN ('transfer', 'cod') AND (OLD."paidBy" = 'transfer')
    AND (SELECT s."orders" FROM "ShopMonthTransfers" s WHERE s."month" = strftime('%Y-%m', OLD."paidAt", '+7 hours') AND s."communeCode" = OLD."communeCode" AND s."shopId" = OLD."shopId") = 1;
  UPDATE "ShopMonthTransfers" SET "orders" = "orders" - 1
  WHERE "month" = strftime('%Y-%m', OLD."paidAt", '+7 hours') AND "communeCode" = OLD."communeCode" AND "shopId" = OLD."shopId" AND OLD."payState" = 'paid' AND OLD."paidAt" IS NOT NULL AND OLD."communeCode" IS NOT NULL AND OLD."paidBy" IN ('transfer', 'cod') AND (OLD."paidBy" = 'transfer');
  DELETE FROM "ShopMonthTransfers" WHERE "month" = strftime('%Y-%m', OLD."paidAt", '+7 hours') AND "communeCode" = OLD."communeCode" AND "shopId" = OLD."shopId" AND "orders" = 0;
  UPDATE "PaymentTally" SET
    "transferOrders" = "transferOrders" - (OLD."paidBy" = 'transfer'), "transferVnd" = "transferVnd" - CASE WHEN (OLD."paidBy" = 'transfer') THEN OLD."totalVnd" ELSE 0 END,
    "codOrders" = "codOrders" - (OLD."paidBy" = 'cod'), "codVnd" = "codVnd" - CASE WHEN OLD."paidBy" = 'cod' THEN OLD."totalVnd" ELSE 0 END
  WHERE "month" = strftime('%Y-%m', OLD."paidAt", '+7 hours') AND "communeCode" = OLD."communeCode" AND OLD."payState" = 'paid' AND OLD."paidAt" IS NOT NULL AND OLD."communeCode" IS NOT NULL AND OLD."paidBy" IN ('transfer', 'cod');
  INSERT INTO "PaymentTally" ("month", "communeCode", "transferOrders", "transferVnd", "codOrders", "codVnd")
  SELECT strftime('%Y-%m', NEW."paidAt", '+7 hours'), NEW."communeCode", (NEW."paidBy" = 'transfer'), CASE WHEN (NEW."paidBy" = 'transfer') THEN NEW."totalVnd" ELSE 0 END,
         (NEW."paidBy" = 'cod'), CASE WHEN NEW."paidBy" = 'cod' THEN NEW."totalVnd" ELSE 0 END
  WHERE NEW."payState" = 'paid' AND NEW."paidAt" IS NOT NULL AND NEW."communeCode" IS NOT NULL AND NEW."paidBy" IN ('transfer', 'cod')
  ON CONFLICT ("month", "communeCode") DO UPDATE SET
    "transferOrders" = "transferOrders" + excluded."transferOrders", "transferVnd" = "transferVnd" + excluded."transferVnd",
    "codOrders" = "codOrders" + excluded."codOrders", "codVnd" = "codVnd" + excluded."codVnd";
  INSERT INTO "ShopMonthTransfers" ("month", "communeCode", "shopId", "orders")
  SELECT strftime('%Y-%m', NEW."paidAt", '+7 hours'), NEW."communeCode", NEW."shopId", 1 WHERE NEW."payState" = 'paid' AND NEW."paidAt" IS NOT NULL AND NEW."communeCode" IS NOT NULL AND NEW."paidBy" IN ('transfer', 'cod') AND (NEW."paidBy" = 'transfer')
  ON CONFLICT ("month", "communeCode", "shopId") DO UPDATE SET "orders" = "orders" + 1;
  UPDATE "PaymentTally" SET "transferShops" = "transferShops" + 1
  WHERE "month" = strftime('%Y-%m', NEW."paidAt", '+7 hours') AND "communeCode" = NEW."communeCode" AND NEW."payState" = 'paid' AND NEW."paidAt" IS NOT NULL AND NEW."communeCode" IS NOT NULL AND NEW."paidBy" IN ('transfer', 'cod') AND (NEW."paidBy" = 'transfer')
    AND (SELECT s."orders" FROM "ShopMonthTransfers" s WHERE s."month" = strftime('%Y-%m', NEW."paidAt", '+7 hours') AND s."communeCode" = NEW."communeCode" AND s."shopId" = NEW."shopId") = 1;
END;

CREATE TRIGGER "Pickup_tally_insert" AFTER INSERT ON "Pickup" BEGIN
  INSERT INTO "ShipmentTally" ("month", "communeCode", "carrier", "shipped", "delivered", "returned")
  VALUES (strftime('%Y-%m', NEW."createdAt", '+7 hours'), NEW."communeCode", NEW."carrier", NEW."status" IN ('picked_up', 'delivered', 'returned'), NEW."status" = 'delivered', NEW."status" = 'returned')
  ON CONFLICT ("month", "communeCode", "carrier") DO UPDATE SET
    "shipped" = "shipped" + excluded."shipped", "delivered" = "delivered" + excluded."delivered", "returned" = "returned" + excluded."returned";
END;

CREATE TRIGGER "Pickup_tally_delete" AFTER DELETE ON "Pickup" BEGIN
  UPDATE "ShipmentTally" SET
    "shipped" = "shipped" - (OLD."status" IN ('picked_up', 'delivered', 'returned')), "delivered" = "delivered" - (OLD."status" = 'delivered'),
    "returned" = "returned" - (OLD."status" = 'returned')
  WHERE "month" = strftime('%Y-%m', OLD."createdAt", '+7 hours') AND "communeCode" = OLD."communeCode" AND "carrier" = OLD."carrier";
END;

CREATE TRIGGER "Pickup_tally_update" AFTER UPDATE OF "status", "carrier", "communeCode", "createdAt" ON "Pickup" BEGIN
  UPDATE "ShipmentTally" SET
    "shipped" = "shipped" - (OLD."status" IN ('picked_up', 'delivered', 'returned')), "delivered" = "delivered" - (OLD."status" = 'delivered'),
    "returned" = "returned" - (OLD."status" = 'returned')
  WHERE "month" = strftime('%Y-%m', OLD."createdAt", '+7 hours') AND "communeCode" = OLD."communeCode" AND "carrier" = OLD."carrier";
  INSERT INTO "ShipmentTally" ("month", "communeCode", "carrier", "shipped", "delivered", "returned")
  VALUES (strftime('%Y-%m', NEW."createdAt", '+7 hours'), NEW."communeCode", NEW."carrier", NEW."status" IN ('picked_up', 'delivered', 'returned'), NEW."status" = 'delivered', NEW."status" = 'returned')
  ON CONFLICT ("month", "communeCode", "carrier") DO UPDATE SET
    "shipped" = "shipped" + excluded."shipped", "delivered" = "delivered" + excluded."delivered", "returned" = "returned" + excluded."returned";
END;

-- Rows written before this migration.
UPDATE "CommuneTally" SET "payAccount" = (
  SELECT COUNT(*) FROM "Household" h WHERE h."communeCode" = "CommuneTally"."communeCode" AND h."payAccount" IS NOT NULL);
INSERT INTO "PaymentTally" ("month", "communeCode", "transferOrders", "transferVnd", "codOrders", "codVnd")
SELECT strftime('%Y-%m', o."paidAt", '+7 hours'), o."communeCode", SUM((o."paidBy" = 'transfer')), SUM(CASE WHEN (o."paidBy" = 'transfer') THEN o."totalVnd" ELSE 0 END),
  SUM(o."paidBy" = 'cod'), SUM(CASE WHEN o."paidBy" = 'cod' THEN o."totalVnd" ELSE 0 END)
FROM "Order" o WHERE o."payState" = 'paid' AND o."paidAt" IS NOT NULL AND o."communeCode" IS NOT NULL AND o."paidBy" IN ('transfer', 'cod') GROUP BY 1, 2;
INSERT INTO "ShopMonthTransfers" ("month", "communeCode", "shopId", "orders")
SELECT strftime('%Y-%m', o."paidAt", '+7 hours'), o."communeCode", o."shopId", COUNT(*) FROM "Order" o WHERE o."payState" = 'paid' AND o."paidAt" IS NOT NULL AND o."communeCode" IS NOT NULL AND o."paidBy" IN ('transfer', 'cod') AND (o."paidBy" = 'transfer') GROUP BY 1, 2, 3;
UPDATE "PaymentTally" SET "transferShops" = (
  SELECT COUNT(*) FROM "ShopMonthTransfers" s WHERE s."month" = "PaymentTally"."month" AND s."communeCode" = "PaymentTally"."communeCode");
INSERT INTO "ShipmentTally" ("month", "communeCode", "carrier", "shipped", "delivered", "returned")
SELECT strftime('%Y-%m', p."createdAt", '+7 hours'), p."communeCode", p."carrier", SUM(p."status" IN ('picked_up', 'delivered', 'returned')), SUM(p."status" = 'delivered'), SUM(p."status" = 'returned')
FROM "Pickup" p GROUP BY 1, 2, 3;
