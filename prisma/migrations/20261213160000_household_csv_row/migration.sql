-- The households CSV's stored rows are kept and read on PostgreSQL only (triggers in
-- prisma/postgres/migrations/20261213160000_household_csv_row): SQLite formats the export in JS from
-- Household and Shop. The table is here so both schemas describe the same models; it stays empty.

-- CreateTable
CREATE TABLE "HouseholdCsvRow" (
    "provinceCode" TEXT NOT NULL,
    "communeCode" TEXT NOT NULL,
    "householdId" TEXT NOT NULL,
    "head" TEXT NOT NULL,
    "shopId" TEXT,
    "shop" TEXT NOT NULL,
    "slug" TEXT,
    "payment" TEXT NOT NULL,
    "opened" BOOLEAN NOT NULL,
    "assisted" BOOLEAN NOT NULL,
    "day" TEXT NOT NULL,

    PRIMARY KEY ("provinceCode", "communeCode", "householdId")
);
