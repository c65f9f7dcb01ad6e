-- The households CSV (/canbo/ho.csv) reads a commune's households a page at a time in id order: a seek
-- on this index finds each page. Without it the biggest commune (155,000 households of 2,000,000) was
-- found by scanning the id index over the whole province: 6.9 s per download on PostgreSQL.
-- CreateIndex
CREATE INDEX "Household_provinceCode_communeCode_id_idx" ON "Household"("provinceCode", "communeCode", "id");
