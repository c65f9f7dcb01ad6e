// The harvest reminder calendar (issue 16 part 5): when each product's season starts. Worked out from
// the catalog's harvest months (a season starts in a harvest month whose previous month is not one:
// hồi, harvested 7-9 and 12-2, starts in July and in December), unless an officer set it
// (ReminderCalendar: other months, or off). A product harvested all year has no season start.
// Also the households' own switch (ReminderOptOut).
import type { Tx } from "../db/client.ts";

/** The months a season starts in, from the months harvested (1..12). */
export function seasonStarts(harvestMonths: readonly number[]): number[] {
  const months = new Set(harvestMonths.filter((m) => m >= 1 && m <= 12));
  if (months.size === 12) return [];
  return [...months].filter((m) => !months.has(m === 1 ? 12 : m - 1)).sort((a, b) => a - b);
}

/** "2026-08": the season that starts in `month` of `year`. */
export const seasonKey = (year: number, month: number) => `${year}-${String(month).padStart(2, "0")}`;

export interface CalendarEntry {
  productId: string;
  /** months a season starts in */
  starts: number[];
  /** set by an officer (else from the catalog) */
  custom: boolean;
  off: boolean;
}

export function harvestCalendar(tx: Tx) {
  return {
    /** Every product's season starts: the officers' settings over the catalog's harvest months. */
    async entries(products: ReadonlyArray<{ id: string; harvestMonths: readonly number[] }>): Promise<CalendarEntry[]> {
      const set = new Map((await tx.reminderCalendar.findMany()).map((r) => [r.productId, r]));
      return products.map((p) => {
        const row = set.get(p.id);
        return row
          ? { productId: p.id, starts: JSON.parse(row.months) as number[], custom: true, off: row.off }
          : { productId: p.id, starts: seasonStarts(p.harvestMonths), custom: false, off: false };
      });
    },

    /** An officer sets a product's season start months (or turns its reminders off). */
    async set(productId: string, change: { months?: number[]; off?: boolean }, officerId: string, current: number[]): Promise<void> {
      const months = JSON.stringify([...new Set(change.months ?? current)].sort((a, b) => a - b));
      const off = change.off ?? false;
      await tx.reminderCalendar.upsert({ where: { productId }, create: { productId, months, off, officerId }, update: { months, off, officerId } });
    },

    /** Back to the catalog's months. */
    async reset(productId: string): Promise<void> {
      await tx.reminderCalendar.deleteMany({ where: { productId } });
    },

    async optOut(householdId: string): Promise<void> {
      await tx.reminderOptOut.upsert({ where: { householdId }, create: { householdId }, update: {} });
    },

    async optIn(householdId: string): Promise<void> {
      await tx.reminderOptOut.deleteMany({ where: { householdId } });
    },
  };
}
