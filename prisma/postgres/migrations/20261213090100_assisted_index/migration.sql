-- The dashboard's "Cán bộ đăng ký hộ" (households per registering officer, and how many were claimed)
-- reads this index alone: 274,000 officer-registered households of 2,000,000 took 400 ms through the
-- old one-column index, which had to read every row for its province, commune and openedAt.
-- DropIndex
DROP INDEX "Household_registeredById_idx";

-- CreateIndex
CREATE INDEX "Household_registeredById_provinceCode_communeCode_openedAt_idx" ON "Household"("registeredById", "provinceCode", "communeCode", "openedAt");
