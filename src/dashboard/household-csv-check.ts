// The households CSV's kept rows (HouseholdCsvRow) against the rows as household_csv_rows formats them
// now: what `npm run admin -- tallies:verify` compares (src/dashboard/tallies.ts), and its rewrite.
import type { Db, Tx } from "../db/client.ts";

export const CSV_ROW_FIELDS = ["head", "shopId", "shop", "slug", "payment", "opened", "assisted", "day"] as const;
type CsvRow = Record<"provinceCode" | "communeCode" | "householdId" | (typeof CSV_ROW_FIELDS)[number], unknown>;

/**
 * The kept rows that differ from household_csv_rows, at most `limit`, as pairs (a side null where the
 * row is missing, or sits under another commune or province). PostgreSQL joins both on the key; SQLite
 * takes each side EXCEPT the other (equal rows drop out in one sort) and pairs what is left by key.
 */
export async function householdCsvRowPairs(db: Db | Tx, postgres: boolean, limit: number): Promise<Array<{ key: string; kept: CsvRow | null; recounted: CsvRow | null }>> {
  if (postgres) {
    return db.$queryRaw`
      SELECT COALESCE(k."householdId", r."householdId") AS "key", to_jsonb(k) AS "kept", to_jsonb(r) AS "recounted"
      FROM "HouseholdCsvRow" k FULL OUTER JOIN "household_csv_rows"() r
        ON r."provinceCode" = k."provinceCode" AND r."communeCode" = k."communeCode" AND r."householdId" = k."householdId"
      WHERE k."householdId" IS NULL OR r."householdId" IS NULL
        OR (k."head", k."shopId", k."shop", k."slug", k."payment", k."opened", k."assisted", k."day")
           IS DISTINCT FROM (r."head", r."shopId", r."shop", r."slug", r."payment", r."opened", r."assisted", r."day")
      ORDER BY 1 LIMIT ${limit}`;
  }
  const rows = await db.$queryRaw<Array<CsvRow & { side: "kept" | "recounted" }>>`
    SELECT x.* FROM (
      SELECT 'kept' AS "side", d.* FROM (SELECT * FROM "HouseholdCsvRow" EXCEPT SELECT * FROM "household_csv_rows") d
      UNION ALL
      SELECT 'recounted', d.* FROM (SELECT * FROM "household_csv_rows" EXCEPT SELECT * FROM "HouseholdCsvRow") d
    ) x ORDER BY x."householdId", x."provinceCode", x."communeCode" LIMIT ${limit}`;
  const pairs = new Map<string, { key: string; kept: CsvRow | null; recounted: CsvRow | null }>();
  for (const { side, ...row } of rows) {
    const at = `${String(row.householdId)} ${String(row.provinceCode)} ${String(row.communeCode)}`;
    let pair = pairs.get(at);
    if (!pair) pairs.set(at, (pair = { key: String(row.householdId), kept: null, recounted: null }));
    // SQLite keeps booleans as 0/1: shown as PostgreSQL's
    pair[side] = { ...row, opened: Boolean(Number(row.opened)), assisted: Boolean(Number(row.assisted)) };
  }
  return [...pairs.values()];
}

/** Every household's row written again from household_csv_rows, in the caller's transaction. */
export async function rewriteHouseholdCsvRows(tx: Tx, postgres: boolean): Promise<number> {
  // On PostgreSQL a change committing meanwhile would write its row twice or not at all (SQLite writes one at a time).
  if (postgres) await tx.$executeRaw`LOCK TABLE "HouseholdCsvRow" IN EXCLUSIVE MODE`;
  await tx.$executeRaw`DELETE FROM "HouseholdCsvRow"`;
  return postgres
    ? tx.$executeRaw`INSERT INTO "HouseholdCsvRow" SELECT * FROM "household_csv_rows"()`
    : tx.$executeRaw`INSERT INTO "HouseholdCsvRow" SELECT * FROM "household_csv_rows"`;
}
