// What a household grows or raises (issue 16), said in chat ("Sửa thông tin" → crops). Harvest
// reminders (broadcast/reminders.ts) go to these households too, not only to those that listed the
// product last season.
import type { Tx } from "../db/client.ts";

export function householdCrops(tx: Tx) {
  return {
    /** The household's crops' product ids, in the order they were said. */
    async of(householdId: string): Promise<string[]> {
      const rows = await tx.householdCrop.findMany({ where: { householdId }, orderBy: { createdAt: "asc" }, select: { productId: true } });
      return rows.map((r) => r.productId);
    },

    /** Replaces the household's list (empty: none). */
    async set(householdId: string, productIds: readonly string[], at = new Date()): Promise<void> {
      await tx.householdCrop.deleteMany({ where: { householdId } });
      const unique = [...new Set(productIds)];
      // createdAt a millisecond apart: the list reads back in the order it was said.
      if (unique.length) await tx.householdCrop.createMany({ data: unique.map((productId, i) => ({ householdId, productId, createdAt: new Date(at.getTime() + i) })) });
    },
  };
}
