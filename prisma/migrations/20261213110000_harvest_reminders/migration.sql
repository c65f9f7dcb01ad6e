-- Harvest reminders (issue 16 part 5).
CREATE TABLE "ReminderCalendar" (
    "productId" TEXT NOT NULL PRIMARY KEY,
    "months" TEXT NOT NULL,
    "off" BOOLEAN NOT NULL DEFAULT false,
    "officerId" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

CREATE TABLE "HarvestReminder" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "householdId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "season" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "HarvestReminder_householdId_productId_season_key" ON "HarvestReminder"("householdId", "productId", "season");
CREATE INDEX "HarvestReminder_productId_season_idx" ON "HarvestReminder"("productId", "season");

CREATE TABLE "ReminderOptOut" (
    "householdId" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
