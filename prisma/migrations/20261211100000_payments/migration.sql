-- Payment details of a household and the payment state of an order (issue 15)
ALTER TABLE "Household" ADD COLUMN "payBankBin" TEXT;
ALTER TABLE "Household" ADD COLUMN "payAccount" TEXT;
ALTER TABLE "Household" ADD COLUMN "payAccountName" TEXT;
ALTER TABLE "Order" ADD COLUMN "payState" TEXT NOT NULL DEFAULT 'unpaid';
ALTER TABLE "Order" ADD COLUMN "buyerPaidAt" DATETIME;
ALTER TABLE "Order" ADD COLUMN "paidAt" DATETIME;
ALTER TABLE "Order" ADD COLUMN "paidBy" TEXT;
ALTER TABLE "Order" ADD COLUMN "payRemindedAt" DATETIME;
