-- What a household grows (issue 16): harvest reminders also go to growers.
CREATE TABLE "HouseholdCrop" (
    "householdId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("householdId", "productId"),
    CONSTRAINT "HouseholdCrop_householdId_fkey" FOREIGN KEY ("householdId") REFERENCES "Household" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "HouseholdCrop_productId_idx" ON "HouseholdCrop"("productId");
