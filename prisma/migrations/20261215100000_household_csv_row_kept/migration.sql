-- The households CSV's stored rows on SQLite too, kept by triggers as on PostgreSQL
-- (prisma/postgres/migrations/20261213160000_household_csv_row, whose comments say what each column
-- holds). Formatting each page in JS from Household and Shop cost 40–55 ms per 5,000 households (the
-- rows of a commune lie all over the Household table, and each became a JS object, then a line): the
-- biggest commune at 200,000 households (15,450) took 230 ms. Read from here, a page is one range of
-- the key concatenated by group_concat (src/dashboard/household-csv-sql.ts).
--
-- SQLite has no functions of its own, and other connections (the sqlite3 shell, a restore) know none a
-- process would register, so the formatting is written out in SQL, once, in the view below: csvField's
-- formula guard and quoting, formatVnPhone, encodeURIComponent, the day as formatDay shows it.
-- `npm run admin -- tallies:verify` compares the table with the view.

-- WITHOUT ROWID: the rows are stored in key order, so a commune's page is read from consecutive pages
-- of the file however its households were registered in time.
DROP TABLE "HouseholdCsvRow";
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
) WITHOUT ROWID;

-- Every household's row as it should be; the triggers write one household's (WHERE "householdId" = …,
-- which SQLite pushes into the join).
--
-- csvField of a text (q_* from g_*): g_ is the text after the formula guard (a leading apostrophe
-- before = + - @ tab CR); it is quoted, quotes doubled, when it holds a quote, a comma, a line break,
-- or at either end one of JavaScript's \s (the char() list); NULL is the empty cell. instr(x, '') is 1,
-- hence the test for the empty text.
--
-- The slug as encodeURIComponent writes it: as it is when every character is unreserved (A-Z a-z 0-9
-- - _ . ! ~ * ' ( ), the usual case), else character by character (json_each over an array of
-- length(slug) zeros numbers them: a trigger may not use WITH RECURSIVE), each reserved one as %XX per
-- byte of its UTF-8 (hex() of the character).
--
-- The day: createdAt is stored as ISO 8601 text in UTC; Asia/Ho_Chi_Minh is UTC+7 without daylight
-- saving since 1975, so date(…, '+7 hours') is its local day, written D/M/YYYY as vi-VN does.
CREATE VIEW "household_csv_rows" AS
SELECT c."provinceCode", c."communeCode", c."householdId",
  CASE WHEN c."g_name" IS NULL THEN ''
    WHEN instr(c."g_name", '"') OR instr(c."g_name", ',') OR instr(c."g_name", char(10)) OR instr(c."g_name", char(13))
      OR (c."g_name" <> '' AND (instr(c."spaces", substr(c."g_name", 1, 1)) OR instr(c."spaces", substr(c."g_name", -1))))
    THEN '"' || replace(c."g_name", '"', '""') || '"' ELSE c."g_name" END
  || ',' ||
  CASE WHEN c."phone" GLOB '+84[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'
      THEN '0' || substr(c."phone", 4, 3) || ' ' || substr(c."phone", 7, 3) || ' ' || substr(c."phone", 10, 3)
    WHEN c."g_phone" IS NULL THEN ''
    WHEN instr(c."g_phone", '"') OR instr(c."g_phone", ',') OR instr(c."g_phone", char(10)) OR instr(c."g_phone", char(13))
      OR (c."g_phone" <> '' AND (instr(c."spaces", substr(c."g_phone", 1, 1)) OR instr(c."spaces", substr(c."g_phone", -1))))
    THEN '"' || replace(c."g_phone", '"', '""') || '"' ELSE c."g_phone" END
  || ',' AS "head",
  c."shopId",
  CASE WHEN c."g_shop" IS NULL THEN ''
    WHEN instr(c."g_shop", '"') OR instr(c."g_shop", ',') OR instr(c."g_shop", char(10)) OR instr(c."g_shop", char(13))
      OR (c."g_shop" <> '' AND (instr(c."spaces", substr(c."g_shop", 1, 1)) OR instr(c."spaces", substr(c."g_shop", -1))))
    THEN '"' || replace(c."g_shop", '"', '""') || '"' ELSE c."g_shop" END AS "shop",
  CASE WHEN c."slug" GLOB '*[^A-Za-z0-9_.!~*''()-]*' THEN (
      SELECT group_concat(
        CASE WHEN substr(c."slug", j."key" + 1, 1) GLOB '[A-Za-z0-9_.!~*''()-]' THEN substr(c."slug", j."key" + 1, 1)
        ELSE '%' || substr(hex(substr(c."slug", j."key" + 1, 1)), 1, 2)
          || CASE WHEN length(hex(substr(c."slug", j."key" + 1, 1))) > 2 THEN '%' || substr(hex(substr(c."slug", j."key" + 1, 1)), 3, 2) ELSE '' END
          || CASE WHEN length(hex(substr(c."slug", j."key" + 1, 1))) > 4 THEN '%' || substr(hex(substr(c."slug", j."key" + 1, 1)), 5, 2) ELSE '' END
          || CASE WHEN length(hex(substr(c."slug", j."key" + 1, 1))) > 6 THEN '%' || substr(hex(substr(c."slug", j."key" + 1, 1)), 7, 2) ELSE '' END
        END, '' ORDER BY j."key")
      FROM json_each('[' || substr(replace(hex(zeroblob(length(c."slug"))), '00', ',0'), 2) || ']') j)
    ELSE c."slug" END AS "slug",
  c."payment", c."opened", c."assisted",
  ltrim(substr(c."localDay", 9, 2), '0') || '/' || ltrim(substr(c."localDay", 6, 2), '0') || '/' || substr(c."localDay", 1, 4) AS "day"
