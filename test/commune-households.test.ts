// `npm run admin -- communes:households <file.csv>`: the campaign's denominator per commune.
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CommuneHouseholdsFileError, parseCommuneHouseholds } from "../src/admin/commune-households.ts";
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

function csvFile(name: string, lines: string[]): string {
  const path = join(TMP_DIR, `${name}-${process.pid}.csv`);
  writeFileSync(path, lines.join("\n"));
  return path;
}

const problemsOf = (text: string) => {
  try {
    parseCommuneHouseholds(text, "20", "f.csv");
    return [];
  } catch (e) {
    if (!(e instanceof CommuneHouseholdsFileError)) throw e;
    return e.problems;
  }
};

describe("reading a commune households file", () => {
  it("takes either separator, an optional header, lost leading zeros and grouped thousands", () => {
    expect(parseCommuneHouseholds("code,households\n06463,3250\n6385,1200\n", "20")).toEqual([
      { communeCode: "06463", households: 3250 },
      { communeCode: "06385", households: 1200 },
    ]);
    expect(parseCommuneHouseholds("\uFEFFma_xa;so_ho\r\n06463;3.250\r\n\r\n05977;4 100;;\r\n", "20")).toEqual([
      { communeCode: "06463", households: 3250 },
      { communeCode: "05977", households: 4100 },
    ]);
    expect(parseCommuneHouseholds("06463,3250", "20")).toEqual([{ communeCode: "06463", households: 3250 }]);
  });

  it("reports every bad line with its number", () => {
    const problems = problemsOf(["code,households", "06463,3250", "99999,10", "06385,-4", "06463,5", "05977", "05983,0", "01001,100", "05986,1.5"].join("\n"));
    expect(problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(problems[0].message).toMatch(/99999.*not a commune of province 20/);
    expect(problems[2].message).toMatch(/06463 already given on line 2/);
    expect(problems[3].message).toMatch(/2 columns/);
    expect(problems[4].message).toMatch(/at least 1/);
    expect(problems[5].message).toMatch(/01001.*not a commune of province 20/); // a Hà Nội ward
    expect(problemsOf("code,households\n")).toEqual([{ line: 1, message: "no commune lines in the file" }]);
  });
});

describe("npm run admin -- communes:households", () => {
  it("imports a good file in one go and updates totals on a second import", async () => {
    const good = csvFile("households-good", ["code;households", "06463;3250", "06385;1200", "05977;4100"]);
    const first = await admin("communes:households", good);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/3 commune\(s\) set/);
    expect(first.stdout).toMatch(/3 of 65 communes/);
    const rows = await testDb.db.communeHouseholds.findMany({ orderBy: { communeCode: "asc" } });
    expect(rows.map((r) => [r.communeCode, r.households])).toEqual([
      ["05977", 4100],
      ["06385", 1200],
      ["06463", 3250],
    ]);

    const update = csvFile("households-update", ["06463,3300"]);
    expect((await admin("communes:households", update)).code).toBe(0);
    expect((await testDb.db.communeHouseholds.findUniqueOrThrow({ where: { communeCode: "06463" } })).households).toBe(3300);
    expect(await testDb.db.communeHouseholds.count()).toBe(3);
  });

  it("imports nothing when a line is bad, and names the line", async () => {
    const before = await testDb.db.communeHouseholds.findMany({ orderBy: { communeCode: "asc" } });
    const bad = csvFile("households-bad", ["code,households", "05983,2000", "06463,lots", "06001,900"]);
    const result = await admin("communes:households", bad);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/line 3: households "lots" must be a whole number/);
    expect(result.stderr).toMatch(/nothing imported/);
    expect(await testDb.db.communeHouseholds.findMany({ orderBy: { communeCode: "asc" } })).toEqual(before);

    const usage = await admin("communes:households");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/communes:households <file.csv>/);
  });
});
