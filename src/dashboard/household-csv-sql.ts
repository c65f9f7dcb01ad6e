// The households CSV on PostgreSQL, formatted by the database: each page comes back as ONE text value,
// its CSV lines (string_agg), instead of 5,000 row objects. Node then handles a few dozen strings per
// export instead of 155,000 rows: with rows, most of an export's Node time (0.85–1.0 s for the biggest
// commune at 2,000,000 households) was garbage collection over the driver adapter's row objects.
//
// The lines are byte for byte those of the JS path (src/web/households-csv.ts with src/http/api/csv.ts),
// which SQLite keeps: the same pages (keyset on (provinceCode, communeCode, id), see household-export.ts),
// the same quoting (RFC 4180: quoted when holding a comma, a quote, a line break or leading/trailing
// white space as JavaScript's \s has it), the same formula guard (a leading apostrophe before = + - @ tab
// CR), phones shown as "0912 345 678", the day in Asia/Ho_Chi_Minh as d/m/yyyy; a page with a slug that
// encodeURIComponent would change (slugs are made of a-z, 0-9 and "-") is formatted in JS instead. Cells that come from a short list (commune names, payment labels, yes/no)
// are formatted in JS once and handed over as parameters. test/dashboard-csv-sql.test.ts compares both
// formattings over awkward values.
import { Prisma } from "../generated/prisma/client.ts";
import type { Scope } from "../broadcast/store.ts";
import type { Db } from "../db/client.ts";
import { executeSql, queryRows } from "../db/plain-sql.ts";

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
}

// Every character JavaScript's \s matches (PostgreSQL's \s depends on the database's character type).
const JS_SPACES = Array.from({ length: 0x10000 }, (_, i) => String.fromCharCode(i))
  .filter((c) => /\s/.test(c))
  .join("");
// encodeURIComponent leaves these as they are. A page holding a slug with anything else (never, as
// slugs are made) is formatted in JS instead (`odd`): percent-encoding in SQL, a subquery per link, made
// PostgreSQL's cost estimate big enough to compile every page with JIT (3 s a page).
const URI_UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()";

/** The formula guard of csvField: a leading apostrophe before = + - @ tab CR. Computed once per cell (in `q`). */
const guard = (expr: Prisma.Sql) => Prisma.sql`(CASE WHEN left(${expr}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') THEN '''' || ${expr} ELSE ${expr} END)`;

/**
 * The rest of csvField, on a guarded column (NULL gives the empty cell): quoted when holding a quote, a
 * comma, a line break, or white space at either end. Plain string functions: a regular expression
 * converts the text to wide characters on every test, and a column, not an expression, is tested, as
 * PostgreSQL evaluates a repeated expression again each time (an earlier form of this statement took
 * 240 ms a page of 5,000).
 */
function quote(col: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`COALESCE(CASE WHEN strpos(${col}, '"') > 0 OR strpos(${col}, ',') > 0 OR strpos(${col}, E'\\n') > 0 OR strpos(${col}, E'\\r') > 0
    OR (${col} <> '' AND (strpos(${JS_SPACES}, left(${col}, 1)) > 0 OR strpos(${JS_SPACES}, right(${col}, 1)) > 0))
    THEN '"' || replace(${col}, '"', '""') || '"' ELSE ${col} END, '')`;
}

function pageSql(provinceCode: string, after: { commune: string; id: string }, last: string | null, pageSize: number, cells: CsvCells): Prisma.Sql {
  const upTo = last === null ? Prisma.empty : Prisma.sql`AND h."communeCode" <= ${last}`;
  const communes = JSON.stringify(cells.communes);
  const payments = JSON.stringify(cells.payments);
  const line = Prisma.sql`${quote(Prisma.sql`q."name"`)}
    || ',' || COALESCE(q."phoneShown", ${quote(Prisma.sql`q."phone"`)})
    || ',' || COALESCE(q."communeCell", ${quote(Prisma.sql`q."communeCode"`)})
    || ',' || ${quote(Prisma.sql`q."shopName"`)}
    || ',' || ${quote(Prisma.sql`q."link"`)}
    || ',' || COALESCE(q."paymentCell", ${quote(Prisma.sql`q."paymentLabel"`)})
    || ',' || (CASE WHEN q."openedAt" IS NULL THEN ${cells.no} ELSE ${cells.yes} END)
    || ',' || (CASE WHEN q."registeredById" IS NULL THEN ${cells.no} ELSE ${cells.yes} END)
    || ',' || q."live"::text
    || ',' || to_char((q."createdAt" AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Ho_Chi_Minh', 'FMDD/FMMM/YYYY')
    || E'\\r\\n'`;
  // p: the page's households (a seek on the (provinceCode, communeCode, id) index); q: their cells that
  // need work, each computed once; then the lines.
  return Prisma.sql`
    WITH p AS MATERIALIZED (
      SELECT h."id", h."name", h."phone", h."communeCode", h."payment", h."createdAt", h."openedAt", h."registeredById"
      FROM "Household" h
      WHERE h."provinceCode" = ${provinceCode} AND (h."communeCode", h."id") > (${after.commune}, ${after.id}) ${upTo}
      ORDER BY h."communeCode", h."id"
      LIMIT ${pageSize}
    ), q AS MATERIALIZED (
      SELECT p."communeCode", p."id", p."createdAt", p."openedAt", p."registeredById",
        ${guard(Prisma.sql`p."name"`)} AS "name",
        CASE WHEN left(p."phone", 3) = '+84' AND length(p."phone") = 12 AND translate(substr(p."phone", 4), '0123456789', '') = ''
          THEN '0' || substr(p."phone", 4, 3) || ' ' || substr(p."phone", 7, 3) || ' ' || substr(p."phone", 10, 3) END AS "phoneShown",
        ${guard(Prisma.sql`p."phone"`)} AS "phone",
        ${communes}::jsonb ->> p."communeCode" AS "communeCell",
        ${payments}::jsonb ->> p."payment" AS "paymentCell",
        ${guard(Prisma.sql`replace(${cells.unknownPayment.label}, ${cells.unknownPayment.marker}, p."payment")`)} AS "paymentLabel",
        ${guard(Prisma.sql`s."name"`)} AS "shopName",
        ${guard(Prisma.sql`(${cells.shopLinkPrefix} || s."slug")`)} AS "link",
        translate(s."slug", ${URI_UNRESERVED}, '') <> '' AS "odd",
        CASE WHEN s."id" IS NULL THEN 0 ELSE
          (SELECT COUNT(CASE WHEN l."status" = 'active' AND l."stockMilli" > 0 THEN 1 END) FROM "Listing" l WHERE l."shopId" = s."id") END AS "live"
      FROM p LEFT JOIN "Shop" s ON s."householdId" = p."id"
    )
    SELECT
      t."text", t."odd", t."rows",
      e."communeCode" AS "lastCommune", e."id" AS "lastId"
    FROM (SELECT q."communeCode", q."id" FROM q ORDER BY q."communeCode" DESC, q."id" DESC LIMIT 1) e,
      (SELECT string_agg(${line}, '' ORDER BY q."communeCode", q."id") AS "text", COALESCE(bool_or(q."odd"), false) AS "odd", COUNT(*)::int AS "rows" FROM q) t`;
}

