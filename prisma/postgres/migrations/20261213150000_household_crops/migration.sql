-- What a household grows (issue 16): harvest reminders also go to growers.
CREATE TABLE "HouseholdCrop" (
    "householdId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HouseholdCrop_pkey" PRIMARY KEY ("householdId","productId")
);
CREATE INDEX "HouseholdCrop_productId_idx" ON "HouseholdCrop"("productId");
ALTER TABLE "HouseholdCrop" ADD CONSTRAINT "HouseholdCrop_householdId_fkey" FOREIGN KEY ("householdId") REFERENCES "Household"("id") ON DELETE CASCADE ON UPDATE CASCADE;
