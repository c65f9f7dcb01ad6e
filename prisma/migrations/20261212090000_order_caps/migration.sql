-- Order caps per buyer phone, blocked buyers, grouped order notices (issue 22 part 2).
ALTER TABLE "Order" ADD COLUMN "noticeAt" DATETIME;
-- Orders placed before this migration were notified when placed.
UPDATE "Order" SET "noticeAt" = "createdAt";
ALTER TABLE "Order" ADD COLUMN "heldMilli" INTEGER;

CREATE INDEX "Order_buyerPhone_status_idx" ON "Order"("buyerPhone", "status");

CREATE TABLE "BuyerBlock" (
    "shopId" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shopId", "phone")
);

CREATE TABLE "BuyerPhone" (
    "phone" TEXT NOT NULL PRIMARY KEY,
    "lastOrderAt" DATETIME NOT NULL
);
