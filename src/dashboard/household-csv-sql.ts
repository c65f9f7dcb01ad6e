// The households CSV on PostgreSQL, read from HouseholdCsvRow: one row per household holding the cells
// that cost to format (name, phone, shop name, percent-encoded slug, day) already as csvField writes
// them, kept by triggers on Household and Shop in the same transaction as the change (the
// household_csv_row migration). A page is one range of that table's key (provinceCode, communeCode,
// householdId) concatenated into ONE text value (string_agg), so Node handles a few dozen strings per
// export instead of 155,000 row objects.
//
// What the stored row cannot know stays a parameter, formatted in JS by csvField: the cells from short
// lists that depend on the officer's locale (commune names, payment labels, yes/no) and the shop link's
// start (the public URL). The live listings are the shop's ShopLiveTally row under '*' in the household's
// commune: the same definition (active with stock left; listings carry their household's commune), kept
// by the live tally triggers. The lines are byte for byte those of the JS path (src/web/households-csv.ts
// with src/http/api/csv.ts), which SQLite keeps; test/dashboard-csv-sql.test.ts compares both over
// awkward values, before and after the rows change.
import { Prisma } from "../generated/prisma/client.ts";
import type { Scope } from "../broadcast/store.ts";
import type { Db } from "../db/client.ts";
import { queryRows } from "../db/plain-sql.ts";

/** What the statement cannot know: cells already formatted as CSV by csvField. */
export interface CsvCells {
  /** commune code → its cell; a code missing here is written as the code */
  communes: Record<string, string>;
  /** payment → its cell */
  payments: Record<string, string>;
  /** the label of a payment missing from `payments` (unformatted), with `marker` where the payment goes */
  unknownPayment: { label: string; marker: string };
  yes: string;
  no: string;
  /** the shop link before the (percent-encoded) slug, e.g. "https://cho.example/s/" */
  shopLinkPrefix: string;
  /**
   * csvField leaves the prefix as it is (no formula start, nothing to quote, no white space at either
   * end): then so it does the prefix followed by any percent-encoded slug, and the link is a plain
   * concatenation. Otherwise the database formats each link (csv_cell).
   */
  shopLinkPlain: boolean;
}

type After = { commune: string; id: string };

/** The scope's rows after `after` in key order, up to commune `last` if given (a seek on the primary key). */
function range(provinceCode: string, after: After, last: string | null): Prisma.Sql {
  const upTo = last === null ? Prisma.empty : Prisma.sql`AND r."communeCode" <= ${last}`;
  return Prisma.sql`r."provinceCode" = ${provinceCode} AND (r."communeCode", r."householdId") > (${after.commune}, ${after.id}) ${upTo}`;
}

/**
 * One page's lines. The live count is a scalar subquery, so it is always a lookup on ShopLiveTally's
 * primary key per household (a join let PostgreSQL choose to hash the whole table). At 5,000 rows a page
 * the statement's cost estimate (about 47,000) stays under jit_above_cost (100,000): no JIT compilation,
 * which took longer than the statement itself when the cells were formatted here.
 */
function pageSql(provinceCode: string, after: After, last: string | null, pageSize: number, cells: CsvCells): Prisma.Sql {
  const communes = JSON.stringify(cells.communes);
  const payments = JSON.stringify(cells.payments);
  const link = cells.shopLinkPlain ? Prisma.sql`${cells.shopLinkPrefix} || r."slug"` : Prisma.sql`"csv_cell"(${cells.shopLinkPrefix} || r."slug")`;
  const line = Prisma.sql`concat(r."head",
    COALESCE(${communes}::jsonb ->> r."communeCode", "csv_cell"(r."communeCode")), ',',
    r."shop", ',',
    CASE WHEN r."slug" IS NOT NULL THEN ${link} END, ',',
    COALESCE(${payments}::jsonb ->> r."payment", "csv_cell"(replace(${cells.unknownPayment.label}, ${cells.unknownPayment.marker}, r."payment"))), ',',
    CASE WHEN r."opened" THEN ${cells.yes} ELSE ${cells.no} END, ',',
    CASE WHEN r."assisted" THEN ${cells.yes} ELSE ${cells.no} END, ',',
    CASE WHEN r."shopId" IS NULL THEN 0 ELSE COALESCE((SELECT t."listings" FROM "ShopLiveTally" t
      WHERE t."communeCode" = r."communeCode" AND t."shopId" = r."shopId" AND t."productKey" = '*'), 0) END, ',',
    r."day", E'\\r\\n')`;
  return Prisma.sql`
    SELECT string_agg(${line}, '' ORDER BY r."communeCode", r."householdId") AS "text"
    FROM (
      SELECT * FROM "HouseholdCsvRow" r WHERE ${range(provinceCode, after, last)}
      ORDER BY r."communeCode", r."householdId" LIMIT ${pageSize}
    ) r`;
}

async function pageAfter(db: Db, provinceCode: string, after: After, last: string | null, pageSize: number, cells: CsvCells): Promise<string> {
  const [page] = await queryRows<{ text: string | null }>(db, pageSql(provinceCode, after, last, pageSize, cells));
  return page?.text ?? "";
}

/**
 * Where the page after `after` ends: its last household, found on the primary key alone (5,000 entries,
 * a few milliseconds); undefined when fewer than `pageSize` are left.
 */
async function pageEnd(db: Db, provinceCode: string, after: After, last: string | null, pageSize: number): Promise<After | undefined> {
  const [end] = await queryRows<{ communeCode: string; householdId: string }>(
    db,
    Prisma.sql`SELECT r."communeCode", r."householdId" FROM "HouseholdCsvRow" r WHERE ${range(provinceCode, after, last)}
      ORDER BY r."communeCode", r."householdId" OFFSET ${pageSize - 1} LIMIT 1`,
  );
  return end && { commune: end.communeCode, id: end.householdId };
}

/** Pages being formatted at once, each by its own connection. */
const PAGES_IN_FLIGHT = 2;

/**
 * The CSV lines of the scope's households (no header), one text per page of `pageSize` households, in
 * (communeCode, id) order. Where each page starts is found first on the key (pageEnd), so the next pages
 * are formatted while this one is written, PAGES_IN_FLIGHT at a time. PostgreSQL only.
 */
export async function* householdCsvPagesSql(db: Db, scope: Scope, cells: CsvCells, pageSize: number): AsyncGenerator<string> {
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error(`householdPages: page size ${pageSize}`);
  const runs: [string, string | null][] = scope.communes.length ? [...new Set(scope.communes)].sort().map((c) => [c, c]) : [["", null]];
  for (const [first, last] of runs) {
    let after: After | undefined = { commune: first, id: "" };
    const pages: Promise<string>[] = [];
    for (;;) {
      while (after && pages.length < PAGES_IN_FLIGHT) {
        const page = pageAfter(db, scope.provinceCode, after, last, pageSize, cells);
        page.catch(() => undefined); // a download stopped early leaves it unread: its failure is nobody's
        pages.push(page);
        after = await pageEnd(db, scope.provinceCode, after, last, pageSize);
      }
      if (!pages.length) break;
      const text = await pages.shift()!;
      if (text) yield text;
    }
  }
}
