-- CreateTable
CREATE TABLE "CommuneTally" (
    "communeCode" TEXT NOT NULL PRIMARY KEY,
    "provinceCode" TEXT NOT NULL,
    "registered" INTEGER NOT NULL DEFAULT 0,
    "opened" INTEGER NOT NULL DEFAULT 0,
    "epay" INTEGER NOT NULL DEFAULT 0,
    "counted" INTEGER NOT NULL DEFAULT 0,
    "assisted" INTEGER NOT NULL DEFAULT 0,
    "claimed" INTEGER NOT NULL DEFAULT 0,
    "demo" INTEGER NOT NULL DEFAULT 0
);

-- CreateIndex
CREATE INDEX "CommuneTally_provinceCode_idx" ON "CommuneTally"("provinceCode");

-- The tally follows every write to Household (registration, claim, edits, deletion, bulk seeds).
-- Each row contributes 1 to "registered" and 0/1 to the other counts, and an update takes the old
-- contribution away and adds the new one.
CREATE TRIGGER "Household_tally_insert" AFTER INSERT ON "Household" BEGIN
  INSERT INTO "CommuneTally" ("communeCode", "provinceCode", "registered", "opened", "epay", "counted", "assisted", "claimed", "demo")
  VALUES (NEW."communeCode", NEW."provinceCode", 1, NEW."openedAt" IS NOT NULL, NEW."payment" <> 'none',
          NEW."openedAt" IS NOT NULL AND NEW."payment" <> 'none', NEW."registeredById" IS NOT NULL,
          NEW."registeredById" IS NOT NULL AND NEW."openedAt" IS NOT NULL, NEW."demo" <> 0)
  ON CONFLICT ("communeCode") DO UPDATE SET
    "registered" = "registered" + excluded."registered", "opened" = "opened" + excluded."opened",
    "epay" = "epay" + excluded."epay", "counted" = "counted" + excluded."counted",
    "assisted" = "assisted" + excluded."assisted", "claimed" = "claimed" + excluded."claimed", "demo" = "demo" + excluded."demo";
END;

CREATE TRIGGER "Household_tally_delete" AFTER DELETE ON "Household" BEGIN
  UPDATE "CommuneTally" SET
    "registered" = "registered" - 1, "opened" = "opened" - (OLD."openedAt" IS NOT NULL),
    "epay" = "epay" - (OLD."payment" <> 'none'), "counted" = "counted" - (OLD."openedAt" IS NOT NULL AND OLD."payment" <> 'none'),
    "assisted" = "assisted" - (OLD."registeredById" IS NOT NULL),
    "claimed" = "claimed" - (OLD."registeredById" IS NOT NULL AND OLD."openedAt" IS NOT NULL), "demo" = "demo" - (OLD."demo" <> 0)
  WHERE "communeCode" = OLD."communeCode";
END;

CREATE TRIGGER "Household_tally_update" AFTER UPDATE OF "communeCode", "provinceCode", "openedAt", "payment", "registeredById", "demo" ON "Household" BEGIN
  UPDATE "CommuneTally" SET
    "registered" = "registered" - 1, "opened" = "opened" - (OLD."openedAt" IS NOT NULL),
    "epay" = "epay" - (OLD."payment" <> 'none'), "counted" = "counted" - (OLD."openedAt" IS NOT NULL AND OLD."payment" <> 'none'),
    "assisted" = "assisted" - (OLD."registeredById" IS NOT NULL),
    "claimed" = "claimed" - (OLD."registeredById" IS NOT NULL AND OLD."openedAt" IS NOT NULL), "demo" = "demo" - (OLD."demo" <> 0)
  WHERE "communeCode" = OLD."communeCode";
  INSERT INTO "CommuneTally" ("communeCode", "provinceCode", "registered", "opened", "epay", "counted", "assisted", "claimed", "demo")
  VALUES (NEW."communeCode", NEW."provinceCode", 1, NEW."openedAt" IS NOT NULL, NEW."payment" <> 'none',
          NEW."openedAt" IS NOT NULL AND NEW."payment" <> 'none', NEW."registeredById" IS NOT NULL,
          NEW."registeredById" IS NOT NULL AND NEW."openedAt" IS NOT NULL, NEW."demo" <> 0)
  ON CONFLICT ("communeCode") DO UPDATE SET
    "registered" = "registered" + excluded."registered", "opened" = "opened" + excluded."opened",
    "epay" = "epay" + excluded."epay", "counted" = "counted" + excluded."counted",
    "assisted" = "assisted" + excluded."assisted", "claimed" = "claimed" + excluded."claimed", "demo" = "demo" + excluded."demo";
END;

-- Households registered before this migration.
INSERT INTO "CommuneTally" ("communeCode", "provinceCode", "registered", "opened", "epay", "counted", "assisted", "claimed", "demo")
SELECT "communeCode", MIN("provinceCode"), COUNT(*),
  SUM("openedAt" IS NOT NULL), SUM("payment" <> 'none'), SUM("openedAt" IS NOT NULL AND "payment" <> 'none'),
  SUM("registeredById" IS NOT NULL), SUM("registeredById" IS NOT NULL AND "openedAt" IS NOT NULL), SUM("demo" <> 0)
FROM "Household" GROUP BY "communeCode";
