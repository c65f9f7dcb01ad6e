-- The shipping fee the buyer saw before confirming, and the household's printable label link (issue 21).
ALTER TABLE "Order" ADD COLUMN "shippingQuote" TEXT;
ALTER TABLE "Pickup" ADD COLUMN "labelToken" TEXT;
CREATE UNIQUE INDEX "Pickup_labelToken_key" ON "Pickup"("labelToken");
