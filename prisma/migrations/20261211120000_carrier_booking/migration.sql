-- Issue 21: pickups booked through the carriers' partner APIs, and their webhook events.
ALTER TABLE "Pickup" ADD COLUMN "booking" TEXT NOT NULL DEFAULT 'manual';
ALTER TABLE "Pickup" ADD COLUMN "quotes" TEXT;
ALTER TABLE "Pickup" ADD COLUMN "service" TEXT;
ALTER TABLE "Pickup" ADD COLUMN "feeVnd" INTEGER;
ALTER TABLE "Pickup" ADD COLUMN "waybill" TEXT;
ALTER TABLE "Pickup" ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Pickup" ADD COLUMN "nextTryAt" DATETIME;
ALTER TABLE "Pickup" ADD COLUMN "trackStep" TEXT;
ALTER TABLE "Pickup" ADD COLUMN "trackRank" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "CarrierEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "eventKey" TEXT NOT NULL,
    "carrier" TEXT NOT NULL,
    "waybill" TEXT NOT NULL,
    "pickupId" TEXT,
    "code" TEXT NOT NULL,
    "step" TEXT,
    "at" DATETIME NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CarrierEvent_pickupId_fkey" FOREIGN KEY ("pickupId") REFERENCES "Pickup" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "CarrierEvent_eventKey_key" ON "CarrierEvent"("eventKey");
CREATE INDEX "CarrierEvent_pickupId_at_idx" ON "CarrierEvent"("pickupId", "at");
CREATE UNIQUE INDEX "Pickup_carrier_waybill_key" ON "Pickup"("carrier", "waybill");
CREATE INDEX "Pickup_booking_nextTryAt_idx" ON "Pickup"("booking", "nextTryAt");
