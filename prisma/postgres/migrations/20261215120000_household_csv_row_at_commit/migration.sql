-- HouseholdCsvRow is written at commit (deferred constraint triggers, as live_tally_at_commit), not at
-- each change. Written at the change, the household's row was one more lock that both a Household and a
-- Shop update took: a transaction that changed a household and then its shop deadlocked with another
-- that changed only that shop meanwhile (the other held the shop and waited for the row; this one held
-- the row and waited for the shop), as did shop-then-household against the household alone. Without
-- these triggers both pairs simply wait their turn. A consistent lock order inside the triggers cannot
-- help: each statement has locked its own row (Household or Shop) before its trigger runs. At commit
-- every statement of the transaction has run, so the row's lock waits for nothing the other holds
-- (test/dashboard-csv-race.test.ts).
--
-- The functions are unchanged: household_csv_row_write computes the row from the rows as they are at
-- commit, so a household changed several times in one transaction is written from its last state,
-- once per change (and a household deleted, or moved away, has its old key's row deleted first).
-- A transaction changing a household and its shop in opposite orders to another (household then shop
-- against shop then household) still deadlocks on the Household and Shop rows themselves, triggers or not.
DROP TRIGGER "Household_csv_row" ON "Household";
DROP TRIGGER "Household_csv_row_update" ON "Household";
DROP TRIGGER "Shop_csv_row" ON "Shop";
DROP TRIGGER "Shop_csv_row_update" ON "Shop";

CREATE CONSTRAINT TRIGGER "Household_csv_row" AFTER INSERT OR DELETE ON "Household"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "household_csv_row"();
-- Only a change of a cell moves the row: a household writing again (lastChannel, updatedAt) queues nothing.
CREATE CONSTRAINT TRIGGER "Household_csv_row_update" AFTER UPDATE OF "name", "phone", "provinceCode", "communeCode", "payment", "openedAt", "registeredById", "createdAt" ON "Household"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD."name" IS DISTINCT FROM NEW."name" OR OLD."phone" IS DISTINCT FROM NEW."phone"
    OR OLD."provinceCode" IS DISTINCT FROM NEW."provinceCode" OR OLD."communeCode" IS DISTINCT FROM NEW."communeCode"
    OR OLD."payment" IS DISTINCT FROM NEW."payment" OR (OLD."openedAt" IS NULL) <> (NEW."openedAt" IS NULL)
    OR (OLD."registeredById" IS NULL) <> (NEW."registeredById" IS NULL) OR OLD."createdAt" IS DISTINCT FROM NEW."createdAt")
  EXECUTE FUNCTION "household_csv_row"();

CREATE CONSTRAINT TRIGGER "Shop_csv_row" AFTER INSERT OR DELETE ON "Shop"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "shop_csv_row"();
CREATE CONSTRAINT TRIGGER "Shop_csv_row_update" AFTER UPDATE OF "name", "slug", "householdId" ON "Shop"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD."name" IS DISTINCT FROM NEW."name" OR OLD."slug" IS DISTINCT FROM NEW."slug" OR OLD."householdId" IS DISTINCT FROM NEW."householdId")
  EXECUTE FUNCTION "shop_csv_row"();
