// The households CSV read from HouseholdCsvRow: one row per household holding the cells that cost to
// format (name, phone, shop name, percent-encoded slug, day) already as csvField writes them, kept by
// triggers on Household and Shop in the same transaction as the change (the household_csv_row migration
// on PostgreSQL, household_csv_row_kept on SQLite). A page is one range of that table's key
// (provinceCode, communeCode, householdId) concatenated into ONE text value (string_agg, group_concat),
// so Node handles a few dozen strings per export instead of 155,000 row objects.
//
// What the stored row cannot know stays a parameter, formatted in JS by csvField: the cells from short
// lists that depend on the officer's locale (commune names, payment labels, yes/no) and the shop link's
// start (the public URL). The live listings are the shop's ShopLiveTally row under '*' in the household's
// commune: the same definition (active with stock left; listings carry their household's commune), kept
// by the live tally triggers. The lines are byte for byte those of the JS path (src/web/households-csv.ts
// with src/http/api/csv.ts); test/dashboard-csv-sql.test.ts compares both over awkward values, before
// and after the rows change, on both databases.
import { Prisma } from "../generated/prisma/client.ts";
import type { Scope } from "../broadcast/store.ts";
import type { Db } from "../db/client.ts";
import { onPostgres, queryRows } from "../db/plain-sql.ts";

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
 * The live listings of a row's shop: its ShopLiveTally row under '*', a scalar subquery so that it is
 * always a lookup on the primary key per household (a join let PostgreSQL choose to hash the whole table).
 */
const LIVE_LISTINGS = Prisma.sql`CASE WHEN r."shopId" IS NULL THEN 0 ELSE COALESCE((SELECT t."listings" FROM "ShopLiveTally" t
  WHERE t."communeCode" = r."communeCode" AND t."shopId" = r."shopId" AND t."productKey" = '*'), 0) END`;

/** One page: `line` for each row of the range, in key order, joined into one text by `aggregate`. */
function pageOf(aggregate: Prisma.Sql, line: Prisma.Sql, provinceCode: string, after: After, last: string | null, pageSize: number): Prisma.Sql {
  return Prisma.sql`
    SELECT ${aggregate}(${line}, '' ORDER BY r."communeCode", r."householdId") AS "text"
    FROM (
      SELECT * FROM "HouseholdCsvRow" r WHERE ${range(provinceCode, after, last)}
      ORDER BY r."communeCode", r."householdId" LIMIT ${pageSize}
    ) r`;
}

/**
 * One page's lines on PostgreSQL. At 5,000 rows a page
 * the statement's cost estimate (about 47,000) stays under jit_above_cost (100,000): no JIT compilation,
 * which took longer than the statement itself when the cells were formatted here.
 */
