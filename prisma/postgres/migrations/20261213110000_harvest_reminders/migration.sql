-- Harvest reminders (issue 16 part 5).
CREATE TABLE "ReminderCalendar" (
    "productId" TEXT NOT NULL,
    "months" TEXT NOT NULL,
    "off" BOOLEAN NOT NULL DEFAULT false,
    "officerId" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReminderCalendar_pkey" PRIMARY KEY ("productId")
);

CREATE TABLE "HarvestReminder" (
    "id" TEXT NOT NULL,
    "householdId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "season" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HarvestReminder_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "HarvestReminder_householdId_productId_season_key" ON "HarvestReminder"("householdId", "productId", "season");
CREATE INDEX "HarvestReminder_productId_season_idx" ON "HarvestReminder"("productId", "season");

CREATE TABLE "ReminderOptOut" (
    "householdId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReminderOptOut_pkey" PRIMARY KEY ("householdId")
);
