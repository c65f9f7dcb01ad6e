// The households CSV read from the kept rows (src/dashboard/household-csv-sql.ts) is byte for byte the
// one formatted in JS (test/support/households-csv-reference.ts), on both databases: over names and shop names with
// quotes, commas, line breaks, leading = + - @ tab, leading and trailing white space (JavaScript's \s,
// no-break space included), Vietnamese letters and emoji; households without a shop; phones that are
// not Vietnamese numbers; a slug encodeURIComponent must encode; a payment the locale does not know;
// registrations either side of midnight in Asia/Ho_Chi_Minh. On both databases the values come back
// from the CSV as they went in (with the formula guard's apostrophe). The lines come from rows the
// triggers keep (HouseholdCsvRow): still the JS bytes after households and shops change (renamed,
// moved, claimed, a shop opened, renamed or deleted, listings sold out), and with a link start that
// itself needs quoting.
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "../src/admin/demo-seed.ts";
import { tFor } from "../src/i18n/index.ts";
import { formatVnPhone } from "../src/lang/phone.ts";
import { householdsCsv } from "../src/web/households-csv.ts";
import { householdsCsvReference } from "./support/households-csv-reference.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();
const PROVINCE = "20";
const BASE = "https://cho.example";
const t = tFor("vi");

const NASTY = [
  'Hộ "Nông" Văn Đức',
  "Bắc, Lạng Sơn",
  "dòng một\ndòng hai",
  "dòng một\r\ndòng hai",
  "=HYPERLINK(\"http://x\")",
  "+84 912",
  "-1",
  "@SUM(A1)",
  "\tcó tab",
  "\rCR",
  " đầu cách",
  "cuối cách ",
  "\u00a0no-break",
  "nbsp cuối\u00a0",
  "Ớt 🌶️ cay 🔥",
  "Quả \"hồng\", ngọt\nlắm",
  "'đã có nháy",
  "Ứ Ừ Ử Ữ Ự ỹ",
  "",
  "x",
];
/** How the formula guard writes a cell. */
const guarded = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

/** The export as the route writes it, whole. */
async function exportText(format: "sql" | "js", pageSize?: number, communes: string[] = [], base = BASE): Promise<string> {
  let csv = "";
  const write = format === "sql" ? householdsCsv : householdsCsvReference;
  for await (const chunk of write(testDb.db, t, { provinceCode: PROVINCE, communes }, base, pageSize ? { pageSize } : {})) csv += chunk;
  return csv;
}

let households: { id: string; name: string; shop: string | null }[];

beforeAll(async () => {
  await seedDemo(testDb.db, { households: 60, provinceCode: PROVINCE, url: testDb.url });
  const rows = await testDb.db.household.findMany({ orderBy: { id: "asc" }, include: { shop: true } });
  households = [];
  for (const [i, h] of rows.entries()) {
    const name = NASTY[i % NASTY.length];
    const shop = i % 7 === 3 ? null : NASTY[(i * 3 + 1) % NASTY.length];
    await testDb.db.household.update({
      where: { id: h.id },
      data: {
        name,
        // not Vietnamese numbers (written as they are, guarded when they start with +)
        ...(i === 5 ? { phone: "+4915112345678" } : i === 6 ? { phone: "+84 12" } : {}),
        ...(i === 8 ? { payment: "strange,new" } : {}),
        // either side of midnight in Hanoi (UTC+7)
        ...(i === 9 ? { createdAt: new Date("2026-03-04T16:59:59.999Z") } : i === 10 ? { createdAt: new Date("2026-03-04T17:00:00.000Z") } : {}),
        ...(i === 11 ? { createdAt: new Date("2025-12-31T17:00:00.000Z") } : {}),
      },
    });
    if (shop === null) {
      if (h.shop) await testDb.db.shop.delete({ where: { id: h.shop.id } });
    } else if (h.shop) {
      await testDb.db.shop.update({ where: { id: h.shop.id }, data: { name: shop, ...(i === 2 ? { slug: "rau củ/Đà Lạt?&=🌶️" } : i === 4 ? { slug: "a-b_c.d!~*'()" } : {}) } });
    }
    households.push({ id: h.id, name, shop: shop === null || !h.shop ? null : shop });
  }
  expect(households.some((h) => h.shop === null)).toBe(true);
}, 60_000);

