// The households CSV's kept row (HouseholdCsvRow) stays right when a household and its shop change at the
// same moment in two transactions. PostgreSQL only: there a second transaction's trigger can compute the
// row while the first, which wrote it, has not committed (on SQLite a write transaction holds the whole
// database, so the second one starts after). A held transaction changes one side (its trigger, run as at
// commit, has written and locked the household's row); the other side changes meanwhile, and its trigger must not write the
// row back with the first side's old values once the first commits (it did, before the
// household_csv_row_lock_first migration: the shop's old name stayed in the row). And a transaction that
// changes a household and then its shop does not deadlock with one that changes only that shop meanwhile
// (it did while the row was written at each change: household_csv_row_at_commit).
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "../src/admin/demo-seed.ts";
import { TALLY_CHECKS, verifyTallies } from "../src/dashboard/tallies.ts";
import { tFor } from "../src/i18n/index.ts";
import { householdsCsv } from "../src/web/households-csv.ts";
import { householdsCsvReference } from "./support/households-csv-reference.ts";
import { useTestDatabase, whileLocked } from "./support/db.ts";
import { usePostgres } from "./support/paths.ts";

const testDb = useTestDatabase();
const PROVINCE = "20";

async function exportText(format: "sql" | "js"): Promise<string> {
  let csv = "";
  const write = format === "sql" ? householdsCsv : householdsCsvReference;
  for await (const chunk of write(testDb.db, tFor("vi"), { provinceCode: PROVINCE, communes: [] }, "https://cho.example")) csv += chunk;
  return csv;
}

/**
 * A change, then its triggers run as at commit (the row written and locked) while the transaction stays
 * open: the moment between a commit's triggers and its end, held. (Ids and codes here are plain letters
 * and digits: a simple query of two statements takes no parameters.)
 */
const atCommit = (change: string) => `${change}; SET CONSTRAINTS ALL IMMEDIATE`;

/** The kept rows' differences from the rows, for these households. */
async function csvRowDifferences(ids: string[]) {
  const [check] = await verifyTallies(testDb.db, true, TALLY_CHECKS.filter((c) => c.name === "HouseholdCsvRow"));
  return check.differences.filter((d) => ids.includes(d.key));
}

describe.runIf(usePostgres)("households CSV rows under concurrent changes", () => {
  beforeAll(() => seedDemo(testDb.db, { households: 6, provinceCode: PROVINCE, url: testDb.url }), 60_000);

  it("keep both changes when a household and its shop change in two transactions at once, either first", async () => {
    const [a, b, c] = await testDb.db.household.findMany({ where: { shop: { isNot: null } }, orderBy: { id: "asc" }, take: 3 });
    const communes = (await testDb.db.household.groupBy({ by: ["communeCode"], orderBy: { communeCode: "asc" } })).map((g) => g.communeCode);
    const elsewhere = communes.find((code) => code !== c.communeCode) ?? "06337";

    // the shop renamed first (held), the household renamed meanwhile
    await whileLocked(testDb.url, { sql: atCommit(`UPDATE "Shop" SET "name" = 'Cửa hàng A mới' WHERE "householdId" = '${a.id}'`) }, 1, () =>
      testDb.db.household.update({ where: { id: a.id }, data: { name: "Hộ A mới" } }),
    );
    // the household renamed first (held), its shop renamed meanwhile
    await whileLocked(testDb.url, { sql: atCommit(`UPDATE "Household" SET "name" = 'Hộ B mới' WHERE "id" = '${b.id}'`) }, 1, () =>
      testDb.db.shop.update({ where: { householdId: b.id }, data: { name: "Cửa hàng B mới" } }),
    );
    // the household moved to another commune first (its row deleted and written under the new key), its shop renamed meanwhile
    await whileLocked(testDb.url, { sql: atCommit(`UPDATE "Household" SET "communeCode" = '${elsewhere}' WHERE "id" = '${c.id}'`) }, 1, () =>
      testDb.db.shop.update({ where: { householdId: c.id }, data: { name: "Cửa hàng C mới" } }),
    );

    expect(await csvRowDifferences([a.id, b.id, c.id])).toEqual([]);
    const csv = await exportText("sql");
    for (const line of ["Hộ A mới,", ",Cửa hàng A mới,", "Hộ B mới,", ",Cửa hàng B mới,", ",Cửa hàng C mới,"]) expect(csv).toContain(line);
    expect(csv).toBe(await exportText("js"));
  });

  it("a household changed then its shop, in one transaction, while another transaction changes the shop: both commit", async () => {
    const household = await testDb.db.household.findFirstOrThrow({ where: { shop: { isNot: null } }, orderBy: { id: "desc" } });
    const [first, second, watcher] = [0, 1, 2].map(() => new pg.Client({ connectionString: testDb.url }));
    await Promise.all([first, second, watcher].map((c) => c.connect()));
    try {
      await first.query("BEGIN");
      await first.query(`UPDATE "Household" SET "name" = 'Hộ D mới' WHERE "id" = $1`, [household.id]);
      const shopAlone = second.query(`UPDATE "Shop" SET "slug" = 'cua-hang-d-moi' WHERE "householdId" = $1`, [household.id]);
      shopAlone.catch(() => undefined); // judged below
      // until the shop's update has committed, or waits on a lock (the household's row, when written at each change)
      let done = false;
      void shopAlone.then(() => (done = true), () => (done = true));
      for (let waited = 0; !done; waited += 20) {
        const { rows } = await watcher.query(`SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1`, [(second as unknown as { processID: number }).processID]);
        if (rows[0]?.wait_event_type === "Lock" || waited > 10_000) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const thenShop = first.query(`UPDATE "Shop" SET "name" = 'Cửa hàng D mới' WHERE "householdId" = $1`, [household.id]).then(() => first.query("COMMIT"));
      const outcomes = await Promise.allSettled([thenShop, shopAlone]);
      expect(outcomes.map((o) => (o.status === "rejected" ? String(o.reason) : "committed"))).toEqual(["committed", "committed"]);
    } finally {
      await first.query("ROLLBACK").catch(() => undefined);
      await Promise.all([first, second, watcher].map((c) => c.end()));
    }
    expect(await csvRowDifferences([household.id])).toEqual([]);
    const csv = await exportText("sql");
    for (const cell of ["Hộ D mới,", ",Cửa hàng D mới,", "/s/cua-hang-d-moi,"]) expect(csv).toContain(cell);
  });
});
