-- Households registered in person by each officer, and how many of them claimed their shop, per
-- province and commune, kept by triggers like CommuneTally: the dashboard's "Cán bộ đăng ký hộ" reads
-- a row per officer and commune instead of counting the households (27,500 index entries, 4 ms of a
-- province page at 200,000 households on SQLite; 274,000 at 2,000,000).
-- CreateTable
CREATE TABLE "OfficerTally" (
    "officerId" TEXT NOT NULL,
    "provinceCode" TEXT NOT NULL,
    "communeCode" TEXT NOT NULL,
    "registered" INTEGER NOT NULL DEFAULT 0,
    "claimed" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("officerId", "provinceCode", "communeCode")
);

CREATE TRIGGER "Household_officer_tally_insert" AFTER INSERT ON "Household" WHEN NEW."registeredById" IS NOT NULL BEGIN
  INSERT INTO "OfficerTally" ("officerId", "provinceCode", "communeCode", "registered", "claimed")
  VALUES (NEW."registeredById", NEW."provinceCode", NEW."communeCode", 1, NEW."openedAt" IS NOT NULL)
  ON CONFLICT ("officerId", "provinceCode", "communeCode") DO UPDATE SET "registered" = "registered" + 1, "claimed" = "claimed" + excluded."claimed";
END;

CREATE TRIGGER "Household_officer_tally_delete" AFTER DELETE ON "Household" WHEN OLD."registeredById" IS NOT NULL BEGIN
  UPDATE "OfficerTally" SET "registered" = "registered" - 1, "claimed" = "claimed" - (OLD."openedAt" IS NOT NULL)
  WHERE "officerId" = OLD."registeredById" AND "provinceCode" = OLD."provinceCode" AND "communeCode" = OLD."communeCode";
END;

-- Only updates that move a figure (a claim, a move, another officer), not every edit of a household.
CREATE TRIGGER "Household_officer_tally_update" AFTER UPDATE OF "registeredById", "openedAt", "communeCode", "provinceCode" ON "Household"
WHEN (OLD."registeredById" IS NOT NULL OR NEW."registeredById" IS NOT NULL) AND (OLD."registeredById" IS NOT NEW."registeredById"
  OR OLD."communeCode" IS NOT NEW."communeCode" OR OLD."provinceCode" IS NOT NEW."provinceCode" OR (OLD."openedAt" IS NULL) IS NOT (NEW."openedAt" IS NULL))
BEGIN
  UPDATE "OfficerTally" SET "registered" = "registered" - 1, "claimed" = "claimed" - (OLD."openedAt" IS NOT NULL)
  WHERE "officerId" = OLD."registeredById" AND "provinceCode" = OLD."provinceCode" AND "communeCode" = OLD."communeCode";
  INSERT INTO "OfficerTally" ("officerId", "provinceCode", "communeCode", "registered", "claimed")
  SELECT NEW."registeredById", NEW."provinceCode", NEW."communeCode", 1, NEW."openedAt" IS NOT NULL WHERE NEW."registeredById" IS NOT NULL
  ON CONFLICT ("officerId", "provinceCode", "communeCode") DO UPDATE SET "registered" = "registered" + 1, "claimed" = "claimed" + excluded."claimed";
END;

INSERT INTO "OfficerTally" ("officerId", "provinceCode", "communeCode", "registered", "claimed")
SELECT "registeredById", "provinceCode", "communeCode", COUNT(*), SUM("openedAt" IS NOT NULL)
FROM "Household" WHERE "registeredById" IS NOT NULL GROUP BY "registeredById", "provinceCode", "communeCode";

-- Its only reader was the count this tally replaces: one index fewer for every household write.
-- DropIndex
DROP INDEX "Household_registeredById_provinceCode_communeCode_openedAt_idx";
