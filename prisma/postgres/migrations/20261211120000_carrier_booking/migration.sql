-- Issue 21: pickups booked through the carriers' partner APIs, and their webhook events.
ALTER TABLE "Pickup" ADD COLUMN "booking" TEXT NOT NULL DEFAULT 'manual',
ADD COLUMN "quotes" TEXT,
ADD COLUMN "service" TEXT,
ADD COLUMN "feeVnd" INTEGER,
ADD COLUMN "waybill" TEXT,
ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "nextTryAt" TIMESTAMP(3),
ADD COLUMN "trackStep" TEXT,
ADD COLUMN "trackRank" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "CarrierEvent" (
    "id" TEXT NOT NULL,
    "eventKey" TEXT NOT NULL,
    "carrier" TEXT NOT NULL,
    "waybill" TEXT NOT NULL,
    "pickupId" TEXT,
    "code" TEXT NOT NULL,
    "step" TEXT,
    "at" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CarrierEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CarrierEvent_eventKey_key" ON "CarrierEvent"("eventKey");
CREATE INDEX "CarrierEvent_pickupId_at_idx" ON "CarrierEvent"("pickupId", "at");
CREATE UNIQUE INDEX "Pickup_carrier_waybill_key" ON "Pickup"("carrier", "waybill");
CREATE INDEX "Pickup_booking_nextTryAt_idx" ON "Pickup"("booking", "nextTryAt");

-- AddForeignKey
ALTER TABLE "CarrierEvent" ADD CONSTRAINT "CarrierEvent_pickupId_fkey" FOREIGN KEY ("pickupId") REFERENCES "Pickup"("id") ON DELETE CASCADE ON UPDATE CASCADE;
