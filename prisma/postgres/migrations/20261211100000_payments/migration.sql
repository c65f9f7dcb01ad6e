-- Payment details of a household and the payment state of an order (issue 15)
ALTER TABLE "Household" ADD COLUMN "payBankBin" TEXT,
ADD COLUMN "payAccount" TEXT,
ADD COLUMN "payAccountName" TEXT;
ALTER TABLE "Order" ADD COLUMN "payState" TEXT NOT NULL DEFAULT 'unpaid',
ADD COLUMN "buyerPaidAt" TIMESTAMP(3),
ADD COLUMN "paidAt" TIMESTAMP(3),
ADD COLUMN "paidBy" TEXT,
ADD COLUMN "payRemindedAt" TIMESTAMP(3);
