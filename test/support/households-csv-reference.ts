// The households CSV formatted in JS from Household and Shop: the reference the export's stored rows
// (HouseholdCsvRow, src/dashboard/household-csv-sql.ts) are compared against, byte for byte. It was the
// export's own path on SQLite until SQLite kept those rows too; the tests keep it as the plain reading
// of what each cell must be (csvLine/csvField, formatVnPhone, the commune's name, shopUrl, formatDay).
import type { Scope } from "../../src/broadcast/store.ts";
import type { Db } from "../../src/db/client.ts";
import { asDate, queryRows } from "../../src/db/plain-sql.ts";
import { Prisma } from "../../src/generated/prisma/client.ts";
import { csvLine, UTF8_BOM } from "../../src/http/api/csv.ts";
import { getCommune } from "../../src/lang/communes.ts";
import { formatVnPhone } from "../../src/lang/phone.ts";
import { shopUrl } from "../../src/links.ts";
import { formatDay } from "../../src/web/format.ts";
import { HOUSEHOLD_COLUMNS } from "../../src/web/households-csv.ts";
import type { Translate } from "../../src/web/texts.ts";

/** The whole CSV as the export writes it (header line, then the lines of each page). */
export async function* householdsCsvReference(db: Db, t: Translate, scope: Scope, publicUrl: string, opts: { pageSize?: number } = {}): AsyncGenerator<string> {
  yield UTF8_BOM + csvLine(HOUSEHOLD_COLUMNS.map((c) => t(`dashboard:csv.households.${c}`)));
  const lines = linesOf(t, publicUrl);
  for await (const page of householdPages(db, scope, opts.pageSize ?? HOUSEHOLD_PAGE)) yield lines(page);
}

const HOUR_MS = 3_600_000;

/**
 * Days as the pages show them, formatted once per hour of registration: Intl formatting is the
 * costliest cell of a row, and a commune's households were registered over a few thousand hours.
 * (Time zones shift by whole hours here, so every instant of one UTC hour falls on the same local day.)
 */
function dayFormatter(): (d: Date) => string {
  const days = new Map<number, string>();
  return (d) => {
    const hour = Math.floor(d.getTime() / HOUR_MS);
    let day = days.get(hour);
    if (day === undefined) days.set(hour, (day = formatDay(d)));
    return day;
  };
}

/** The JS formatting: a page of households as CSV lines. */
function linesOf(t: Translate, publicUrl: string): (page: ExportedHousehold[]) => string {
  const yes = t("dashboard:csv.households.yes");
  const no = t("dashboard:csv.households.no");
  const payments = new Map<string, string>();
  const paymentLabel = (p: string) => {
    let label = payments.get(p);
    if (label === undefined) payments.set(p, (label = t(`register:payment.${p}`)));
    return label;
  };
  const day = dayFormatter();
  return (page) => {
    let text = "";
    for (const h of page) {
      text += csvLine([
        h.name,
        formatVnPhone(h.phone),
        getCommune(h.communeCode)?.name ?? h.communeCode,
        h.shopName,
        h.shopSlug === null ? null : shopUrl(publicUrl, h.shopSlug),
        paymentLabel(h.payment),
        h.opened ? yes : no,
        h.assisted ? yes : no,
        h.live,
        day(h.createdAt),
      ]);
    }
    return text;
  };
}

export interface ExportedHousehold {
  id: string;
  name: string;
  /** E.164 */
  phone: string;
  communeCode: string;
  payment: string;
  /** the household has taken its shop in hand (openedAt set) */
  opened: boolean;
  /** registered in person by an officer */
  assisted: boolean;
  createdAt: Date;
  shopName: string | null;
  shopSlug: string | null;
  /** active listings with stock left */
  live: number;
}

/** Households per statement: big enough that round trips do not count, small enough to keep memory flat. */
const HOUSEHOLD_PAGE = 5_000;

interface Row {
  id: string;
  name: string;
  phone: string;
  communeCode: string;
  payment: string;
  opened: number | bigint | boolean;
  assisted: number | bigint | boolean;
  createdAt: unknown;
  shopName: string | null;
  shopSlug: string | null;
  live: number | bigint | string;
}

