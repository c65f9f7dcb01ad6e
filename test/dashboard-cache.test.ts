// Dashboard figures are reused only while nothing they count has changed; a deletion (which leaves no
// newer updatedAt) shows after the maximum age.
import { describe, expect, it } from "vitest";
import { DashboardCache } from "../src/dashboard/cache.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();
const CHI_LANG = "06463";
const scope = { provinceCode: "20", communes: [CHI_LANG] };

async function household(n: number, payment = "viettel_money") {
  return testDb.db.household.create({
    data: { name: `Hộ ${n}`, phone: `+8491200${String(n).padStart(4, "0")}`, provinceCode: "20", communeCode: CHI_LANG, payment, consentAt: new Date(), openedAt: new Date() },
  });
}

describe("dashboard cache", () => {
  it("recomputes after a write, shares one computation, and lets a deletion show after the maximum age", async () => {
    const cache = new DashboardCache(testDb.db, 50, 60_000);
    const h1 = await household(1);
    expect((await cache.get(scope)).total.registered).toBe(1);

    const h2 = await household(2, "none");
    const [a, b] = await Promise.all([cache.get(scope), cache.get(scope)]);
    expect(a).toBe(b); // one computation for both
    expect(a.total).toMatchObject({ registered: 2, epay: 1, counted: 1 });

    // a change to an existing row bumps updatedAt
    await testDb.db.household.update({ where: { id: h2.id }, data: { payment: "momo" } });
    expect((await cache.get(scope)).total.epay).toBe(2);

    // deleting an older row leaves the newest updatedAt as it was: the cached figures stay until too old
    await testDb.db.household.delete({ where: { id: h1.id } });
    expect((await cache.get(scope)).total.registered).toBe(2);
    expect((await cache.get(scope, new Date(Date.now() + 61_000))).total.registered).toBe(1);
  });
});