FROM (
  SELECT h."provinceCode", h."communeCode", h."id" AS "householdId", h."phone", h."payment",
    CASE WHEN substr(h."name", 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) THEN '''' || h."name" ELSE h."name" END AS "g_name",
    CASE WHEN substr(h."phone", 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) THEN '''' || h."phone" ELSE h."phone" END AS "g_phone",
    s."id" AS "shopId",
    CASE WHEN substr(s."name", 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) THEN '''' || s."name" ELSE s."name" END AS "g_shop",
    s."slug",
    h."openedAt" IS NOT NULL AS "opened", h."registeredById" IS NOT NULL AS "assisted",
    date(h."createdAt", '+7 hours') AS "localDay",
    char(9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279) AS "spaces"
  FROM "Household" h LEFT JOIN "Shop" s ON s."householdId" = h."id"
) c;

-- A household's row written again from the view (nothing when the household is gone: its delete
-- trigger has removed the row). WHERE true: an INSERT … SELECT with an upsert clause needs it.
CREATE TRIGGER "Household_csv_row_insert" AFTER INSERT ON "Household" BEGIN
  INSERT INTO "HouseholdCsvRow" SELECT * FROM "household_csv_rows" r WHERE r."householdId" = NEW."id";
END;

CREATE TRIGGER "Household_csv_row_delete" AFTER DELETE ON "Household" BEGIN
  DELETE FROM "HouseholdCsvRow" WHERE "provinceCode" = OLD."provinceCode" AND "communeCode" = OLD."communeCode" AND "householdId" = OLD."id";
END;

-- Only a change of a cell moves the row: a household writing again (lastChannel, updatedAt) does not.
CREATE TRIGGER "Household_csv_row_update" AFTER UPDATE OF "name", "phone", "provinceCode", "communeCode", "payment", "openedAt", "registeredById", "createdAt" ON "Household"
  WHEN OLD."name" IS NOT NEW."name" OR OLD."phone" IS NOT NEW."phone"
    OR OLD."provinceCode" IS NOT NEW."provinceCode" OR OLD."communeCode" IS NOT NEW."communeCode"
    OR OLD."payment" IS NOT NEW."payment" OR (OLD."openedAt" IS NULL) <> (NEW."openedAt" IS NULL)
    OR (OLD."registeredById" IS NULL) <> (NEW."registeredById" IS NULL) OR OLD."createdAt" IS NOT NEW."createdAt"
BEGIN
  DELETE FROM "HouseholdCsvRow" WHERE "provinceCode" = OLD."provinceCode" AND "communeCode" = OLD."communeCode" AND "householdId" = OLD."id";
  INSERT INTO "HouseholdCsvRow" SELECT * FROM "household_csv_rows" r WHERE r."householdId" = NEW."id";
END;

-- A shop opened, renamed, given another slug, moved to another household or deleted: its household's
-- row (and the one it left) written again. A shop deleted with its household finds no household.
CREATE TRIGGER "Shop_csv_row_insert" AFTER INSERT ON "Shop" BEGIN
  INSERT INTO "HouseholdCsvRow" SELECT * FROM "household_csv_rows" r WHERE r."householdId" = NEW."householdId" AND true
    ON CONFLICT ("provinceCode", "communeCode", "householdId") DO UPDATE SET
      "head" = excluded."head", "shopId" = excluded."shopId", "shop" = excluded."shop", "slug" = excluded."slug",
      "payment" = excluded."payment", "opened" = excluded."opened", "assisted" = excluded."assisted", "day" = excluded."day";
END;

CREATE TRIGGER "Shop_csv_row_delete" AFTER DELETE ON "Shop" BEGIN
  INSERT INTO "HouseholdCsvRow" SELECT * FROM "household_csv_rows" r WHERE r."householdId" = OLD."householdId" AND true
    ON CONFLICT ("provinceCode", "communeCode", "householdId") DO UPDATE SET
      "head" = excluded."head", "shopId" = excluded."shopId", "shop" = excluded."shop", "slug" = excluded."slug",
      "payment" = excluded."payment", "opened" = excluded."opened", "assisted" = excluded."assisted", "day" = excluded."day";
END;

CREATE TRIGGER "Shop_csv_row_update" AFTER UPDATE OF "name", "slug", "householdId" ON "Shop"
  WHEN OLD."name" IS NOT NEW."name" OR OLD."slug" IS NOT NEW."slug" OR OLD."householdId" IS NOT NEW."householdId"
BEGIN
  INSERT INTO "HouseholdCsvRow" SELECT * FROM "household_csv_rows" r WHERE r."householdId" IN (OLD."householdId", NEW."householdId") AND true
    ON CONFLICT ("provinceCode", "communeCode", "householdId") DO UPDATE SET
      "head" = excluded."head", "shopId" = excluded."shopId", "shop" = excluded."shop", "slug" = excluded."slug",
      "payment" = excluded."payment", "opened" = excluded."opened", "assisted" = excluded."assisted", "day" = excluded."day";
END;

-- The households registered before this migration.
INSERT INTO "HouseholdCsvRow" SELECT * FROM "household_csv_rows";
