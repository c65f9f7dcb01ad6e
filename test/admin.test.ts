// `npm run admin -- catalog:import <file>` as a real process, and the bot using what was imported.
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.ts";
import { useTestDatabase } from "./support/db.ts";
import { TMP_DIR } from "./support/paths.ts";

const testDb = useTestDatabase();


async function admin(...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(resolve("node_modules/.bin/tsx"), ["src/admin/main.ts", ...args], {
      env: { ...process.env, DATABASE_URL: testDb.url, LOG_LEVEL: "silent" },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}


describe("npm run admin -- catalog:import", () => {
  it("imports a CSV file, updates existing products and adds new ones", async () => {
    const csv = join(TMP_DIR, `catalog-${process.pid}.csv`);
    writeFileSync(
      csv,
      [
        "id,name,aliases,unit,price_min,price_max,harvest_months,off_season_months",
        'mang-kho,Măng khô Bình Gia,"măng khô|mang kho|măng",kg,150000,400000,3|4|5,',
        "hoi-kho,Hoa hồi khô,hồi khô|hoi kho|hoa hồi khô,kg,60000,170000,7|8|9,",
      ].join("\n"),
    );
    const first = await admin("catalog:import", csv);
    expect(first.stdout).toMatch(/new, \d+ updated/);
    expect(first.code).toBe(0);
    expect(await testDb.db.product.findUnique({ where: { id: "mang-kho" } })).toMatchObject({ name: "Măng khô Bình Gia", priceMin: 150_000 });
    expect(await testDb.db.product.findUnique({ where: { id: "hoi-kho" } })).toMatchObject({ priceMin: 60_000, priceMax: 170_000 });
    expect(await testDb.db.product.count()).toBeGreaterThan(15); // the shipped catalog was seeded first

    // The bot recognises the new product at once (a fresh process reads the catalog table).
    const replies = await runCli(testDb.url, [{ user: "imp" }, { text: "/start" }]);
    expect(replies.length).toBeGreaterThan(0);
    const parse = await promisify(execFile)(resolve("node_modules/.bin/tsx"), ["src/tools/parse.ts", "bán 20 kg măng khô 300k"], {
      env: { ...process.env, DATABASE_URL: testDb.url },
    });
    expect(JSON.parse(parse.stdout).product).toEqual({ id: "mang-kho", name: "Măng khô Bình Gia" });
  });

  it("refuses an invalid file, naming the row and field, and changes nothing", async () => {
    const bad = join(TMP_DIR, `bad-${process.pid}.csv`);
    writeFileSync(bad, ["id,name,aliases,unit,price_min,price_max,harvest_months", "Bad Id,X,x,thùng to,-5,10,13"].join("\n"));
    const before = await testDb.db.product.count();
    const result = await admin("catalog:import", bad);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/items\[?\.?0\]?\.?id|items\.0\.id/);
    expect(result.stderr).toMatch(/unit/);
    expect(await testDb.db.product.count()).toBe(before);
    const usage = await admin("catalog:import");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Usage/);
  });
});
