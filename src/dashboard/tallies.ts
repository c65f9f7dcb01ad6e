// The monthly tallies the dashboard reads (issue 15 part 4, issue 21 part 5), kept by database triggers
// (bank_transfers migrations): each has `stored` (what the triggers kept) and `recount` (the same
// figures counted from the rows), as plain sorted rows, so that a check (tests, `tallies:verify`) can
// compare them without knowing the tables. Zero rows are left out on both sides: a tally row emptied
// by later writes stays in the table with zeros.
import { Prisma } from "../generated/prisma/client.ts";
import type { Db, Tx } from "../db/client.ts";

type Reader = Db | Tx;
export type TallyRow = Record<string, string | number>;

export interface TallyCheck {
  /** rows of the tally table as the triggers left them */
  stored(db: Reader): Promise<TallyRow[]>;
  /** the same rows counted from the source table */
  recount(db: Reader): Promise<TallyRow[]>;
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/** Asia/Ho_Chi_Minh month ("2026-12") of a moment: the key of the monthly tallies. */
export function monthKey(d: Date): string {
  const local = new Date(d.getTime() + 7 * 3600_000);
  return `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** Rows with every count at zero are not figures; keys sorted so two lists compare as they are. */
function normalise(rows: Array<Record<string, unknown>>, keys: string[], counts: string[]): TallyRow[] {
  return rows
    .map((r) => Object.fromEntries([...keys.map((k) => [k, String(r[k])]), ...counts.map((k) => [k, num(r[k])])]) as TallyRow)
    .filter((r) => counts.some((k) => r[k] !== 0))
    .sort((a, b) => keys.map((k) => String(a[k]).localeCompare(String(b[k]))).find((c) => c !== 0) ?? 0);
}

const PAY_COUNTS = ["transferOrders", "transferVnd", "codOrders", "codVnd", "transferShops"];
const SHIP_COUNTS = ["shipped", "delivered", "returned"];

/** Orders paid per month and commune, by transfer and cash on delivery; shops paid by transfer. */
export const paymentTally: TallyCheck = {
  async stored(db) {
    return normalise(await db.paymentTally.findMany(), ["month", "communeCode"], PAY_COUNTS);
  },
  async recount(db) {
    const paid = await db.order.findMany({
      where: { payState: "paid", paidAt: { not: null }, communeCode: { not: null }, paidBy: { in: ["transfer", "cod"] } },
      select: { paidAt: true, communeCode: true, paidBy: true, totalVnd: true, shopId: true },
    });
    const byKey = new Map<string, Record<string, unknown> & { shops: Set<string> }>();
    for (const o of paid) {
      const month = monthKey(o.paidAt!);
      const key = `${month}|${o.communeCode}`;
      const row = byKey.get(key) ?? { month, communeCode: o.communeCode, transferOrders: 0, transferVnd: 0, codOrders: 0, codVnd: 0, shops: new Set<string>() };
      byKey.set(key, row);
      const kind = o.paidBy === "transfer" ? "transfer" : "cod";
      row[`${kind}Orders`] = num(row[`${kind}Orders`]) + 1;
      row[`${kind}Vnd`] = num(row[`${kind}Vnd`]) + o.totalVnd;
      if (kind === "transfer") row.shops.add(o.shopId);
    }
    return normalise(
      [...byKey.values()].map((r) => ({ ...r, transferShops: r.shops.size })),
      ["month", "communeCode"],
      PAY_COUNTS,
    );
  },
};

/** Shipments per month of the pickup request, commune and carrier: picked up or further, delivered, returned. */
export const shipmentTally: TallyCheck = {
  async stored(db) {
    return normalise(await db.shipmentTally.findMany(), ["month", "communeCode", "carrier"], SHIP_COUNTS);
  },
  async recount(db) {
    const rows = await db.pickup.findMany({ select: { createdAt: true, communeCode: true, carrier: true, status: true } });
    const byKey = new Map<string, Record<string, unknown>>();
    for (const p of rows) {
      const month = monthKey(p.createdAt);
      const key = `${month}|${p.communeCode}|${p.carrier}`;
      const row = byKey.get(key) ?? { month, communeCode: p.communeCode, carrier: p.carrier, shipped: 0, delivered: 0, returned: 0 };
      byKey.set(key, row);
      if (["picked_up", "delivered", "returned"].includes(p.status)) row.shipped = num(row.shipped) + 1;
      if (p.status === "delivered") row.delivered = num(row.delivered) + 1;
      if (p.status === "returned") row.returned = num(row.returned) + 1;
    }
    return normalise([...byKey.values()], ["month", "communeCode", "carrier"], SHIP_COUNTS);
  },
};

/** Households per commune that gave an account number (CommuneTally.payAccount). */
export const accountTally: TallyCheck = {
  async stored(db) {
    return normalise(await db.communeTally.findMany({ select: { communeCode: true, payAccount: true } }), ["communeCode"], ["payAccount"]);
  },
  async recount(db) {
    const rows = await db.$queryRaw<Array<Record<string, unknown>>>(
      Prisma.sql`SELECT "communeCode", COUNT(*) AS "payAccount" FROM "Household" WHERE "payAccount" IS NOT NULL GROUP BY "communeCode"`,
    );
    return normalise(rows, ["communeCode"], ["payAccount"]);
  },
};

/** Every tally of this module by name, for a verification command. */
export const MONTHLY_TALLIES: Record<string, TallyCheck> = { paymentTally, shipmentTally, accountTally };

/** The carriers whose shipments the dashboard shows in columns of their own. */
export const DASHBOARD_CARRIERS = ["viettel_post", "vnpost"] as const;

export interface MonthlyCommuneFigures {
  transferOrders: number;
  transferVnd: number;
  codOrders: number;
  codVnd: number;
  transferShops: number;
  shipped: Record<string, number>;
  delivered: number;
  returned: number;
}

/** This month's tallies of the given communes: two reads of at most one row per commune (and carrier). */
export async function monthlyFigures(db: Reader, communes: string[], month: string): Promise<Map<string, MonthlyCommuneFigures>> {
  const [pay, ship] = await Promise.all([
    db.paymentTally.findMany({ where: { month, communeCode: { in: communes } } }),
    db.shipmentTally.findMany({ where: { month, communeCode: { in: communes } } }),
  ]);
  const out = new Map<string, MonthlyCommuneFigures>();
  const row = (code: string) => {
    if (!out.has(code)) out.set(code, { transferOrders: 0, transferVnd: 0, codOrders: 0, codVnd: 0, transferShops: 0, shipped: {}, delivered: 0, returned: 0 });
    return out.get(code)!;
  };
  for (const p of pay) {
    Object.assign(row(p.communeCode), { transferOrders: p.transferOrders, transferVnd: num(p.transferVnd), codOrders: p.codOrders, codVnd: num(p.codVnd), transferShops: p.transferShops });
  }
  for (const s of ship) {
    const r = row(s.communeCode);
    r.shipped[s.carrier] = (r.shipped[s.carrier] ?? 0) + s.shipped;
    r.delivered += s.delivered;
    r.returned += s.returned;
  }
  return out;
}
