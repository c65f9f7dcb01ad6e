-- CreateTable
CREATE TABLE "CommuneTally" (
    "communeCode" TEXT NOT NULL,
    "provinceCode" TEXT NOT NULL,
    "registered" INTEGER NOT NULL DEFAULT 0,
    "opened" INTEGER NOT NULL DEFAULT 0,
    "epay" INTEGER NOT NULL DEFAULT 0,
    "counted" INTEGER NOT NULL DEFAULT 0,
    "assisted" INTEGER NOT NULL DEFAULT 0,
    "claimed" INTEGER NOT NULL DEFAULT 0,
    "demo" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "CommuneTally_pkey" PRIMARY KEY ("communeCode")
);

-- CreateIndex
CREATE INDEX "CommuneTally_provinceCode_idx" ON "CommuneTally"("provinceCode");

-- The tally follows every write to Household (registration, claim, edits, deletion, bulk seeds).
-- Each row contributes 1 to "registered" and 0/1 to the other counts, and an update takes the old
-- contribution away and adds the new one.
CREATE FUNCTION "household_tally"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "CommuneTally" SET
      "registered" = "registered" - 1, "opened" = "opened" - (OLD."openedAt" IS NOT NULL)::int,
      "epay" = "epay" - (OLD."payment" <> 'none')::int, "counted" = "counted" - (OLD."openedAt" IS NOT NULL AND OLD."payment" <> 'none')::int,
      "assisted" = "assisted" - (OLD."registeredById" IS NOT NULL)::int,
      "claimed" = "claimed" - (OLD."registeredById" IS NOT NULL AND OLD."openedAt" IS NOT NULL)::int, "demo" = "demo" - OLD."demo"::int
    WHERE "communeCode" = OLD."communeCode";
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO "CommuneTally" ("communeCode", "provinceCode", "registered", "opened", "epay", "counted", "assisted", "claimed", "demo")
    VALUES (NEW."communeCode", NEW."provinceCode", 1, (NEW."openedAt" IS NOT NULL)::int, (NEW."payment" <> 'none')::int,
            (NEW."openedAt" IS NOT NULL AND NEW."payment" <> 'none')::int, (NEW."registeredById" IS NOT NULL)::int,
            (NEW."registeredById" IS NOT NULL AND NEW."openedAt" IS NOT NULL)::int, NEW."demo"::int)
    ON CONFLICT ("communeCode") DO UPDATE SET
      "registered" = "CommuneTally"."registered" + EXCLUDED."registered", "opened" = "CommuneTally"."opened" + EXCLUDED."opened",
      "epay" = "CommuneTally"."epay" + EXCLUDED."epay", "counted" = "CommuneTally"."counted" + EXCLUDED."counted",
      "assisted" = "CommuneTally"."assisted" + EXCLUDED."assisted", "claimed" = "CommuneTally"."claimed" + EXCLUDED."claimed",
      "demo" = "CommuneTally"."demo" + EXCLUDED."demo";
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Household_tally" AFTER INSERT OR DELETE OR UPDATE OF "communeCode", "provinceCode", "openedAt", "payment", "registeredById", "demo"
  ON "Household" FOR EACH ROW EXECUTE FUNCTION "household_tally"();

-- Households registered before this migration.
INSERT INTO "CommuneTally" ("communeCode", "provinceCode", "registered", "opened", "epay", "counted", "assisted", "claimed", "demo")
SELECT "communeCode", MIN("provinceCode"), COUNT(*),
  SUM(("openedAt" IS NOT NULL)::int), SUM(("payment" <> 'none')::int), SUM(("openedAt" IS NOT NULL AND "payment" <> 'none')::int),
  SUM(("registeredById" IS NOT NULL)::int), SUM(("registeredById" IS NOT NULL AND "openedAt" IS NOT NULL)::int), SUM("demo"::int)
FROM "Household" GROUP BY "communeCode";
