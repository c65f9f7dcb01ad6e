// The households CSV read page by page (src/dashboard/household-csv-sql.ts, src/web/households-csv.ts):
// whatever the page size, every household of the scope comes once, in (commune, id) order, with every
// column as computed here from the rows through Prisma; none is lost or repeated where a page ends,
// including a page that ends exactly at the end of a commune or of the data. A commune officer's
// export holds their communes only, and shows the numbers in full (officers call the households).
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "../src/admin/demo-seed.ts";
import type { Scope } from "../src/broadcast/store.ts";
import { tFor } from "../src/i18n/index.ts";
import { getCommune } from "../src/lang/communes.ts";
import { householdsCsv } from "../src/web/households-csv.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();
const HOUSEHOLDS = 1_200;
const PROVINCE = "20";
const BASE = "https://cho.example";
const t = tFor("vi");
const day = new Intl.DateTimeFormat("vi-VN", { day: "numeric", month: "numeric", year: "numeric", timeZone: "Asia/Ho_Chi_Minh" });

/**
 * The CSV's lines as the route writes them, without the header. Reading stops once more lines came than
 * there are households (an export that reads the same page again fails here instead of never ending).
 */
async function exportRows(scope: Scope, pageSize?: number): Promise<string[][]> {
  let csv = "";
  let lines = 0;
  for await (const chunk of householdsCsv(testDb.db, t, scope, BASE, pageSize === undefined ? {} : { pageSize })) {
    csv += chunk;
    lines += chunk.split("\r\n").length - 1;
    if (lines > HOUSEHOLDS + 1) break;
  }
  expect(csv.startsWith("\uFEFF")).toBe(true);
  return parse(csv.slice(1), { from_line: 2 }) as string[][];
}

/** "+84912345678" as the officer reads it: "0912 345 678". */
const shownPhone = (e164: string) => {
  const national = `0${e164.slice(3)}`;
  return `${national.slice(0, 4)} ${national.slice(4, 7)} ${national.slice(7)}`;
};

/** The rows expected, from the households, shops and listings read through Prisma (ordered by the database). */
async function expectedRows(communes: string[]): Promise<string[][]> {
  const households = await testDb.db.household.findMany({
    where: { provinceCode: PROVINCE, ...(communes.length ? { communeCode: { in: communes } } : {}) },
    orderBy: [{ communeCode: "asc" }, { id: "asc" }],
    include: { shop: { include: { listings: true } } },
  });
  const yes = t("dashboard:csv.households.yes");
  const no = t("dashboard:csv.households.no");
  return households.map((h) => [
    h.name,
    shownPhone(h.phone),
    getCommune(h.communeCode)!.name,
    h.shop?.name ?? "",
    h.shop ? `${BASE}/s/${h.shop.slug}` : "",
    t(`register:payment.${h.payment}`),
    h.openedAt ? yes : no,
    h.registeredById ? yes : no,
    String(h.shop?.listings.filter((l) => l.status === "active" && l.stockMilli > 0).length ?? 0),
    day.format(h.createdAt),
  ]);
}

let sizes: { commune: string; households: number }[];

beforeAll(async () => {
  await seedDemo(testDb.db, { households: HOUSEHOLDS, provinceCode: PROVINCE, url: testDb.url });
  // Listings the seed does not make, which must not count as on sale: active with no stock left, and
  // paused with stock. (Both from shops that keep another live listing, so their count is not just 0.)
  const shops = await testDb.db.listing.groupBy({ by: ["shopId"], where: { status: "active", stockMilli: { gt: 0 } }, _count: { _all: true }, having: { shopId: { _count: { gt: 1 } } }, orderBy: { shopId: "asc" }, take: 2 });
  expect(shops).toHaveLength(2);
  const [empty, paused] = await Promise.all(shops.map((s) => testDb.db.listing.findFirstOrThrow({ where: { shopId: s.shopId, status: "active", stockMilli: { gt: 0 } } })));
  await testDb.db.listing.update({ where: { id: empty.id }, data: { stockMilli: 0 } });
  await testDb.db.listing.update({ where: { id: paused.id }, data: { status: "paused" } });
  const groups = await testDb.db.household.groupBy({ by: ["communeCode"], _count: { _all: true }, orderBy: { communeCode: "asc" } });
  sizes = groups.map((g) => ({ commune: g.communeCode, households: g._count._all }));
}, 60_000);

describe("households CSV in pages", () => {
  it("has every column of every household of the province once, in order, at any page size", async () => {
    const expected = await expectedRows([]);
    expect(expected).toHaveLength(HOUSEHOLDS);
    // the data has what each column can say
    expect(expected.some((r) => Number(r[8]) > 0)).toBe(true);
    expect(expected.some((r) => r[7] === t("dashboard:csv.households.yes"))).toBe(true);
    expect(expected.some((r) => r[6] === t("dashboard:csv.households.no"))).toBe(true);
    expect(sizes.length).toBeGreaterThan(3);
    // pages ending anywhere; exactly at the end of the first commune; exactly at the end of the data
    // (a full last page, then an empty one); one page for everything
    for (const pageSize of [7, 100, sizes[0].households, HOUSEHOLDS, HOUSEHOLDS / 2, undefined]) {
      expect(await exportRows({ provinceCode: PROVINCE, communes: [] }, pageSize), `page size ${pageSize}`).toEqual(expected);
    }
  });

  it("holds a commune officer's communes only, each read in pages, with the numbers in full", async () => {
    // the two biggest communes, given in the reverse of their order in the file; page sizes that end a
    // page exactly at the end of either
    const [a, b] = [...sizes].sort((x, y) => y.households - x.households);
    const scope = { provinceCode: PROVINCE, communes: [a.commune, b.commune].sort().reverse() };
    const expected = await expectedRows(scope.communes);
    expect(expected).toHaveLength(a.households + b.households);
    for (const pageSize of [1, 9, a.households, b.households]) {
      expect(await exportRows(scope, pageSize), `page size ${pageSize}`).toEqual(expected);
    }
    const names = new Set([getCommune(a.commune)!.name, getCommune(b.commune)!.name]);
    const rows = await exportRows(scope, 9);
    expect(rows.every((r) => names.has(r[2]))).toBe(true);
    expect(rows.every((r) => /^0\d{3} \d{3} \d{3}$/.test(r[1]))).toBe(true);
    // a commune of another province holds nothing for this one
    expect(await exportRows({ provinceCode: "01", communes: [a.commune] }, 9)).toEqual([]);
  });

  it("refuses a page size that would never end", async () => {
    await expect(exportRows({ provinceCode: PROVINCE, communes: [] }, 0)).rejects.toThrow(/page size/);
  });
});
