// Guard test: a carrier's late event cannot move a shipment back, even when it is handled at the very
// moment another call moves the shipment on. The check in code reads the shipment before the update; the
// update's own condition (never below the rank it writes, never past a final state) is what holds when
// the row changes between the two. PostgreSQL only: there another connection can hold the row between
// the read and the write (on SQLite a write transaction holds the whole database, so the read comes after).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../src/app.ts";
import { TRACK_RANK } from "../src/carriers/port.ts";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { startBot, startFakeBotApi } from "./support/bot.ts";
import { useTestDatabase, whileLocked } from "./support/db.ts";
import { usePostgres } from "./support/paths.ts";

const testDb = useTestDatabase();
let fake: FakeTelegram | undefined;
let bot: (App & { url: string }) | undefined;

beforeAll(async () => {
  if (!usePostgres) return;
  fake = await startFakeBotApi();
  bot = await startBot(fake, testDb.url, "polling");
});
afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

let seq = 0;

/** An accepted order with a booked Viettel Post shipment, already picked up. */
async function pickedUp(waybill: string) {
  seq += 1;
  const h = await testDb.db.household.create({
    data: {
      name: "Hộ vận chuyển", phone: `+8491500990${seq}`, provinceCode: "20", communeCode: "06463", payment: "none", consentAt: new Date(), openedAt: new Date(),
      shop: { create: { name: "Shop vận chuyển", slug: `guards-carrier-${seq}` } },
    },
    include: { shop: true },
  });
  const listing = await testDb.db.listing.create({ data: { shopId: h.shop!.id, title: "Na", unit: "kg", stockMilli: 100_000, displayUnit: "kg", priceVnd: 30_000 } });
  const order = await testDb.db.order.create({
    data: {
      code: `DH7K2F9${"RS"[seq - 1]}`, statusToken: `guards-carrier-${seq}-0123456789abcdef`, listingId: listing.id, shopId: h.shop!.id, quantityMilli: 1000, unitPriceVnd: 30_000, totalVnd: 30_000,
      buyerName: "B", buyerPhone: "+84987654321", buyerAddress: "A", buyerArea: "A", buyerChannel: "web", source: "web", status: "accepted", expiresAt: new Date(Date.now() + 3600_000),
    },
  });
  const pickup = await testDb.db.pickup.create({ data: { orderId: order.id, carrier: "viettel_post", weightGrams: 1000, codVnd: 0, communeCode: "06463", booking: "booked", waybill } });
  await bot!.shipments.track("viettel_post", [{ waybill, code: "105", step: "picked_up", at: new Date(Date.now() - 60_000) }]);
  expect(await testDb.db.pickup.findUniqueOrThrow({ where: { id: pickup.id } })).toMatchObject({ trackStep: "picked_up" });
  return pickup.id;
}

/**
 * Another call moves the shipment to `current` and holds the row, uncommitted, while an event of `late`
 * is handled (it reads the shipment before `current` is committed); then that call commits. The answer
 * of the late event's handling.
 */
async function lateWhileMoving(pickupId: string, waybill: string, current: keyof typeof TRACK_RANK, late: keyof typeof TRACK_RANK) {
  // Positive marker: the late event has read the shipment as picked up and waits on the row for its update.
  return whileLocked(
    testDb.url,
    { sql: `UPDATE "Pickup" SET "trackStep" = $2, "trackRank" = $3 WHERE id = $1`, params: [pickupId, current, TRACK_RANK[current]] },
    1,
    () => bot!.shipments.track("viettel_post", [{ waybill, code: `late-${late}`, step: late, at: new Date() }]),
  );
}

describe("carrier status moves forward only, also between a read and a write (PostgreSQL)", () => {
  it.runIf(usePostgres)("an 'in transit' read before 'out for delivery' was committed does not move the shipment back", async () => {
    const pickupId = await pickedUp("VTPGUARD0001");
    expect(await lateWhileMoving(pickupId, "VTPGUARD0001", "out_for_delivery", "in_transit")).toMatchObject({ applied: 0, duplicates: 0, unknown: 0 });
    expect(await testDb.db.pickup.findUniqueOrThrow({ where: { id: pickupId } })).toMatchObject({ trackStep: "out_for_delivery", trackRank: TRACK_RANK.out_for_delivery });
  });

  it.runIf(usePostgres)("a 'returned' read before 'delivered' was committed does not move the delivered shipment (a final state) on", async () => {
    const pickupId = await pickedUp("VTPGUARD0002");
    expect(await lateWhileMoving(pickupId, "VTPGUARD0002", "delivered", "returned")).toMatchObject({ applied: 0, duplicates: 0, unknown: 0 });
    expect(await testDb.db.pickup.findUniqueOrThrow({ where: { id: pickupId } })).toMatchObject({ trackStep: "delivered", trackRank: TRACK_RANK.delivered });
  });
});
