// What database triggers keep for the dashboard: the per-commune tally always equals counting the
// households directly (whatever mix of registrations, claims, edits, deletions and bulk inserts), and
// listings and orders carry their shop's commune.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();
const COMMUNES = ["06463", "06385", "06325"];
const PAYMENTS = ["viettel_money", "none", "momo"];

const op = fc.oneof(
  fc.record({ kind: fc.constant("insert" as const), commune: fc.constantFrom(...COMMUNES), payment: fc.constantFrom(...PAYMENTS), opened: fc.boolean(), assisted: fc.boolean(), demo: fc.boolean() }),
  fc.record({ kind: fc.constant("update" as const), pick: fc.nat(), commune: fc.option(fc.constantFrom(...COMMUNES)), payment: fc.option(fc.constantFrom(...PAYMENTS)), opened: fc.option(fc.boolean()) }),
  fc.record({ kind: fc.constant("delete" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("bulk" as const), n: fc.integer({ min: 1, max: 5 }), commune: fc.constantFrom(...COMMUNES) }),
);

/** Counted straight from the households, in Node, for comparison. */
async function direct() {
  const rows = await testDb.db.household.findMany();
  const out: Record<string, number[]> = {};
  for (const h of rows) {
    const c = (out[h.communeCode] ??= [0, 0, 0, 0, 0, 0, 0]);
    const opened = h.openedAt !== null;
    const epay = h.payment !== "none";
    const assisted = h.registeredById !== null;
    [1, opened, epay, opened && epay, assisted, assisted && opened, h.demo].forEach((v, i) => (c[i] += Number(v)));
  }
  return out;
}

async function tally() {
  const rows = await testDb.db.communeTally.findMany();
  return Object.fromEntries(rows.filter((r) => r.registered > 0).map((r) => [r.communeCode, [r.registered, r.opened, r.epay, r.counted, r.assisted, r.claimed, r.demo]]));
}

let phone = 0;
const nextPhone = () => `+8491300${String(++phone).padStart(4, "0")}`;

describe("CommuneTally", () => {
  it("matches a direct count after any sequence of writes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        await testDb.db.household.deleteMany();
        for (const o of ops) {
          const ids = (await testDb.db.household.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((h) => h.id);
          if (o.kind === "insert") {
            await testDb.db.household.create({
              data: { name: "Hộ", phone: nextPhone(), provinceCode: "20", communeCode: o.commune, payment: o.payment, consentAt: new Date(), openedAt: o.opened ? new Date() : null, registeredById: o.assisted ? "officer" : null, demo: o.demo },
            });
          } else if (o.kind === "bulk") {
            await testDb.db.household.createMany({
              data: Array.from({ length: o.n }, () => ({ name: "Hộ", phone: nextPhone(), provinceCode: "20", communeCode: o.commune, payment: "momo", consentAt: new Date(), openedAt: new Date() })),
            });
          } else if (ids.length && o.kind === "update") {
            const data = { ...(o.commune ? { communeCode: o.commune } : {}), ...(o.payment ? { payment: o.payment } : {}), ...(o.opened !== null ? { openedAt: o.opened ? new Date() : null } : {}) };
            await testDb.db.household.update({ where: { id: ids[o.pick % ids.length] }, data });
          } else if (ids.length && o.kind === "delete") {
            await testDb.db.household.delete({ where: { id: ids[o.pick % ids.length] } });
          }
        }
        expect(await tally()).toEqual(await direct());
      }),
      { numRuns: 25 },
    );
  });

  it("listings carry their shop's commune and move with the household; orders stay where they were placed", async () => {
    const h = await testDb.db.household.create({
      data: { name: "Hộ", phone: nextPhone(), provinceCode: "20", communeCode: COMMUNES[0], payment: "momo", consentAt: new Date(), shop: { create: { name: "Shop", slug: `shop-${phone}` } } },
      include: { shop: true },
    });
    const listing = await testDb.db.listing.create({ data: { shopId: h.shop!.id, title: "Na", unit: "kg", stockMilli: 1000, displayUnit: "kg", priceVnd: 1000 } });
    const order = await testDb.db.order.create({
      data: { code: `DX${phone}`, statusToken: `tally-${phone}-0123456789abcdef`, listingId: listing.id, shopId: h.shop!.id, quantityMilli: 1000, unitPriceVnd: 1000, totalVnd: 1000, buyerName: "B", buyerPhone: "+84987654321", buyerAddress: "A", buyerArea: "A", buyerChannel: "web", source: "web", expiresAt: new Date() },
    });
    const commune = async () => [
      (await testDb.db.listing.findUniqueOrThrow({ where: { id: listing.id } })).communeCode,
      (await testDb.db.order.findUniqueOrThrow({ where: { id: order.id } })).communeCode,
    ];
    expect(await commune()).toEqual([COMMUNES[0], COMMUNES[0]]);
    await testDb.db.household.update({ where: { id: h.id }, data: { communeCode: COMMUNES[1] } });
    expect(await commune()).toEqual([COMMUNES[1], COMMUNES[0]]);
  });
});