// In order, also under --sequence.shuffle: "stays the JS formatting after … change" changes the rows the
// tests before it read as seeded (a household deleted, names and phones changed).
describe("households CSV formatted by the database", { shuffle: false }, () => {
  it("gives the values back through the quoting, with the formula guard", async () => {
    const csv = await exportText("js", 7);
    const rows = parse(csv.slice(1), { from_line: 2, relax_column_count: false }) as string[][];
    expect(rows).toHaveLength(households.length);
    const byName = new Map<string, string[][]>();
    for (const r of rows) byName.set(r[0], [...(byName.get(r[0]) ?? []), r]);
    for (const h of households) expect(byName.has(guarded(h.name)), JSON.stringify(h.name)).toBe(true);
    const shops = new Set(rows.map((r) => r[3]));
    for (const h of households) expect(shops.has(h.shop === null ? "" : guarded(h.shop)), JSON.stringify(h.shop)).toBe(true);
    expect(rows.some((r) => r[4] === `${BASE}/s/${encodeURIComponent("rau củ/Đà Lạt?&=🌶️")}`)).toBe(true);
    expect(rows.some((r) => r[1] === "'+4915112345678")).toBe(true);
    expect(rows.some((r) => r[9] === "4/3/2026")).toBe(true);
    expect(rows.some((r) => r[9] === "5/3/2026")).toBe(true);
    expect(rows.some((r) => r[9] === "1/1/2026")).toBe(true);
  });

  it("is byte for byte the JS formatting, at any page size and scope", async () => {
    const js = await exportText("js");
    expect(js.split("\r\n").length).toBeGreaterThan(households.length);
    for (const pageSize of [1, 7, households.length, undefined]) {
      expect(await exportText("sql", pageSize), `page size ${pageSize}`).toBe(js);
    }
    const communes = (await testDb.db.household.groupBy({ by: ["communeCode"], orderBy: { communeCode: "asc" } })).map((g) => g.communeCode).slice(0, 2).reverse();
    expect(await exportText("sql", 3, communes)).toBe(await exportText("js", 3, communes));
  });

  it("stays the JS formatting after households, shops and listings change", async () => {
    const db = testDb.db;
    const rows = await db.household.findMany({ orderBy: { id: "asc" }, include: { shop: { include: { listings: true } } } });
    const withShop = rows.filter((h) => h.shop);
    const without = rows.find((h) => !h.shop)!;
    const communes = [...new Set(rows.map((h) => h.communeCode))];
    const [a, b, c, d, e, f] = withShop;
    await db.household.update({ where: { id: a.id }, data: { name: "=đổi tên, \"mới\"" } });
    await db.household.update({ where: { id: b.id }, data: { phone: "+84987000111" } });
    await db.household.update({ where: { id: c.id }, data: { phone: "-12 34" } });
    // moved to another commune, and claimed by the household (opened)
    await db.household.update({ where: { id: d.id }, data: { communeCode: communes.find((x) => x !== d.communeCode)!, openedAt: null, registeredById: "officer" } });
    await db.household.update({ where: { id: e.id }, data: { openedAt: new Date(), createdAt: new Date("2026-06-30T17:30:00Z") } });
    // one cell at a time: each is a condition of its own in the triggers
    await db.household.update({ where: { id: withShop[8].id }, data: { payment: "momo" } });
    await db.shop.update({ where: { id: f.shop!.id }, data: { name: " tên cửa hàng mới", slug: "mới-đổi/slug" } });
    await db.shop.update({ where: { id: withShop[9].shop!.id }, data: { slug: "chỉ đổi slug" } });
    await db.shop.delete({ where: { id: withShop[6].shop!.id } });
    await db.shop.create({ data: { householdId: without.id, name: "+mới mở", slug: "moi-mo-123" } });
    // a shop's live listings: one sold out, one paused, one new
    const listed = withShop.find((h) => h.shop!.listings.length > 1 && ![a, b, c, d, e, f, ...withShop.slice(6, 10)].includes(h))!;
    await db.listing.update({ where: { id: listed.shop!.listings[0].id }, data: { stockMilli: 0 } });
    await db.listing.update({ where: { id: listed.shop!.listings[1].id }, data: { status: "paused" } });
    await db.listing.create({ data: { shopId: a.shop!.id, title: "Na", unit: "kg", stockMilli: 5000, displayUnit: "kg", priceVnd: 20_000 } });
    await db.household.delete({ where: { id: withShop[7].id } });

    const js = await exportText("js");
    for (const pageSize of [1, 7, undefined]) expect(await exportText("sql", pageSize), `page size ${pageSize}`).toBe(js);
    const moved = [d.communeCode, communes.find((x) => x !== d.communeCode)!].sort();
    expect(await exportText("sql", 2, moved)).toBe(await exportText("js", 2, moved));
    // the changes are in it
    expect(js).toContain("'=đổi tên");
    expect(js).toContain("0987 000 111");
    expect(js).toContain(`${BASE}/s/${encodeURIComponent("mới-đổi/slug")}`);
    expect(js).toContain(`${BASE}/s/${encodeURIComponent("chỉ đổi slug")}`);
    expect(js).toContain("'+mới mở");
    const lines = parse(js.slice(1), { from_line: 2 }) as string[][];
    expect(lines).toHaveLength(households.length - 1);
    expect(lines.find((r) => r[0] === "'=đổi tên, \"mới\"")?.[8]).toBe(String(a.shop!.listings.filter((l) => l.status === "active" && l.stockMilli > 0).length + 1));
    expect(lines.some((r) => r[0] === guarded(withShop[7].name) && r[1] === formatVnPhone(withShop[7].phone))).toBe(false);
  });

  it("quotes each link when the link's start needs it", async () => {
    for (const base of [" https://cho.example", "https://cho,example", "=cmd|https://cho.example", ""]) {
      expect(await exportText("sql", 5, [], base), base).toBe(await exportText("js", 5, [], base));
    }
  });
});
