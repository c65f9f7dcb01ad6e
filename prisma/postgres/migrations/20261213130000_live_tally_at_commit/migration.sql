-- A listing's live tallies (LiveTally, ShopLiveTally) are now moved at commit, by a deferred constraint
-- trigger, instead of at the insert or update itself. The tally rows of a commune are hot: every live
-- listing of a product there moves the same two rows. Taken at the insert, their row locks were held
-- until the end of the whole transaction, and a group of turns publishing listings (up to 64 in one
-- transaction, 4 groups at once) made the other groups queue behind it: in `bench:turns --pg`, 2,000
-- listings took 14.6 s with a p99 of 12 s. At commit the locks are held only while the commit ends.
-- The function is unchanged; only when it runs. (SQLite has one writer: nothing to do there.)
DROP TRIGGER "Listing_live_tally" ON "Listing";
CREATE CONSTRAINT TRIGGER "Listing_live_tally"
  AFTER INSERT OR DELETE OR UPDATE OF "status", "stockMilli", "communeCode", "shopId", "productId" ON "Listing"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION "listing_live_tally"();
