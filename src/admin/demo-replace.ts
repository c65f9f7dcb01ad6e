// What the demo seed does to the data already there (demo-seed.ts): before generating, it removes the
// demo households of an earlier run with everything hanging off them; after, it sets the communes'
// household totals (the campaign's denominator) from the households it generated.
import type { Db } from "../db/client.ts";
import type { CommuneProfile } from "./demo-plan.ts";

/** Removes the demo households of an earlier run with everything hanging off them. */
export async function removeDemo(db: Db, onlyDemo: boolean): Promise<number> {
  const demo = await db.household.count({ where: { demo: true } });
  if (demo === 0) return 0;
  await db.$transaction(
    async (tx) => {
      if (onlyDemo) {
        // Every household is a demo one: so is every shop, listing, order and pickup.
        for (const table of ["Pickup", "Order", "Listing", "Shop"]) await tx.$executeRawUnsafe(`DELETE FROM "${table}"`);
      } else {
        const shops = `SELECT s."id" FROM "Shop" s JOIN "Household" h ON h."id" = s."householdId" WHERE h."demo" = true`;
        await tx.$executeRawUnsafe(`DELETE FROM "Pickup" WHERE "orderId" IN (SELECT o."id" FROM "Order" o WHERE o."shopId" IN (${shops}))`);
        await tx.$executeRawUnsafe(`DELETE FROM "Order" WHERE "shopId" IN (${shops})`);
        await tx.$executeRawUnsafe(`DELETE FROM "Listing" WHERE "shopId" IN (${shops})`);
        await tx.$executeRawUnsafe(`DELETE FROM "Shop" WHERE "id" IN (${shops})`);
      }
      const ids = `SELECT "id" FROM "Household" WHERE "demo" = true`;
      await tx.$executeRawUnsafe(`UPDATE "ChannelAccount" SET "householdId" = NULL WHERE "householdId" IN (${ids})`);
      await tx.$executeRawUnsafe(`DELETE FROM "AnnouncementOptOut" WHERE "householdId" IN (${ids})`);
      await tx.$executeRawUnsafe(`DELETE FROM "Household" WHERE "demo" = true`);
    },
    { timeout: 600_000, maxWait: 60_000 },
  );
  return demo;
}

/**
 * Commune totals: demo households × the commune's ratio. With only demo households the seed owns the
 * table (earlier totals are replaced, the communes left out have none); beside real households it only
 * fills communes that have no total yet.
 */
export async function setCommuneTotals(db: Db, profiles: CommuneProfile[], perCommune: Map<string, number>, total: number, own: boolean): Promise<number> {
  const weightSum = profiles.reduce((s, p) => s + p.weight, 0);
  const rows = profiles
    .filter((p) => p.ratio !== null)
    .map((p) => {
      const demo = perCommune.get(p.commune.code) ?? (total * p.weight) / weightSum;
      return { communeCode: p.commune.code, households: Math.max(1, Math.round(demo * p.ratio!)) };
    });
  return db.$transaction(async (tx) => {
    if (own) {
      await tx.communeHouseholds.deleteMany({ where: { communeCode: { in: profiles.map((p) => p.commune.code) } } });
      return (await tx.communeHouseholds.createMany({ data: rows })).count;
    }
    const known = new Set((await tx.communeHouseholds.findMany({ select: { communeCode: true } })).map((c) => c.communeCode));
    return (await tx.communeHouseholds.createMany({ data: rows.filter((r) => !known.has(r.communeCode)) })).count;
  });
}
