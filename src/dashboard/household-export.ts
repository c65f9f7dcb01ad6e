// The households of an officer's scope, for the households CSV, a page at a time in a stable order
// (commune code, then id) so the whole commune is never held in memory.
//
// Each page is one statement: the next `pageSize` households after the last one sent (keyset on the
// (provinceCode, communeCode, id) index: the page is found by a seek, however deep into the commune it
// lies, where an offset or Prisma's cursor re-read the rows before it), joined to their shop, with each
// shop's live listings counted in the same statement from its listings (the (shopId, status) index).
// The status test stays inside the count: where it was a condition, SQLite (which has no statistics
// here) chose the (status, stockMilli, …) index and read every live listing for each household. The statement
// before this one (Prisma's findMany with a cursor, then the shops, then a grouped count of listings per
// page) scanned the id index across the whole province to find one commune's rows: 6.9 s for the
// biggest commune (155,000 households) among 2,000,000 on PostgreSQL.
import { Prisma } from "../generated/prisma/client.ts";
import type { Scope } from "../broadcast/store.ts";
import type { Db } from "../db/client.ts";
import { asDate, queryRows } from "../db/plain-sql.ts";

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
export const HOUSEHOLD_PAGE = 5_000;

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
 * The scope's households, `pageSize` at a time, in (communeCode, id) order. An officer's communes are
 * read one after the other (equality on the commune, then a seek on id); the whole province by a seek
 * on (communeCode, id) together.
 */
export async function* householdPages(db: Db, scope: Scope, pageSize = HOUSEHOLD_PAGE): AsyncGenerator<ExportedHousehold[]> {
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error(`householdPages: page size ${pageSize}`);
  const communes = [...new Set(scope.communes)].sort();
  if (communes.length) {
    for (const commune of communes) {
      let after = "";
      for (;;) {
        const rows = await queryRows<Row>(
          db,
          pageSql(Prisma.sql`h."provinceCode" = ${scope.provinceCode} AND h."communeCode" = ${commune} AND h."id" > ${after}`, pageSize),
        );
        if (rows.length) yield rows.map(exported);
        if (rows.length < pageSize) break;
        after = rows[rows.length - 1].id;
      }
    }
    return;
  }
  let after = { commune: "", id: "" };
  for (;;) {
    const rows = await queryRows<Row>(
      db,
      pageSql(Prisma.sql`h."provinceCode" = ${scope.provinceCode} AND (h."communeCode", h."id") > (${after.commune}, ${after.id})`, pageSize),
    );
    if (rows.length) yield rows.map(exported);
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1];
    after = { commune: last.communeCode, id: last.id };
  }
}