/** One page: the households of `where` after (afterCommune, afterId), in (communeCode, id) order. */
function pageSql(where: Prisma.Sql, pageSize: number): Prisma.Sql {
  return Prisma.sql`
    SELECT p."id", p."name", p."phone", p."communeCode", p."payment", p."opened", p."assisted", p."createdAt",
      s."name" AS "shopName", s."slug" AS "shopSlug",
      (SELECT COUNT(CASE WHEN l."status" = 'active' AND l."stockMilli" > 0 THEN 1 END) FROM "Listing" l WHERE l."shopId" = s."id") AS "live"
    FROM (
      SELECT h."id", h."name", h."phone", h."communeCode", h."payment", h."createdAt",
        CASE WHEN h."openedAt" IS NULL THEN 0 ELSE 1 END AS "opened",
        CASE WHEN h."registeredById" IS NULL THEN 0 ELSE 1 END AS "assisted"
      FROM "Household" h
      WHERE ${where}
      ORDER BY h."communeCode", h."id"
      LIMIT ${pageSize}
    ) p
    LEFT JOIN "Shop" s ON s."householdId" = p."id"
    ORDER BY p."communeCode", p."id"`;
}

const truthy = (v: number | bigint | boolean) => v === true || Number(v) === 1;

function exported(r: Row): ExportedHousehold {
  return {
    id: r.id,
    name: r.name,
    phone: r.phone,
    communeCode: r.communeCode,
    payment: r.payment,
    opened: truthy(r.opened),
    assisted: truthy(r.assisted),
    createdAt: asDate(r.createdAt)!,
    shopName: r.shopName,
    shopSlug: r.shopSlug,
    live: Number(r.live),
  };
}

/**
 * Households after (afterCommune, afterId) in (communeCode, id) order, up to commune `last` if given.
 * Written as a row comparison with at most an upper bound on the commune, not `communeCode = $c AND
 * id > $after`: PostgreSQL sees that equality, finds the primary key's id order good enough (its rows
 * lie in id order on disk) and filtered 60,000 other communes' rows per page of the biggest commune; the
 * row comparison is a seek to the first row of the page in the (provinceCode, communeCode, id) index,
 * on both databases.
 */
function pageAfter(db: Db, provinceCode: string, after: { commune: string; id: string }, last: string | null, pageSize: number): Promise<Row[]> {
  const upTo = last === null ? Prisma.empty : Prisma.sql`AND h."communeCode" <= ${last}`;
  return queryRows<Row>(db, pageSql(Prisma.sql`h."provinceCode" = ${provinceCode} AND (h."communeCode", h."id") > (${after.commune}, ${after.id}) ${upTo}`, pageSize));
}

/**
 * The scope's households, `pageSize` at a time, in (communeCode, id) order: an officer's communes one
 * after the other, the whole province in one run. The next page is asked for before this one is handed
 * on, so the database reads it while this one is written out.
 */
export async function* householdPages(db: Db, scope: Scope, pageSize = HOUSEHOLD_PAGE): AsyncGenerator<ExportedHousehold[]> {
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error(`householdPages: page size ${pageSize}`);
  // [from, up to]: each of the officer's communes, or every commune of the province
  const runs: [string, string | null][] = scope.communes.length ? [...new Set(scope.communes)].sort().map((c) => [c, c]) : [["", null]];
  for (const [first, last] of runs) {
    let next = pageAfter(db, scope.provinceCode, { commune: first, id: "" }, last, pageSize);
    for (;;) {
      const rows = await next;
      if (!rows.length) break;
      const end = rows[rows.length - 1];
      const full = rows.length === pageSize;
      if (full) {
        // Asked for on the next turn of the event loop: SQLite answers synchronously, and would hold
        // this page back from the socket while it reads the next one.
        const from = { commune: end.communeCode, id: end.id };
        next = new Promise<void>((resolve) => setImmediate(resolve)).then(() => pageAfter(db, scope.provinceCode, from, last, pageSize));
        next.catch(() => undefined); // a download stopped early leaves it unread: its failure is nobody's
      }
      yield rows.map(exported);
      if (!full) break;
    }
  }
}