function pgPageSql(provinceCode: string, after: After, last: string | null, pageSize: number, cells: CsvCells): Prisma.Sql {
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
    ${LIVE_LISTINGS}, ',',
    r."day", E'\\r\\n')`;
  return pageOf(Prisma.raw("string_agg"), line, provinceCode, after, last, pageSize);
}

/**
 * csvField of a text value in SQLite's SQL, as the household_csv_rows view writes it (SQLite has no
 * functions of its own): for the rare cells formatted at read time (a commune code the directory does
 * not know, a payment the locale does not know, links whose start needs quoting).
 */
function sqliteCsvCell(value: Prisma.Sql): Prisma.Sql {
  const guarded = Prisma.sql`(CASE WHEN substr(${value}, 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) THEN '''' || ${value} ELSE ${value} END)`;
  const spaces = Prisma.raw("char(9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279)");
  return Prisma.sql`(CASE WHEN ${value} IS NULL THEN ''
    WHEN instr(${guarded}, '"') OR instr(${guarded}, ',') OR instr(${guarded}, char(10)) OR instr(${guarded}, char(13))
      OR (${guarded} <> '' AND (instr(${spaces}, substr(${guarded}, 1, 1)) OR instr(${spaces}, substr(${guarded}, -1))))
    THEN '"' || replace(${guarded}, '"', '""') || '"' ELSE ${guarded} END)`;
}

/** `column`'s cell from a short list passed as parameters (a CASE: SQLite has no jsonb), else `otherwise`. */
function sqliteCellOf(column: Prisma.Sql, cells: Record<string, string>, otherwise: Prisma.Sql): Prisma.Sql {
  const entries = Object.entries(cells);
  if (!entries.length) return otherwise;
  return Prisma.sql`(CASE ${column} ${Prisma.join(entries.map(([key, cell]) => Prisma.sql`WHEN ${key} THEN ${cell}`), " ")} ELSE ${otherwise} END)`;
}

/**
 * One page's lines on SQLite: the line of pgPageSql in SQLite's SQL. Only the communes the run can
 * reach go into the commune CASE (a commune officer's run is one commune).
 */
function sqlitePageSql(provinceCode: string, after: After, last: string | null, pageSize: number, cells: CsvCells): Prisma.Sql {
  const communes = last === null ? cells.communes : Object.fromEntries(Object.entries(cells.communes).filter(([code]) => code >= after.commune && code <= last));
  const link = cells.shopLinkPlain ? Prisma.sql`${cells.shopLinkPrefix} || r."slug"` : sqliteCsvCell(Prisma.sql`(${cells.shopLinkPrefix} || r."slug")`);
  const unknownPayment = sqliteCsvCell(Prisma.sql`replace(${cells.unknownPayment.label}, ${cells.unknownPayment.marker}, r."payment")`);
  const line = Prisma.sql`r."head"
    || ${sqliteCellOf(Prisma.sql`r."communeCode"`, communes, sqliteCsvCell(Prisma.sql`r."communeCode"`))} || ','
    || r."shop" || ','
    || CASE WHEN r."slug" IS NOT NULL THEN ${link} ELSE '' END || ','
    || ${sqliteCellOf(Prisma.sql`r."payment"`, cells.payments, unknownPayment)} || ','
    || CASE WHEN r."opened" THEN ${cells.yes} ELSE ${cells.no} END || ','
    || CASE WHEN r."assisted" THEN ${cells.yes} ELSE ${cells.no} END || ','
    || ${LIVE_LISTINGS} || ','
    || r."day" || char(13, 10)`;
  return pageOf(Prisma.raw("group_concat"), line, provinceCode, after, last, pageSize);
}

async function pageAfter(db: Db, provinceCode: string, after: After, last: string | null, pageSize: number, cells: CsvCells): Promise<string> {
  const pageSql = onPostgres(db) ? pgPageSql : sqlitePageSql;
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
      ORDER BY r."communeCode", r."householdId" LIMIT 1 OFFSET ${pageSize - 1}`,
  );
  return end && { commune: end.communeCode, id: end.householdId };
}

/** Pages being formatted at once on PostgreSQL, each by its own connection. */
const PAGES_IN_FLIGHT = 2;

/**
 * The CSV lines of the scope's households (no header), one text per page of `pageSize` households, in
 * (communeCode, id) order. Where each page starts is found first on the key (pageEnd), so the next pages
 * are formatted while this one is written, PAGES_IN_FLIGHT at a time, on PostgreSQL.
 */
export async function* householdCsvPagesSql(db: Db, scope: Scope, cells: CsvCells, pageSize: number): AsyncGenerator<string> {
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error(`householdPages: page size ${pageSize}`);
  // SQLite runs a statement synchronously: a page read ahead would hold this one back from the socket.
  const inFlight = onPostgres(db) ? PAGES_IN_FLIGHT : 1;
  const runs: [string, string | null][] = scope.communes.length ? [...new Set(scope.communes)].sort().map((c) => [c, c]) : [["", null]];
  for (const [first, last] of runs) {
    let after: After | undefined = { commune: first, id: "" };
    const pages: Promise<string>[] = [];
    for (;;) {
      while (after && pages.length < inFlight) {
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
