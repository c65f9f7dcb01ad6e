-- Households registered in person by each officer, and how many of them claimed their shop, per
-- province and commune, kept by triggers like CommuneTally: the dashboard's "Cán bộ đăng ký hộ" reads
-- a row per officer and commune instead of counting the households (274,000 at 2,000,000). Moved at
-- commit, as the live tallies and OrderTally: the households an officer registers in a commune share
-- one row.
-- CreateTable
CREATE TABLE "OfficerTally" (
    "officerId" TEXT NOT NULL,
    "provinceCode" TEXT NOT NULL,
    "communeCode" TEXT NOT NULL,
    "registered" INTEGER NOT NULL DEFAULT 0,
    "claimed" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "OfficerTally_pkey" PRIMARY KEY ("officerId", "provinceCode", "communeCode")
);

CREATE FUNCTION "household_officer_tally"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD."registeredById" IS NOT NULL THEN
    UPDATE "OfficerTally" SET "registered" = "registered" - 1, "claimed" = "claimed" - (OLD."openedAt" IS NOT NULL)::int
    WHERE "officerId" = OLD."registeredById" AND "provinceCode" = OLD."provinceCode" AND "communeCode" = OLD."communeCode";
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND NEW."registeredById" IS NOT NULL THEN
    INSERT INTO "OfficerTally" ("officerId", "provinceCode", "communeCode", "registered", "claimed")
    VALUES (NEW."registeredById", NEW."provinceCode", NEW."communeCode", 1, (NEW."openedAt" IS NOT NULL)::int)
    ON CONFLICT ("officerId", "provinceCode", "communeCode") DO UPDATE SET
      "registered" = "OfficerTally"."registered" + 1, "claimed" = "OfficerTally"."claimed" + EXCLUDED."claimed";
  END IF;
  RETURN NULL;
END $$;

-- Only households registered by an officer: the others (most) queue no event for the commit.
CREATE CONSTRAINT TRIGGER "Household_officer_tally_insert" AFTER INSERT ON "Household"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW."registeredById" IS NOT NULL) EXECUTE FUNCTION "household_officer_tally"();
CREATE CONSTRAINT TRIGGER "Household_officer_tally_delete" AFTER DELETE ON "Household"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD."registeredById" IS NOT NULL) EXECUTE FUNCTION "household_officer_tally"();
-- Only updates that move a figure (a claim, a move, another officer), not every edit of a household.
CREATE CONSTRAINT TRIGGER "Household_officer_tally_update" AFTER UPDATE OF "registeredById", "openedAt", "communeCode", "provinceCode" ON "Household"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN ((OLD."registeredById" IS NOT NULL OR NEW."registeredById" IS NOT NULL) AND (OLD."registeredById" IS DISTINCT FROM NEW."registeredById"
    OR OLD."communeCode" IS DISTINCT FROM NEW."communeCode" OR OLD."provinceCode" IS DISTINCT FROM NEW."provinceCode"
    OR (OLD."openedAt" IS NULL) IS DISTINCT FROM (NEW."openedAt" IS NULL)))
  EXECUTE FUNCTION "household_officer_tally"();

INSERT INTO "OfficerTally" ("officerId", "provinceCode", "communeCode", "registered", "claimed")
SELECT "registeredById", "provinceCode", "communeCode", COUNT(*), SUM(("openedAt" IS NOT NULL)::int)
FROM "Household" WHERE "registeredById" IS NOT NULL GROUP BY "registeredById", "provinceCode", "communeCode";

-- Its only reader was the count this tally replaces: one index fewer for every household write.
-- DropIndex
DROP INDEX "Household_registeredById_provinceCode_communeCode_openedAt_idx";
