// Figures computed for a scope are reused while nothing they count has changed. "Changed" is read
// from the newest updatedAt of households, listings, orders and commune totals: four index lookups,
// against a few hundred milliseconds for the aggregates over a province. Two requests arriving together
// share one computation. A change that leaves no newer updatedAt (a household deleting its account, or
// a write committed after a later one) is picked up at the latest after MAX_AGE_MS.
import type { Scope } from "../broadcast/store.ts";
import type { Db } from "../db/client.ts";
import { dashboardStats, monthStartOf, weekStartOf, type Dashboard } from "./stats.ts";

export const MAX_AGE_MS = 60_000;
const MAX_ENTRIES = 200;

interface Entry {
  fingerprint: string;
  at: number;
  stats: Promise<Dashboard>;
}

export class DashboardCache {
  private entries = new Map<string, Entry>();

  constructor(
    private readonly db: Db,
    private readonly targetPercent: number,
    private readonly maxAgeMs = MAX_AGE_MS,
  ) {}

  private async fingerprint(): Promise<string> {
    const [row] = await this.db.$queryRaw<Array<Record<string, unknown>>>`
      SELECT (SELECT MAX("updatedAt") FROM "Household") AS h, (SELECT MAX("updatedAt") FROM "Listing") AS l,
             (SELECT MAX("updatedAt") FROM "Order") AS o, (SELECT MAX("updatedAt") FROM "CommuneHouseholds") AS c`;
    return [row.h, row.l, row.o, row.c].map((v) => (v instanceof Date ? v.toISOString() : String(v))).join("|");
  }

  async get(scope: Scope, now = new Date()): Promise<Dashboard> {
    // Month and week are part of the key: "this month" and the week chart move at midnight.
    const key = `${scope.provinceCode}:${[...scope.communes].sort().join(",")}:${monthStartOf(now).getTime()}:${weekStartOf(now).getTime()}`;
    const fingerprint = await this.fingerprint();
    const hit = this.entries.get(key);
    if (hit && hit.fingerprint === fingerprint && now.getTime() - hit.at < this.maxAgeMs) return hit.stats;

    const stats = dashboardStats(this.db, scope, { targetPercent: this.targetPercent, now });
    const entry = { fingerprint, at: now.getTime(), stats };
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    // A failed computation is not kept: the next request tries again.
    stats.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return stats;
  }
}
