-- CreateTable
CREATE TABLE "LiveTally" (
    "communeCode" TEXT NOT NULL,
    "productKey" TEXT NOT NULL,
    "shops" INTEGER NOT NULL DEFAULT 0,
    "listings" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("communeCode", "productKey")
);

-- CreateTable
CREATE TABLE "ShopLiveTally" (
    "communeCode" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "productKey" TEXT NOT NULL,
    "listings" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("communeCode", "shopId", "productKey")
);

-- CreateTable
CREATE TABLE "WeekTally" (
    "communeCode" TEXT NOT NULL,
    "week" INTEGER NOT NULL,
    "registered" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("communeCode", "week")
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

CREATE TRIGGER "Listing_live_insert" AFTER INSERT ON "Listing" WHEN NEW."status" = 'active' AND NEW."stockMilli" > 0 AND NEW."communeCode" IS NOT NULL BEGIN
  INSERT INTO "ShopLiveTally" ("communeCode", "shopId", "productKey", "listings") VALUES (NEW."communeCode", NEW."shopId", '*', 1)
    ON CONFLICT ("communeCode", "shopId", "productKey") DO UPDATE SET "listings" = "listings" + 1;
  INSERT INTO "LiveTally" ("communeCode", "productKey", "shops", "listings")
    VALUES (NEW."communeCode", '*', (SELECT "listings" = 1 FROM "ShopLiveTally" WHERE "communeCode" = NEW."communeCode" AND "shopId" = NEW."shopId" AND "productKey" = '*'), 1)
    ON CONFLICT ("communeCode", "productKey") DO UPDATE SET "shops" = "shops" + excluded."shops", "listings" = "listings" + 1;
  INSERT INTO "ShopLiveTally" ("communeCode", "shopId", "productKey", "listings") VALUES (NEW."communeCode", NEW."shopId", COALESCE(NEW."productId", ''), 1)
    ON CONFLICT ("communeCode", "shopId", "productKey") DO UPDATE SET "listings" = "listings" + 1;
  INSERT INTO "LiveTally" ("communeCode", "productKey", "shops", "listings")
    VALUES (NEW."communeCode", COALESCE(NEW."productId", ''), (SELECT "listings" = 1 FROM "ShopLiveTally" WHERE "communeCode" = NEW."communeCode" AND "shopId" = NEW."shopId" AND "productKey" = COALESCE(NEW."productId", '')), 1)
    ON CONFLICT ("communeCode", "productKey") DO UPDATE SET "shops" = "shops" + excluded."shops", "listings" = "listings" + 1;
END;

CREATE TRIGGER "Listing_live_delete" AFTER DELETE ON "Listing" WHEN OLD."status" = 'active' AND OLD."stockMilli" > 0 AND OLD."communeCode" IS NOT NULL BEGIN
  UPDATE "ShopLiveTally" SET "listings" = "listings" - 1 WHERE "communeCode" = OLD."communeCode" AND "shopId" = OLD."shopId" AND "productKey" = '*';
  UPDATE "LiveTally" SET "listings" = "listings" - 1,
    "shops" = "shops" - COALESCE((SELECT "listings" <= 0 FROM "ShopLiveTally" WHERE "communeCode" = OLD."communeCode" AND "shopId" = OLD."shopId" AND "productKey" = '*'), 0)
    WHERE "communeCode" = OLD."communeCode" AND "productKey" = '*';
  DELETE FROM "ShopLiveTally" WHERE "communeCode" = OLD."communeCode" AND "shopId" = OLD."shopId" AND "productKey" = '*' AND "listings" <= 0;
  UPDATE "ShopLiveTally" SET "listings" = "listings" - 1 WHERE "communeCode" = OLD."communeCode" AND "shopId" = OLD."shopId" AND "productKey" = COALESCE(OLD."productId", '');
  UPDATE "LiveTally" SET "listings" = "listings" - 1,
    "shops" = "shops" - COALESCE((SELECT "listings" <= 0 FROM "ShopLiveTally" WHERE "communeCode" = OLD."communeCode" AND "shopId" = OLD."shopId" AND "productKey" = COALESCE(OLD."productId", '')), 0)
    WHERE "communeCode" = OLD."communeCode" AND "productKey" = COALESCE(OLD."productId", '');
  DELETE FROM "ShopLiveTally" WHERE "communeCode" = OLD."communeCode" AND "shopId" = OLD."shopId" AND "productKey" = COALESCE(OLD."productId", '') AND "listings" <= 0;
END;

CREATE TRIGGER "Listing_live_update_remove" AFTER UPDATE OF "status", "stockMilli", "communeCode", "shopId", "productId" ON "Listing"
  WHEN OLD."status" = 'active' AND OLD."stockMilli" > 0 AND OLD."communeCode" IS NOT NULL AND NOT (NEW."status" = 'active' AND NEW."stockMilli" > 0 AND NEW."communeCode" IS NOT NULL AND OLD."communeCode" IS NEW."communeCode" AND OLD."shopId" = NEW."shopId" AND OLD."productId" IS NEW."productId") BEGIN
  UPDATE "ShopLiveTally" SET "listings" = "listings" - 1 WHERE "communeCode" = OLD."communeCode" AND "shopId" = OLD."shopId" AND "productKey" = '*';
  UPDATE "LiveTally" SET "listings" = "listings" - 1,
    "shops" = "shops" - COALESCE((SELECT "listings" <= 0 FROM "ShopLiveTally" WHERE "communeCode" = OLD."communeCode" AND "shopId" = OLD."shopId" AND "productKey" = '*'), 0)
    WHERE "communeCode" = OLD."communeCode" AND "productKey" = '*';
  DELETE FROM "ShopLiveTally" WHERE "communeCode" = OLD."communeCode" AND "shopId" = OLD."shopId" AND "productKey" = '*' AND "listings" <= 0;
  UPDATE "ShopLiveTally" SET "listings" = "listings" - 1 WHERE "communeCode" = OLD."communeCode" AND "shopId" = OLD."shopId" AND "productKey" = COALESCE(OLD."productId", '');
  UPDATE "LiveTally" SET "listings" = "listings" - 1,
    "shops" = "shops" - COALESCE((SELECT "listings" <= 0 FROM "ShopLiveTally" WHERE "communeCode" = OLD."communeCode" AND "shopId" = OLD."shopId" AND "productKey" = COALESCE(OLD."productId", '')), 0)
    WHERE "communeCode" = OLD."communeCode" AND "productKey" = COALESCE(OLD."productId", '');
  DELETE FROM "ShopLiveTally" WHERE "communeCode" = OLD."communeCode" AND "shopId" = OLD."shopId" AND "productKey" = COALESCE(OLD."productId", '') AND "listings" <= 0;
END;

CREATE TRIGGER "Listing_live_update_add" AFTER UPDATE OF "status", "stockMilli", "communeCode", "shopId", "productId" ON "Listing"
  WHEN NEW."status" = 'active' AND NEW."stockMilli" > 0 AND NEW."communeCode" IS NOT NULL AND NOT (OLD."status" = 'active' AND OLD."stockMilli" > 0 AND OLD."communeCode" IS NOT NULL AND OLD."communeCode" IS NEW."communeCode" AND OLD."shopId" = NEW."shopId" AND OLD."productId" IS NEW."productId") BEGIN
  INSERT INTO "ShopLiveTally" ("communeCode", "shopId", "productKey", "listings") VALUES (NEW."communeCode", NEW."shopId", '*', 1)
    ON CONFLICT ("communeCode", "shopId", "productKey") DO UPDATE SET "listings" = "listings" + 1;
  INSERT INTO "LiveTally" ("communeCode", "productKey", "shops", "listings")
    VALUES (NEW."communeCode", '*', (SELECT "listings" = 1 FROM "ShopLiveTally" WHERE "communeCode" = NEW."communeCode" AND "shopId" = NEW."shopId" AND "productKey" = '*'), 1)
    ON CONFLICT ("communeCode", "productKey") DO UPDATE SET "shops" = "shops" + excluded."shops", "listings" = "listings" + 1;
  INSERT INTO "ShopLiveTally" ("communeCode", "shopId", "productKey", "listings") VALUES (NEW."communeCode", NEW."shopId", COALESCE(NEW."productId", ''), 1)
    ON CONFLICT ("communeCode", "shopId", "productKey") DO UPDATE SET "listings" = "listings" + 1;
  INSERT INTO "LiveTally" ("communeCode", "productKey", "shops", "listings")
    VALUES (NEW."communeCode", COALESCE(NEW."productId", ''), (SELECT "listings" = 1 FROM "ShopLiveTally" WHERE "communeCode" = NEW."communeCode" AND "shopId" = NEW."shopId" AND "productKey" = COALESCE(NEW."productId", '')), 1)
    ON CONFLICT ("communeCode", "productKey") DO UPDATE SET "shops" = "shops" + excluded."shops", "listings" = "listings" + 1;
END;

CREATE TRIGGER "Household_week_insert" AFTER INSERT ON "Household" BEGIN
  INSERT INTO "WeekTally" ("communeCode", "week", "registered") VALUES (NEW."communeCode", (CAST(ROUND((julianday(NEW."createdAt") - 2440587.5) * 86400000) AS INTEGER) - 320400000) / 604800000, 1)
    ON CONFLICT ("communeCode", "week") DO UPDATE SET "registered" = "registered" + 1;
END;

CREATE TRIGGER "Household_week_delete" AFTER DELETE ON "Household" BEGIN
  UPDATE "WeekTally" SET "registered" = "registered" - 1 WHERE "communeCode" = OLD."communeCode" AND "week" = (CAST(ROUND((julianday(OLD."createdAt") - 2440587.5) * 86400000) AS INTEGER) - 320400000) / 604800000;
END;

CREATE TRIGGER "Household_week_update" AFTER UPDATE OF "communeCode", "createdAt" ON "Household" BEGIN
  UPDATE "WeekTally" SET "registered" = "registered" - 1 WHERE "communeCode" = OLD."communeCode" AND "week" = (CAST(ROUND((julianday(OLD."createdAt") - 2440587.5) * 86400000) AS INTEGER) - 320400000) / 604800000;
  INSERT INTO "WeekTally" ("communeCode", "week", "registered") VALUES (NEW."communeCode", (CAST(ROUND((julianday(NEW."createdAt") - 2440587.5) * 86400000) AS INTEGER) - 320400000) / 604800000, 1)
    ON CONFLICT ("communeCode", "week") DO UPDATE SET "registered" = "registered" + 1;
END;

-- What was there before this migration.
INSERT INTO "ShopLiveTally" ("communeCode", "shopId", "productKey", "listings")
SELECT l."communeCode", l."shopId", '*', COUNT(*) FROM "Listing" l WHERE l."status" = 'active' AND l."stockMilli" > 0 AND l."communeCode" IS NOT NULL GROUP BY l."communeCode", l."shopId";
INSERT INTO "ShopLiveTally" ("communeCode", "shopId", "productKey", "listings")
SELECT l."communeCode", l."shopId", COALESCE(l."productId", ''), COUNT(*) FROM "Listing" l WHERE l."status" = 'active' AND l."stockMilli" > 0 AND l."communeCode" IS NOT NULL GROUP BY l."communeCode", l."shopId", COALESCE(l."productId", '');
INSERT INTO "LiveTally" ("communeCode", "productKey", "shops", "listings")
SELECT "communeCode", "productKey", COUNT(*), SUM("listings") FROM "ShopLiveTally" GROUP BY "communeCode", "productKey";
INSERT INTO "WeekTally" ("communeCode", "week", "registered")
SELECT h."communeCode", (CAST(ROUND((julianday(h."createdAt") - 2440587.5) * 86400000) AS INTEGER) - 320400000) / 604800000, COUNT(*) FROM "Household" h GROUP BY 1, 2;
