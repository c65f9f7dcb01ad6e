// The households CSV's kept row (HouseholdCsvRow) stays right when a household and its shop change at the
// same moment in two transactions. PostgreSQL only: there a second transaction's trigger can compute the
// row while the first, which wrote it, has not committed (on SQLite a write transaction holds the whole
// database, so the second one starts after). A held transaction changes one side (its trigger has written
// and locked the household's row); the other side changes meanwhile, and its trigger must not write the
// row back with the first side's old values once the first commits (it did, before the
// household_csv_row_lock_first migration: the shop's old name stayed in the row).
import { describe, expect, it } from "vitest";
import { seedDemo } from "../src/admin/demo-seed.ts";
import { TALLY_CHECKS, verifyTallies } from "../src/dashboard/tallies.ts";
import { tFor } from "../src/i18n/index.ts";
import { householdsCsv } from "../src/web/households-csv.ts";
import { useTestDatabase, whileLocked } from "./support/db.ts";
import { usePostgres } from "./support/paths.ts";

const testDb = useTestDatabase();
const PROVINCE = "20";

async function exportText(format: "sql" | "js"): Promise<string> {
  let csv = "";
  for await (const chunk of householdsCsv(testDb.db, tFor("vi"), { provinceCode: PROVINCE, communes: [] }, "https://cho.example", { format })) csv += chunk;
  return csv;
}

describe.runIf(usePostgres)("households CSV rows under concurrent changes", () => {
  it("keep both changes when a household and its shop change in two transactions at once, either first", async () => {
    await seedDemo(testDb.db, { households: 6, provinceCode: PROVINCE, url: testDb.url });
    const [a, b, c] = await testDb.db.household.findMany({ where: { shop: { isNot: null } }, orderBy: { id: "asc" }, take: 3 });
    const communes = (await testDb.db.household.groupBy({ by: ["communeCode"], orderBy: { communeCode: "asc" } })).map((g) => g.communeCode);
    const elsewhere = communes.find((code) => code !== c.communeCode) ?? "06337";

    // the shop renamed first (held), the household renamed meanwhile
    await whileLocked(testDb.url, { sql: `UPDATE "Shop" SET "name" = 'Cửa hàng A mới' WHERE "householdId" = $1`, params: [a.id] }, 1, () =>
      testDb.db.household.update({ where: { id: a.id }, data: { name: "Hộ A mới" } }),
    );
    // the household renamed first (held), its shop renamed meanwhile
    await whileLocked(testDb.url, { sql: `UPDATE "Household" SET "name" = 'Hộ B mới' WHERE "id" = $1`, params: [b.id] }, 1, () =>
      testDb.db.shop.update({ where: { householdId: b.id }, data: { name: "Cửa hàng B mới" } }),
    );
    // the household moved to another commune first (its row deleted and written under the new key), its shop renamed meanwhile
    await whileLocked(testDb.url, { sql: `UPDATE "Household" SET "communeCode" = $2 WHERE "id" = $1`, params: [c.id, elsewhere] }, 1, () =>
      testDb.db.shop.update({ where: { householdId: c.id }, data: { name: "Cửa hàng C mới" } }),
    );

    const [csvRows] = await verifyTallies(testDb.db, true, TALLY_CHECKS.filter((check) => check.name === "HouseholdCsvRow"));
    expect(csvRows.differences).toEqual([]);
    const csv = await exportText("sql");
    for (const line of ["Hộ A mới,", ",Cửa hàng A mới,", "Hộ B mới,", ",Cửa hàng B mới,", ",Cửa hàng C mới,"]) expect(csv).toContain(line);
    expect(csv).toBe(await exportText("js"));
  });
});
