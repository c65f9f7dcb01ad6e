// The stock guard (src/core/orders.ts: reserve only while stockMilli >= quantity) with partial stock:
// 7 kg left and several simultaneous orders of 3 kg through POST /api/v1/orders → exactly 2 succeed,
// the rest are told 1 kg is left, the stock ends at 1 kg and never goes below zero. (With 1 kg orders
// against 10 kg, "stock > 0" would pass for "stock >= quantity"; with 3 kg against 7 kg it cannot.)
//
// On PostgreSQL a second test forces the interleaving a read-then-write reservation ("read the stock,
// check it in code, then write") would lose: a row lock taken from outside holds every order at its
// write until all of them have read the listing, then lets them go. SQLite cannot show that race (one
// writer at a time, transactions run one after another), which is why it runs on PostgreSQL only.
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { call, newOrderNotices, orderFor, PARTNER_KEYS, sellerWithListing, startApiApp, type ApiApp, type ApiResponse } from "./support/api.ts";
import { startFakeBotApi } from "./support/bot.ts";
import { createTestDatabase, whileLocked, type TestDatabase } from "./support/db.ts";
import { usePostgres } from "./support/paths.ts";

let database: TestDatabase;
let fake: FakeTelegram;
let app: ApiApp | undefined;
const SELLER = 8701;

beforeEach(async () => {
  database = await createTestDatabase();
  fake = await startFakeBotApi();
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await fake?.close();
  await database?.drop();
});

const orderKg = (listingId: string, kg: number, i: number) =>
  call(app!.url, "/api/v1/orders", {
    key: i % 2 ? PARTNER_KEYS.postmart : PARTNER_KEYS.voso,
    idempotencyKey: randomUUID(),
    body: orderFor(listingId, kg, { name: `Người Mua ${String.fromCharCode(65 + i)}`, phone: `0912${String(i).padStart(6, "0")}` }),
  });

/** Exactly two 3 kg orders out of `results`, the others refused with 1 kg left; stock 1 kg. */
async function expectTwoOfThree(listingId: string, results: ApiResponse[]) {
  const statuses = results.map((r) => r.status);
  expect(statuses.filter((s) => s !== 201 && s !== 409), JSON.stringify(results.find((r) => r.status >= 500)?.json)).toEqual([]);
  expect(statuses.filter((s) => s === 201)).toHaveLength(2);
  expect(statuses.filter((s) => s === 409)).toHaveLength(results.length - 2);
  for (const r of results.filter((x) => x.status === 409)) {
    expect(r.json).toMatchObject({ error: "not_enough_stock", availableQuantity: 1, unit: "kg" });
  }
  const listing = await app!.db.listing.findUniqueOrThrow({ where: { id: listingId } });
  expect(listing.stockMilli).toBe(1_000);
  expect(listing.status).toBe("active"); // 1 kg is still for sale
  const orders = await app!.db.order.findMany({ where: { listingId } });
  expect(orders.map((o) => o.quantityMilli)).toEqual([3_000, 3_000]);
  expect(orders.map((o) => o.totalVnd)).toEqual([240_000, 240_000]); // 3 kg × 80.000 đ
  // the household heard of the two orders, once each
  await fake.waitFor(() => newOrderNotices(fake, SELLER).length >= 2);
  expect(newOrderNotices(fake, SELLER)).toHaveLength(2);
}

describe(`partial stock: 7 kg left, simultaneous orders of 3 kg (${usePostgres ? "PostgreSQL" : "SQLite"})`, () => {
  it("exactly 2 of 6 succeed, 4 are told 1 kg is left, the stock ends at 1 kg", async () => {
    app = await startApiApp(fake, database.url);
    const { listingId } = await sellerWithListing(app, fake, { userId: SELLER, phone: "0918 701 701", sentence: "ban 7 kg hoi kho 80k" });
    expect(await app.db.listing.findUniqueOrThrow({ where: { id: listingId } })).toMatchObject({ stockMilli: 7_000, priceVnd: 80_000 });

    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => orderKg(listingId, 3, i)));
    await expectTwoOfThree(listingId, results);

    // 1 kg left: 1,5 kg is refused, 1 kg sells the listing out, and nothing more goes
    const more = await orderKg(listingId, 1.5, 0);
    expect(more.status).toBe(409);
    expect(more.json).toMatchObject({ availableQuantity: 1 });
    expect((await orderKg(listingId, 1, 1)).status).toBe(201);
    expect(await app.db.listing.findUniqueOrThrow({ where: { id: listingId } })).toMatchObject({ stockMilli: 0, status: "sold_out" });
    expect((await orderKg(listingId, 0.001, 2)).status).toBe(409);
    expect((await app.db.listing.findUniqueOrThrow({ where: { id: listingId } })).stockMilli).toBe(0);
  });

  it.runIf(usePostgres)("every order has read 7 kg before any writes: still exactly 2 succeed (no read-then-write race)", async () => {
    app = await startApiApp(fake, database.url);
    const { listingId } = await sellerWithListing(app, fake, { userId: SELLER, phone: "0918 701 702", sentence: "ban 7 kg hoi kho 80k" });
    // Hold the listing's row lock from outside: the orders can read the row, not change it. Positive
    // marker: all N orders are queued on the lock, each having read the listing already.
    const N = 4;
    const results = await whileLocked(database.url, { sql: `SELECT 1 FROM "Listing" WHERE id = $1 FOR UPDATE`, params: [listingId] }, N, () =>
      Promise.all(Array.from({ length: N }, (_, i) => orderKg(listingId, 3, i))),
    );
    await expectTwoOfThree(listingId, results);
  });
});