interface Page {
  text: string;
  /** a slug encodeURIComponent changes: the page is formatted in JS */
  odd: boolean;
  rows: number | bigint | string;
  lastCommune: string;
  lastId: string;
}

type After = { commune: string; id: string };

/** The households' lines of one page formatted in JS (src/web/households-csv.ts), for a page with an odd slug. */
export type JsPage = (provinceCode: string, after: After, last: string | null, pageSize: number) => Promise<string>;

/**
 * One page, with JIT compilation off: the line's expression is long, and PostgreSQL's estimate for it is
 * near the cost above which it compiles the statement (jit_above_cost), which takes longer than the
 * statement itself; SET LOCAL holds for this transaction only.
 */
async function pageAfter(db: Db, provinceCode: string, after: After, last: string | null, pageSize: number, cells: CsvCells, jsPage: JsPage): Promise<Page | undefined> {
  const [page] = await db.$transaction(async (tx) => {
    await executeSql(tx, Prisma.sql`SET LOCAL jit = off`);
    return queryRows<Page>(tx, pageSql(provinceCode, after, last, pageSize, cells));
  });
  if (page?.odd) page.text = await jsPage(provinceCode, after, last, pageSize);
  return page;
}

/**
 * Where the page after `after` ends: its last household, found on the (provinceCode, communeCode, id)
 * index alone (5,000 entries, a few milliseconds); undefined when fewer than `pageSize` are left.
 */
async function pageEnd(db: Db, provinceCode: string, after: After, last: string | null, pageSize: number): Promise<After | undefined> {
  const upTo = last === null ? Prisma.empty : Prisma.sql`AND h."communeCode" <= ${last}`;
  const [end] = await queryRows<{ communeCode: string; id: string }>(
    db,
    Prisma.sql`SELECT h."communeCode", h."id" FROM "Household" h
      WHERE h."provinceCode" = ${provinceCode} AND (h."communeCode", h."id") > (${after.commune}, ${after.id}) ${upTo}
      ORDER BY h."communeCode", h."id" OFFSET ${pageSize - 1} LIMIT 1`,
  );
  return end && { commune: end.communeCode, id: end.id };
}

/** Pages being formatted at once, each by its own connection: the database's work is most of an export now. */
export const PAGES_IN_FLIGHT = 2;

/**
 * The CSV lines of the scope's households (no header), one text per page of `pageSize` households, in
 * (communeCode, id) order. Where each page starts is found first on the index (pageEnd), so the next
 * pages are formatted while this one is written, PAGES_IN_FLIGHT at a time. PostgreSQL only.
 */
export async function* householdCsvPagesSql(db: Db, scope: Scope, cells: CsvCells, pageSize: number, jsPage: JsPage): AsyncGenerator<string> {
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error(`householdPages: page size ${pageSize}`);
  const runs: [string, string | null][] = scope.communes.length ? [...new Set(scope.communes)].sort().map((c) => [c, c]) : [["", null]];
  for (const [first, last] of runs) {
    let after: After | undefined = { commune: first, id: "" };
    const pages: Promise<Page | undefined>[] = [];
    for (;;) {
      while (after && pages.length < PAGES_IN_FLIGHT) {
        const page = pageAfter(db, scope.provinceCode, after, last, pageSize, cells, jsPage);
        page.catch(() => undefined); // a download stopped early leaves it unread: its failure is nobody's
        pages.push(page);
        after = await pageEnd(db, scope.provinceCode, after, last, pageSize);
      }
      if (!pages.length) break;
      const page = await pages.shift()!;
      if (page) yield page.text;
    }
  }
}
