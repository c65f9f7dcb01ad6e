// An order and the notice it owes the household commit together (core/order-service.ts with the
// engine's outbox behind NotifyPort): no order is ever placed with its notice lost, even if the
// process dies between the commit and the send, and a notice that cannot be written takes the order
// back with it.
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registry } from "../flows/index.ts";
import { Notifier, type NotifyPort } from "../src/core/notify.ts";
import { OrderService } from "../src/core/order-service.ts";
import { createServices } from "../src/core/services.ts";
import { createDb, type Db } from "../src/db/client.ts";
import { Engine } from "../src/engine/engine.ts";
import type { PendingMessage } from "../src/engine/outbox.ts";
import { listCommunes } from "../src/lang/communes.ts";
import { CaptureChannel } from "./support/capture.ts";
import { createTestDatabase, type TestDatabase } from "./support/db.ts";

const log = pino({ level: process.env.TEST_LOG ?? "silent" });
const BUYER = { name: "Đinh Thị Xuân", phone: "0986 135 790", address: "Số 77 ngõ Trạm", area: "Hà Nội" };
const CHAT = "5501";
let database: TestDatabase;
let db: Db;
let listingId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  listingId = await db.$transaction(async (tx) => {
    const services = createServices(tx);
    const household = await services.households.register({
      name: "Nông Thị Hoa",
      phone: "+84915501550",
      provinceCode: "20",
      communeCode: listCommunes("20")[0].code,
      shopName: "Hồi Hoa",
      payment: "viettel_money",
      identity: { channel: "telegram", userKey: CHAT, chatKey: CHAT },
      locale: "vi",
    });
    const listing = await services.listings.create({ shopId: household.shop!.id, productId: null, title: "Hoa hồi khô", unit: "kg", quantity: 10, displayUnit: "kg", priceVnd: 80_000, photo: null, availableFrom: null });
    return listing.id;
  });
});
afterAll(async () => {
  await db.$disconnect();
  await database.drop();
});

const stockKg = async () => (await db.listing.findUniqueOrThrow({ where: { id: listingId } })).stockMilli / 1000;
const place = (service: OrderService, kg: number) =>
  service.place({ listingId, quantity: kg, buyer: BUYER, buyerChannel: "web", buyerChatKey: null, source: "web" });

function engineWithChannel() {
  const engine = new Engine({ db, registry, log, provinceCode: "20", outboxLeaseMs: 1 });
  const channel = new CaptureChannel();
  engine.register(channel);
  return { engine, channel };
}

describe("order notices", () => {
  it("are owed from the order's own commit: a process that dies before sending loses none", async () => {
    const { engine, channel } = engineWithChannel();
    // The process "dies" right after the commit: what was queued is never handed to delivery.
    const dying: NotifyPort = { reaches: () => true, queue: (tx, to, messages) => engine.queueIn(tx, to, messages), deliver: async () => {} };
    const result = await place(new OrderService(db, new Notifier(dying), log), 2);
    expect(result.ok).toBe(true);
    const code = result.ok ? result.order.code : "";
    const owed = await db.chatOutbox.findMany({ where: { chatKey: CHAT } });
    expect(owed).toHaveLength(1);
    expect(JSON.parse(owed[0].message).text).toContain(code);
    expect(channel.texts(CHAT)).toEqual([]);

    // The next start delivers it.
    const restarted = engineWithChannel();
    restarted.engine.startDelivery();
    await expect.poll(() => restarted.channel.texts(CHAT).length, { timeout: 10_000 }).toBe(1);
    expect(restarted.channel.texts(CHAT)[0]).toMatch(new RegExp(`^🛒 Đơn mới[\\s\\S]*${code}`));
    await expect.poll(() => db.chatOutbox.count({ where: { chatKey: CHAT } }), { timeout: 5_000 }).toBe(0);
    await restarted.engine.stopDelivery();
  });

  it("that cannot be written take the order back with them: no order, no stock held", async () => {
    const before = { stock: await stockKg(), orders: await db.order.count() };
    const broken: NotifyPort = {
      reaches: () => true,
      queue: async () => {
        throw new Error("outbox unavailable");
      },
      deliver: async () => {},
    };
    await expect(place(new OrderService(db, new Notifier(broken), log), 3)).rejects.toThrow("outbox unavailable");
    expect({ stock: await stockKg(), orders: await db.order.count() }).toEqual(before);
  });

  it("reach the household right after the commit when all is well", async () => {
    const { engine, channel } = engineWithChannel();
    const port: NotifyPort = {
      reaches: (c) => engine.hasChannel(c),
      queue: (tx, to, messages) => engine.queueIn(tx, to, messages),
      deliver: (queued) => engine.deliverQueued((queued as PendingMessage[][]).flat()),
    };
    const stock = await stockKg();
    const result = await place(new OrderService(db, new Notifier(port), log), 1);
    expect(result.ok && channel.texts(CHAT)).toEqual([expect.stringContaining(result.ok ? result.order.code : "?")]);
    expect(await stockKg()).toBe(stock - 1);
    // sent rows are deleted in small batches a few ms later
    await expect.poll(() => db.chatOutbox.count({ where: { chatKey: CHAT } }), { timeout: 5_000 }).toBe(0);
  });
});
