-- CreateTable
CREATE TABLE "LiveTally" (
    "communeCode" TEXT NOT NULL,
    "productKey" TEXT NOT NULL,
    "shops" INTEGER NOT NULL DEFAULT 0,
    "listings" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "LiveTally_pkey" PRIMARY KEY ("communeCode", "productKey")
);

-- CreateTable
CREATE TABLE "ShopLiveTally" (
    "communeCode" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "productKey" TEXT NOT NULL,
    "listings" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ShopLiveTally_pkey" PRIMARY KEY ("communeCode", "shopId", "productKey")
);

-- CreateTable
CREATE TABLE "WeekTally" (
    "communeCode" TEXT NOT NULL,
    "week" INTEGER NOT NULL,
    "registered" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "WeekTally_pkey" PRIMARY KEY ("communeCode", "week")
);

-- Live listings per commune and per product (the dashboard's "Có hàng đang bán" and top products), and
-- registrations per commune and week, kept by triggers like CommuneTally: the dashboard reads a few
-- hundred rows instead of counting a million listings (COUNT DISTINCT shops: 8.6 s at 2,000,000
-- households) or a million households per request. `npm run admin -- tallies:verify` recounts them.
--
-- A listing is live when active, with stock left, and in a commune. Each live listing counts once
-- under its shop for the key '*' (any product) and once for its product ('' when none):
-- ShopLiveTally(commune, shop, key).listings. LiveTally(commune, key) sums the listings and counts the
-- shops whose ShopLiveTally row is above zero (a shop's first live listing adds it, its last removes it).
-- An update that does not change whether or where the listing counts (a stock change) touches nothing.
--
-- Weeks: week = floor((ms since epoch - 320400000) / 604800000), the Monday-to-Monday week in local
-- time (UTC+7, no daylight saving): 1970-01-05 00:00 +07:00 is 345600000 - 25200000 ms.

-- One listing's contribution (d = 1 or -1) under one key of its shop, and the commune's row for that key.
CREATE FUNCTION "live_tally_add"(c text, s text, k text, d int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE n int;
BEGIN
  INSERT INTO "ShopLiveTally" ("communeCode", "shopId", "productKey", "listings") VALUES (c, s, k, d)
    ON CONFLICT ("communeCode", "shopId", "productKey") DO UPDATE SET "listings" = "ShopLiveTally"."listings" + d
    RETURNING "listings" INTO n;
  INSERT INTO "LiveTally" ("communeCode", "productKey", "shops", "listings")
    VALUES (c, k, CASE WHEN d > 0 AND n = 1 THEN 1 WHEN d < 0 AND n <= 0 THEN -1 ELSE 0 END, d)
    ON CONFLICT ("communeCode", "productKey") DO UPDATE SET
      "shops" = "LiveTally"."shops" + EXCLUDED."shops", "listings" = "LiveTally"."listings" + EXCLUDED."listings";
  IF n <= 0 THEN
    DELETE FROM "ShopLiveTally" WHERE "communeCode" = c AND "shopId" = s AND "productKey" = k;
  END IF;
END $$;

CREATE FUNCTION "listing_live_tally"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was boolean := TG_OP <> 'INSERT' AND OLD."status" = 'active' AND OLD."stockMilli" > 0 AND OLD."communeCode" IS NOT NULL;
  now_live boolean := TG_OP <> 'DELETE' AND NEW."status" = 'active' AND NEW."stockMilli" > 0 AND NEW."communeCode" IS NOT NULL;
BEGIN
  IF was AND now_live AND OLD."communeCode" = NEW."communeCode" AND OLD."shopId" = NEW."shopId"
     AND OLD."productId" IS NOT DISTINCT FROM NEW."productId" THEN
    RETURN NULL; -- counted the same way as before (a stock change)
  END IF;
  -- '*' before the product, always: concurrent writers take the commune's rows in one order.
  IF was THEN
    PERFORM "live_tally_add"(OLD."communeCode", OLD."shopId", '*', -1);
    PERFORM "live_tally_add"(OLD."communeCode", OLD."shopId", COALESCE(OLD."productId", ''), -1);
  END IF;
  IF now_live THEN
    PERFORM "live_tally_add"(NEW."communeCode", NEW."shopId", '*', 1);
    PERFORM "live_tally_add"(NEW."communeCode", NEW."shopId", COALESCE(NEW."productId", ''), 1);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Listing_live_tally" AFTER INSERT OR DELETE OR UPDATE OF "status", "stockMilli", "communeCode", "shopId", "productId"
  ON "Listing" FOR EACH ROW EXECUTE FUNCTION "listing_live_tally"();

CREATE FUNCTION "household_week_tally"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD."communeCode" = NEW."communeCode" AND OLD."createdAt" = NEW."createdAt" THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "WeekTally" SET "registered" = "registered" - 1 WHERE "communeCode" = OLD."communeCode" AND "week" = floor((extract(epoch FROM OLD."createdAt") * 1000 - 320400000) / 604800000)::int;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO "WeekTally" ("communeCode", "week", "registered") VALUES (NEW."communeCode", floor((extract(epoch FROM NEW."createdAt") * 1000 - 320400000) / 604800000)::int, 1)
      ON CONFLICT ("communeCode", "week") DO UPDATE SET "registered" = "WeekTally"."registered" + 1;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Household_week_tally" AFTER INSERT OR DELETE OR UPDATE OF "communeCode", "createdAt"
  ON "Household" FOR EACH ROW EXECUTE FUNCTION "household_week_tally"();

-- What was there before this migration.
INSERT INTO "ShopLiveTally" ("communeCode", "shopId", "productKey", "listings")
SELECT l."communeCode", l."shopId", '*', COUNT(*) FROM "Listing" l WHERE l."status" = 'active' AND l."stockMilli" > 0 AND l."communeCode" IS NOT NULL GROUP BY l."communeCode", l."shopId";
INSERT INTO "ShopLiveTally" ("communeCode", "shopId", "productKey", "listings")
SELECT l."communeCode", l."shopId", COALESCE(l."productId", ''), COUNT(*) FROM "Listing" l WHERE l."status" = 'active' AND l."stockMilli" > 0 AND l."communeCode" IS NOT NULL GROUP BY l."communeCode", l."shopId", COALESCE(l."productId", '');
INSERT INTO "LiveTally" ("communeCode", "productKey", "shops", "listings")
SELECT "communeCode", "productKey", COUNT(*), SUM("listings") FROM "ShopLiveTally" GROUP BY "communeCode", "productKey";
INSERT INTO "WeekTally" ("communeCode", "week", "registered")
SELECT h."communeCode", floor((extract(epoch FROM h."createdAt") * 1000 - 320400000) / 604800000)::int, COUNT(*) FROM "Household" h GROUP BY 1, 2;
