-- household_csv_row_write locks the household's row by its key, read first, instead of through a join.
--
-- The join (HouseholdCsvRow joined to Household on the key, FOR UPDATE OF the row) left the plan to
-- PL/pgSQL's plan cache. A connection that started on small tables (a bulk load, the demo seed) kept a
-- generic plan that scanned HouseholdCsvRow on every call: the seed's commits slowed as the table grew,
-- to over 15 s for 5,000 households at 105,000 rows (each call a scan), where the whole 2,000,000 took
-- 526 s before the lock was added. Equalities on the whole primary key are an index lookup in any plan.
-- The lock taken is the same row's, at the same moment.
CREATE OR REPLACE FUNCTION "household_csv_row_write"(hid text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  province text;
  commune text;
BEGIN
  SELECT h."provinceCode", h."communeCode" INTO province, commune FROM "Household" h WHERE h."id" = hid;
  IF FOUND THEN
    PERFORM 1 FROM "HouseholdCsvRow" r
    WHERE r."provinceCode" = province AND r."communeCode" = commune AND r."householdId" = hid FOR UPDATE;
  END IF;
  INSERT INTO "HouseholdCsvRow" SELECT * FROM "household_csv_rows"() r WHERE r."householdId" = hid
  ON CONFLICT ("provinceCode", "communeCode", "householdId") DO UPDATE SET
    "head" = EXCLUDED."head", "shopId" = EXCLUDED."shopId", "shop" = EXCLUDED."shop", "slug" = EXCLUDED."slug",
    "payment" = EXCLUDED."payment", "opened" = EXCLUDED."opened", "assisted" = EXCLUDED."assisted", "day" = EXCLUDED."day";
END $$;
