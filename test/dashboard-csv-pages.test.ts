// The households CSV over more than one page of 2,000 households (src/web/dashboard.ts): every
// household once, and each one's live listings counted right, however many shops a page holds (the
// SQLite driver takes at most 999 parameters per statement).
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { seedDemo } from "../src/admin/demo-seed.ts";
import { tFor } from "../src/i18n/index.ts";
import { householdsCsv } from "../src/web/dashboard.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();
const HOUSEHOLDS = 2_500;

describe("households CSV in pages", () => {
  it("writes every household once with its live listings, across pages", async () => {
    await seedDemo(testDb.db, { households: HOUSEHOLDS, provinceCode: "20", url: testDb.url });
    let csv = "";
    for await (const chunk of householdsCsv(testDb.db, tFor("vi"), { provinceCode: "20", communes: [] }, "https://cho.example")) csv += chunk;
    const rows = parse(csv.replace(/^\uFEFF/, ""), { from_line: 2 }) as string[][];
    expect(rows).toHaveLength(HOUSEHOLDS);
    const livePerPhone = new Map(rows.map((r) => [r[1].replace(/\D/g, ""), Number(r[8])]));
    expect(livePerPhone.size).toBe(HOUSEHOLDS);
    const listings = await testDb.db.listing.findMany({ where: { status: "active", stockMilli: { gt: 0 } }, select: { shop: { select: { household: { select: { phone: true } } } } } });
    const expected = new Map<string, number>();
    for (const l of listings) {
      const phone = `0${l.shop.household.phone.slice(3)}`;
      expected.set(phone, (expected.get(phone) ?? 0) + 1);
    }
    expect(await testDb.db.shop.count()).toBeGreaterThan(2_000); // a full page of shops: more than one statement's parameters
    expect(expected.size).toBeGreaterThan(0);
    for (const [phone, live] of livePerPhone) expect(live, phone).toBe(expected.get(phone) ?? 0);
  });
});
