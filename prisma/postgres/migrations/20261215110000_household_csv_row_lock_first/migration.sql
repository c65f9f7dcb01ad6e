-- A household's HouseholdCsvRow is locked before it is computed, not only when it is written.
--
-- The upsert computed the row (INSERT … SELECT, the statement's snapshot) and then met the row locked by
-- another transaction that had just written it (its shop renamed): once that one committed, ON CONFLICT
-- DO UPDATE wrote the values computed before, with the shop's old name (test/dashboard-csv-race.test.ts;
-- tallies:verify then reported the row). Taking the row's lock first makes the computing statement start
-- after the other transaction has ended, with a snapshot that holds its change. The locks taken are the
-- same as before, only earlier: no new order between them.
--
-- The row is found through the household's current key (a plain read of Household); a row the other
-- transaction deleted (the household moved) is skipped by FOR UPDATE, and the upsert goes to the new key.
CREATE OR REPLACE FUNCTION "household_csv_row_write"(hid text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM "HouseholdCsvRow" r JOIN "Household" h
    ON r."provinceCode" = h."provinceCode" AND r."communeCode" = h."communeCode" AND r."householdId" = h."id"
  WHERE h."id" = hid FOR UPDATE OF r;
  INSERT INTO "HouseholdCsvRow" SELECT * FROM "household_csv_rows"() r WHERE r."householdId" = hid
  ON CONFLICT ("provinceCode", "communeCode", "householdId") DO UPDATE SET
    "head" = EXCLUDED."head", "shopId" = EXCLUDED."shopId", "shop" = EXCLUDED."shop", "slug" = EXCLUDED."slug",
    "payment" = EXCLUDED."payment", "opened" = EXCLUDED."opened", "assisted" = EXCLUDED."assisted", "day" = EXCLUDED."day";
END $$;
