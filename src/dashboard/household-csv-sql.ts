// The households CSV on PostgreSQL, formatted by the database: each page comes back as ONE text value,
// its CSV lines (string_agg), instead of 5,000 row objects. Node then handles a few dozen strings per
// export instead of 155,000 rows: with rows, most of an export's Node time (0.85–1.0 s for the biggest
// commune at 2,000,000 households) was garbage collection over the driver adapter's row objects.
//
// The lines are byte for byte those of the JS path (src/web/households-csv.ts with src/http/api/csv.ts),
// which SQLite keeps: the same pages (keyset on (provinceCode, communeCode, id), see household-export.ts),
// the same quoting (RFC 4180: quoted when holding a comma, a quote, a line break or leading/trailing
// white space as JavaScript's \s has it), the same formula guard (a leading apostrophe before = + - @ tab
// CR), phones shown as "0912 345 678", shop links percent-encoded as encodeURIComponent does, the day in
// Asia/Ho_Chi_Minh as d/m/yyyy. Cells that come from a short list (commune names, payment labels, yes/no)
// are formatted in JS once and handed over as parameters. test/dashboard-csv-sql.test.ts compares both
// formattings over awkward values.
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
}

// JavaScript's \s, spelled out: PostgreSQL's \s depends on the database's character type.
const JS_SPACE = String.raw`[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]`;
// encodeURIComponent leaves these as they are and percent-encodes every other UTF-8 byte.
const URI_UNRESERVED = String.raw`[-A-Za-z0-9_.!~*'()]`;

/** csvField of a text expression (NULL gives the empty cell). */
function csvText(expr: Prisma.Sql): Prisma.Sql {
  const guarded = Prisma.sql`(CASE WHEN ${expr} ~ ${String.raw`^[-=+@\t\r]`} THEN '''' || ${expr} ELSE ${expr} END)`;
  return Prisma.sql`COALESCE(CASE WHEN ${guarded} ~ ${`[",\\r\\n]|^${JS_SPACE}|${JS_SPACE}$`}
    THEN '"' || replace(${guarded}, '"', '""') || '"' ELSE ${guarded} END, '')`;
}

/** encodeURIComponent of a text expression: unchanged when every character is unreserved (a slug always is). */
function uriComponent(expr: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(CASE WHEN ${expr} ~ ${`^${URI_UNRESERVED}*$`} THEN ${expr} ELSE (
    SELECT string_agg(CASE WHEN c.ch ~ ${`^${URI_UNRESERVED}$`} THEN c.ch
      ELSE upper(regexp_replace(encode(convert_to(c.ch, 'UTF8'), 'hex'), '(..)', '%\\1', 'g')) END, '' ORDER BY c.n)
    FROM regexp_split_to_table(${expr}, '') WITH ORDINALITY AS c(ch, n)) END)`;
}

function pageSql(provinceCode: string, after: { commune: string; id: string }, last: string | null, pageSize: number, cells: CsvCells): Prisma.Sql {
  const upTo = last === null ? Prisma.empty : Prisma.sql`AND h."communeCode" <= ${last}`;
  const communes = JSON.stringify(cells.communes);
  const payments = JSON.stringify(cells.payments);
  const phone = Prisma.sql`(CASE WHEN p."phone" ~ '^\\+84[0-9]{9}$'
    THEN '0' || substr(p."phone", 4, 3) || ' ' || substr(p."phone", 7, 3) || ' ' || substr(p."phone", 10, 3)
    ELSE ${csvText(Prisma.sql`p."phone"`)} END)`;
  const live = Prisma.sql`(SELECT COUNT(CASE WHEN l."status" = 'active' AND l."stockMilli" > 0 THEN 1 END) FROM "Listing" l WHERE l."shopId" = s."id")`;
  const line = Prisma.sql`${csvText(Prisma.sql`p."name"`)} || ',' || ${phone}
    || ',' || COALESCE(${communes}::jsonb ->> p."communeCode", ${csvText(Prisma.sql`p."communeCode"`)})
    || ',' || ${csvText(Prisma.sql`s."name"`)}
    || ',' || (CASE WHEN s."slug" IS NULL THEN '' ELSE ${csvText(Prisma.sql`(${cells.shopLinkPrefix} || ${uriComponent(Prisma.sql`s."slug"`)})`)} END)
    || ',' || COALESCE(${payments}::jsonb ->> p."payment", ${csvText(Prisma.sql`replace(${cells.unknownPayment.label}, ${cells.unknownPayment.marker}, p."payment")`)})
    || ',' || (CASE WHEN p."openedAt" IS NULL THEN ${cells.no} ELSE ${cells.yes} END)
    || ',' || (CASE WHEN p."registeredById" IS NULL THEN ${cells.no} ELSE ${cells.yes} END)
    || ',' || (CASE WHEN s."id" IS NULL THEN 0 ELSE ${live} END)::text
    || ',' || to_char((p."createdAt" AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Ho_Chi_Minh', 'FMDD/FMMM/YYYY')
    || E'\\r\\n'`;
  return Prisma.sql`
    WITH p AS MATERIALIZED (
      SELECT h."id", h."name", h."phone", h."communeCode", h."payment", h."createdAt", h."openedAt", h."registeredById"
      FROM "Household" h
      WHERE h."provinceCode" = ${provinceCode} AND (h."communeCode", h."id") > (${after.commune}, ${after.id}) ${upTo}
      ORDER BY h."communeCode", h."id"
      LIMIT ${pageSize}
    )
    SELECT
      (SELECT string_agg(${line}, '' ORDER BY p."communeCode", p."id") FROM p LEFT JOIN "Shop" s ON s."householdId" = p."id") AS "text",
      (SELECT COUNT(*)::int FROM p) AS "rows",
      e."communeCode" AS "lastCommune", e."id" AS "lastId"
    FROM (SELECT p."communeCode", p."id" FROM p ORDER BY p."communeCode" DESC, p."id" DESC LIMIT 1) e`;
}

interface Page {
  text: string;
  rows: number | bigint | string;
  lastCommune: string;
  lastId: string;
}

async function pageAfter(db: Db, provinceCode: string, after: { commune: string; id: string }, last: string | null, pageSize: number, cells: CsvCells): Promise<Page | undefined> {
  const [page] = await queryRows<Page>(db, pageSql(provinceCode, after, last, pageSize, cells));
  return page;
}

/**
 * The CSV lines of the scope's households (no header), one text per page of `pageSize` households, in
 * (communeCode, id) order; the next page is asked for before this one is handed on. PostgreSQL only.
 */
export async function* householdCsvPagesSql(db: Db, scope: Scope, cells: CsvCells, pageSize: number): AsyncGenerator<string> {
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error(`householdPages: page size ${pageSize}`);
  const runs: [string, string | null][] = scope.communes.length ? [...new Set(scope.communes)].sort().map((c) => [c, c]) : [["", null]];
  for (const [first, last] of runs) {
    let next = pageAfter(db, scope.provinceCode, { commune: first, id: "" }, last, pageSize, cells);
    for (;;) {
      const page = await next;
      if (!page) break;
      const full = Number(page.rows) === pageSize;
      if (full) {
        next = pageAfter(db, scope.provinceCode, { commune: page.lastCommune, id: page.lastId }, last, pageSize, cells);
        next.catch(() => undefined); // a download stopped early leaves it unread: its failure is nobody's
      }
      yield page.text;
      if (!full) break;
    }
  }
}
