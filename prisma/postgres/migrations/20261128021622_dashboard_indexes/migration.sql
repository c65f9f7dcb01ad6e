-- DropIndex
DROP INDEX "Order_createdAt_idx";

-- CreateIndex
CREATE INDEX "Household_provinceCode_communeCode_payment_openedAt_registe_idx" ON "Household"("provinceCode", "communeCode", "payment", "openedAt", "registeredById", "demo");

-- CreateIndex
CREATE INDEX "Household_id_provinceCode_communeCode_idx" ON "Household"("id", "provinceCode", "communeCode");

-- CreateIndex
CREATE INDEX "Household_updatedAt_idx" ON "Household"("updatedAt");

-- CreateIndex
CREATE INDEX "Listing_status_stockMilli_shopId_productId_idx" ON "Listing"("status", "stockMilli", "shopId", "productId");

-- CreateIndex
CREATE INDEX "Listing_updatedAt_idx" ON "Listing"("updatedAt");

-- CreateIndex
CREATE INDEX "Order_createdAt_shopId_status_totalVnd_idx" ON "Order"("createdAt", "shopId", "status", "totalVnd");

-- CreateIndex
CREATE INDEX "Order_updatedAt_idx" ON "Order"("updatedAt");

-- CreateIndex
CREATE INDEX "Shop_id_householdId_idx" ON "Shop"("id", "householdId");
