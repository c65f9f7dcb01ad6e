-- CreateTable
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

    CONSTRAINT "HouseholdCsvRow_pkey" PRIMARY KEY ("provinceCode", "communeCode", "householdId")
);

-- The households CSV (/canbo/ho.csv) reads its lines from here: a page of 5,000 is one range of the
-- primary key and a concatenation, where formatting the cells from Household and Shop took 120–175 ms a
-- page (the biggest commune, 155,000 households: 31 pages, 3.5–4.8 s a download). The cells that cost
-- are written once, when a household or its shop changes, by the triggers below, byte for byte as
-- csvField (src/http/api/csv.ts) writes them: the name and phone ("head", with their commas), the shop
-- name, the slug percent-encoded as encodeURIComponent does, the day. What depends on the officer's
-- locale (commune name, payment label, Có/Không) stays a raw value, formatted by the statement from
-- parameters; the live listings come from ShopLiveTally. `npm run admin -- tallies:verify` recomputes
-- the rows (household_csv_rows) and compares.

-- csvField of a text: a leading apostrophe before = + - @ tab CR (the formula guard), then quoted when
-- holding a quote, a comma, a line break, or at either end a character of JavaScript's \s (spelled out:
-- PostgreSQL's \s depends on the database); NULL is the empty cell.
CREATE FUNCTION "csv_cell"(v text) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  spaces constant text := E'\t\n\u000b\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';
  g text;
BEGIN
  IF v IS NULL THEN RETURN ''; END IF;
  g := CASE WHEN left(v, 1) IN ('=', '+', '-', '@', E'\t', E'\r') THEN '''' || v ELSE v END;
  IF strpos(g, '"') > 0 OR strpos(g, ',') > 0 OR strpos(g, E'\n') > 0 OR strpos(g, E'\r') > 0
     OR (g <> '' AND (strpos(spaces, left(g, 1)) > 0 OR strpos(spaces, right(g, 1)) > 0)) THEN
    RETURN '"' || replace(g, '"', '""') || '"';
  END IF;
  RETURN g;
END $$;

-- The phone's cell: "+84912345678" as formatVnPhone shows it ("0912 345 678"), anything else as it is.
CREATE FUNCTION "csv_phone"(p text) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF p ~ '^\+84[0-9]{9}$' THEN
    RETURN '0' || substr(p, 4, 3) || ' ' || substr(p, 7, 3) || ' ' || substr(p, 10, 3);
  END IF;
  RETURN "csv_cell"(p);
END $$;

-- encodeURIComponent: characters outside A-Z a-z 0-9 - _ . ! ~ * ' ( ) as %XX per UTF-8 byte.
CREATE FUNCTION "uri_component"(s text) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  unreserved constant text := 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*''()';
  out text := '';
  c text;
  b bytea;
BEGIN
  IF s IS NULL OR translate(s, unreserved, '') = '' THEN RETURN s; END IF;
  FOR c IN SELECT regexp_split_to_table(s, '') LOOP
    IF strpos(unreserved, c) > 0 THEN
      out := out || c;
    ELSE
      b := convert_to(c, 'UTF8');
      FOR i IN 0 .. length(b) - 1 LOOP
        out := out || '%' || upper(lpad(to_hex(get_byte(b, i)), 2, '0'));
      END LOOP;
    END IF;
  END LOOP;
  RETURN out;
END $$;

-- Every household's row as it should be: the triggers write one household's (WHERE "householdId" = …,
-- pushed into the join), tallies:verify compares all of them.
CREATE FUNCTION "household_csv_rows"() RETURNS SETOF "HouseholdCsvRow" LANGUAGE sql STABLE AS $$
  SELECT h."provinceCode", h."communeCode", h."id",
    "csv_cell"(h."name") || ',' || "csv_phone"(h."phone") || ',',
    s."id", "csv_cell"(s."name"), "uri_component"(s."slug"),
    h."payment", h."openedAt" IS NOT NULL, h."registeredById" IS NOT NULL,
    to_char((h."createdAt" AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Ho_Chi_Minh', 'FMDD/FMMM/YYYY')
  FROM "Household" h LEFT JOIN "Shop" s ON s."householdId" = h."id"
$$;

-- One household's row written again from the rows (nothing when the household is gone).
CREATE FUNCTION "household_csv_row_write"(hid text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "HouseholdCsvRow" SELECT * FROM "household_csv_rows"() r WHERE r."householdId" = hid
  ON CONFLICT ("provinceCode", "communeCode", "householdId") DO UPDATE SET
    "head" = EXCLUDED."head", "shopId" = EXCLUDED."shopId", "shop" = EXCLUDED."shop", "slug" = EXCLUDED."slug",
    "payment" = EXCLUDED."payment", "opened" = EXCLUDED."opened", "assisted" = EXCLUDED."assisted", "day" = EXCLUDED."day";
END $$;

CREATE FUNCTION "household_csv_row"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND (TG_OP = 'DELETE' OR OLD."provinceCode" <> NEW."provinceCode" OR OLD."communeCode" <> NEW."communeCode") THEN
    DELETE FROM "HouseholdCsvRow" WHERE "provinceCode" = OLD."provinceCode" AND "communeCode" = OLD."communeCode" AND "householdId" = OLD."id";
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM "household_csv_row_write"(NEW."id");
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Household_csv_row" AFTER INSERT OR DELETE ON "Household" FOR EACH ROW EXECUTE FUNCTION "household_csv_row"();
-- Only a change of a cell moves the row: a household writing again (lastChannel, updatedAt) does not.
CREATE TRIGGER "Household_csv_row_update" AFTER UPDATE OF "name", "phone", "provinceCode", "communeCode", "payment", "openedAt", "registeredById", "createdAt" ON "Household"
  FOR EACH ROW WHEN (OLD."name" IS DISTINCT FROM NEW."name" OR OLD."phone" IS DISTINCT FROM NEW."phone"
    OR OLD."provinceCode" IS DISTINCT FROM NEW."provinceCode" OR OLD."communeCode" IS DISTINCT FROM NEW."communeCode"
    OR OLD."payment" IS DISTINCT FROM NEW."payment" OR (OLD."openedAt" IS NULL) <> (NEW."openedAt" IS NULL)
    OR (OLD."registeredById" IS NULL) <> (NEW."registeredById" IS NULL) OR OLD."createdAt" IS DISTINCT FROM NEW."createdAt")
  EXECUTE FUNCTION "household_csv_row"();

-- A shop opened, renamed, given another slug, moved to another household or deleted: its household's
-- row (and the one it left) written again. A shop deleted with its household finds no household: the
-- household's own trigger has deleted the row.
CREATE FUNCTION "shop_csv_row"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM "household_csv_row_write"(OLD."householdId"); END IF;
  IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW."householdId" <> OLD."householdId") THEN
    PERFORM "household_csv_row_write"(NEW."householdId");
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Shop_csv_row" AFTER INSERT OR DELETE ON "Shop" FOR EACH ROW EXECUTE FUNCTION "shop_csv_row"();
CREATE TRIGGER "Shop_csv_row_update" AFTER UPDATE OF "name", "slug", "householdId" ON "Shop"
  FOR EACH ROW WHEN (OLD."name" IS DISTINCT FROM NEW."name" OR OLD."slug" IS DISTINCT FROM NEW."slug" OR OLD."householdId" IS DISTINCT FROM NEW."householdId")
  EXECUTE FUNCTION "shop_csv_row"();

-- The households registered before this migration.
INSERT INTO "HouseholdCsvRow" SELECT * FROM "household_csv_rows"();
