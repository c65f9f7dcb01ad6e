// The monthly tallies kept by triggers (bank_transfers migration) always equal a recount from the rows,
// whatever mix of orders paid by transfer or cash, un-paid again, paid in another month, deleted, pickups
// moving through their statuses and households giving or dropping an account number; months are cut at
// midnight in Vietnam (UTC+7), not in UTC.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { accountTally, monthKey, paymentTally, shipmentTally } from "../src/dashboard/monthly-tallies.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();
const COMMUNES = ["06463", "06385"];
/** Around the turn of a month in Vietnam: 30 Nov 16:59 UTC is still November there, 17:00 is December. */
const TIMES = [new Date("2026-11-30T16:59:00Z"), new Date("2026-11-30T17:00:00Z"), new Date("2026-12-15T03:00:00Z")];
const PICKUP_STATUSES = ["open", "picked_up", "delivered", "returned"];

let seq = 0;

async function household(commune: string, account: string | null) {
  seq++;
  return testDb.db.household.create({
    data: {
      name: "Hộ", phone: `+8491400${String(seq).padStart(4, "0")}`, provinceCode: "20", communeCode: commune, payment: account ? "bank" : "none",
      payAccount: account, consentAt: new Date(), openedAt: new Date(), shop: { create: { name: "Shop", slug: `mt-${seq}` } },
    },
    include: { shop: { include: { listings: true } } },
  });
}

const op = fc.oneof(
  fc.record({ kind: fc.constant("order" as const), shop: fc.nat(), paid: fc.constantFrom(null, "transfer", "cod"), at: fc.nat(TIMES.length - 1), total: fc.integer({ min: 1000, max: 900_000 }) }),
  fc.record({ kind: fc.constant("pay" as const), pick: fc.nat(), paid: fc.constantFrom(null, "transfer", "cod"), at: fc.nat(TIMES.length - 1) }),
  fc.record({ kind: fc.constant("deleteOrder" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("pickup" as const), pick: fc.nat(), carrier: fc.constantFrom("viettel_post", "vnpost"), at: fc.nat(TIMES.length - 1) }),
  fc.record({ kind: fc.constant("ship" as const), pick: fc.nat(), status: fc.constantFrom(...PICKUP_STATUSES) }),
  fc.record({ kind: fc.constant("account" as const), shop: fc.nat(), account: fc.option(fc.constant("123456789")), commune: fc.constantFrom(...COMMUNES) }),
);

describe("monthly tallies", () => {
  it("month keys follow Vietnamese time", () => {
    expect(TIMES.map(monthKey)).toEqual(["2026-11", "2026-12", "2026-12"]);
  });

  it("equal a recount from the rows after any sequence of writes", async () => {
    const households = [await household(COMMUNES[0], "0001"), await household(COMMUNES[0], null), await household(COMMUNES[1], "0003")];
    const listings = await Promise.all(
      households.map((h) => testDb.db.listing.create({ data: { shopId: h.shop!.id, title: "Na", unit: "kg", stockMilli: 10_000_000, displayUnit: "kg", priceVnd: 1000 } })),
    );
    let runsWithMoney = 0;
    let runsWithShipments = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 20 }), async (ops) => {
        await testDb.db.order.deleteMany();
        for (const o of ops) {
          const orders = (await testDb.db.order.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((r) => r.id);
          const pickOrder = (n: number) => orders[n % orders.length];
          if (o.kind === "order") {
            const i = o.shop % households.length;
            seq++;
            await testDb.db.order.create({
              data: {
                code: `DT${seq}`, statusToken: `mt-${seq}-0123456789abcdef`, listingId: listings[i].id, shopId: households[i].shop!.id, quantityMilli: 1000,
                unitPriceVnd: o.total, totalVnd: o.total, buyerName: "B", buyerPhone: "+84987654321", buyerAddress: "A", buyerArea: "A", buyerChannel: "web",
                source: "web", expiresAt: new Date(), status: "accepted",
                ...(o.paid ? { payState: "paid", paidBy: o.paid, paidAt: TIMES[o.at] } : {}),
              },
            });
          } else if (orders.length && o.kind === "pay") {
            const data = o.paid ? { payState: "paid", paidBy: o.paid, paidAt: TIMES[o.at] } : { payState: "unpaid", paidBy: null, paidAt: null };
            await testDb.db.order.update({ where: { id: pickOrder(o.pick) }, data });
          } else if (orders.length && o.kind === "deleteOrder") {
            await testDb.db.order.delete({ where: { id: pickOrder(o.pick) } });
          } else if (orders.length && o.kind === "pickup") {
            const order = await testDb.db.order.findUniqueOrThrow({ where: { id: pickOrder(o.pick) }, include: { pickup: true } });
            if (!order.pickup) {
              await testDb.db.pickup.create({ data: { orderId: order.id, carrier: o.carrier, weightGrams: 1000, codVnd: 0, communeCode: order.communeCode!, createdAt: TIMES[o.at] } });
            }
          } else if (o.kind === "ship") {
            const pickups = await testDb.db.pickup.findMany({ select: { id: true }, orderBy: { id: "asc" } });
            if (pickups.length) await testDb.db.pickup.update({ where: { id: pickups[o.pick % pickups.length].id }, data: { status: o.status } });
          } else if (o.kind === "account") {
            const h = households[o.shop % households.length];
            await testDb.db.household.update({ where: { id: h.id }, data: { payAccount: o.account } });
          }
        }
        for (const tally of [paymentTally, shipmentTally, accountTally]) expect(await tally.stored(testDb.db)).toEqual(await tally.recount(testDb.db));
        if ((await paymentTally.recount(testDb.db)).length > 0) runsWithMoney++;
        if ((await shipmentTally.recount(testDb.db)).some((r) => Number(r.shipped) > 0)) runsWithShipments++;
      }),
      // A fixed seed: the check below needs runs with money and shipments, which a random draw of 20
      // runs does not always give (it failed once that way). The draws still vary the sequences.
      { numRuns: 20, seed: 20261206 },
    );
    // The property above must have seen money and shipments, not only empty tallies.
    expect(runsWithMoney).toBeGreaterThan(0);
    expect(runsWithShipments).toBeGreaterThan(0);
  });
});
