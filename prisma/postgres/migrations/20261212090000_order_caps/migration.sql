-- Order caps per buyer phone, blocked buyers, grouped order notices (issue 22 part 2).
ALTER TABLE "Order" ADD COLUMN "noticeAt" TIMESTAMP(3);
-- Orders placed before this migration were notified when placed.
UPDATE "Order" SET "noticeAt" = "createdAt";
ALTER TABLE "Order" ADD COLUMN "heldMilli" INTEGER;

CREATE INDEX "Order_buyerPhone_status_idx" ON "Order"("buyerPhone", "status");

CREATE TABLE "BuyerBlock" (
    "shopId" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BuyerBlock_pkey" PRIMARY KEY ("shopId","phone")
);

CREATE TABLE "BuyerPhone" (
    "phone" TEXT NOT NULL,
    "lastOrderAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BuyerPhone_pkey" PRIMARY KEY ("phone")
);
