// What the dead-end walker (dead-ends.test.ts) and the answer corpus found, each written down as the
// conversation a person would have on Zalo (typed numbers and words, no diacritics), against a real
// database. Each test fails without its fix:
//   - "ok" or an address typed at a name step became the household's or the shop's name;
//   - "dat luon" (order it now) at the buyer's last question was read as a new purchase;
//   - "ban 20 kg na 30k" at the buyer's quantity question was read as 20 kg (a stock error);
//   - a person's name ("Hoang Van Mua") typed at a step was read as a request to buy ("mua");
//   - a household without a shop asking for "Cửa hàng của tôi" (the code assumed one).
// Each test has its own chats and brings them to the step it is about, so that it passes alone and in any
// order; the seller whose na the buyers order is set up once, before them.
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registry } from "../flows/index.ts";
import { createServices } from "../src/core/services.ts";
import { createDb, type Db } from "../src/db/client.ts";
import { Engine } from "../src/engine/engine.ts";
import type { Outbound } from "../src/engine/message.ts";
import { parseState } from "../src/engine/state.ts";
import { tFor } from "../src/i18n/index.ts";
import { CaptureChannel, inbound } from "./support/capture.ts";
import { createTestDatabase, type TestDatabase } from "./support/db.ts";

const t = tFor("vi", "numbered");
let database: TestDatabase;
let db: Db;
let engine: Engine;
/** the shop that sells the na the buyers order */
let shopId: string;
const zalo = new CaptureChannel({ name: "zalo", buttons: "numbered", canShareContact: false, maxTextLength: 2000, unreadableMessages: true });

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  engine = new Engine({ db, registry, log: pino({ level: "silent" }), provinceCode: "20" });
  engine.register(zalo);
  shopId = await register("s1", "Nong Van Ban", "0912 345 000");
  await listing(shopId, 10);
});
afterAll(async () => {
  await db.$disconnect();
  await database.drop();
});

/** One typed message; the replies of that turn and the step the chat is at after it. */
async function send(chat: string, text: string, displayName?: string): Promise<{ replies: Outbound[]; text: string; at: string }> {
  const result = await engine.handle(inbound(chat, { channel: "zalo", text, displayName }), { waitForDelivery: true });
  expect(result.status).toBe("handled");
  const row = await db.conversation.findUnique({ where: { channel_chatKey: { channel: "zalo", chatKey: chat } } });
  const state = parseState(row?.state);
  return { replies: result.replies, text: result.replies.map((r) => r.text).join("\n"), at: state.flow ? `${state.flow}.${state.step}` : "menu" };
}

const labels = (replies: Outbound[]) => (replies.at(-1)?.choices ?? []).flat().map((c) => c.label);
const householdOf = (chat: string) => createServices(db).households.byAccount("zalo", chat);

/** Registers a household on Zalo the short way; returns its shop's id. */
async function register(chat: string, name: string, phone: string): Promise<string> {
  for (const text of ["/start", "1", name, phone, "chi lang", "1", "1", "1"]) await send(chat, text);
  const shop = (await householdOf(chat))?.shop;
  if (!shop) throw new Error(`${chat} did not register`);
  return shop.id;
}

async function listing(shopId: string, kg: number): Promise<void> {
  await createServices(db).listings.create({ shopId, productId: "na-chi-lang", title: "Na", unit: "kg", quantity: kg, displayUnit: "kg", priceVnd: 30_000 });
}

/** A buyer at the quantity question for the only offer of na. */
async function atQuantity(chat: string): Promise<void> {
  await send(chat, "/mua");
  await send(chat, "na");
  expect((await send(chat, "1")).at).toBe("buy.quantity");
}

/** A new buyer, registered, who has taken 2 kg of na and is asked for the name to order under. */
async function atBuyerName(chat: string, phone: string): Promise<void> {
  await register(chat, "Vi Van Long", phone);
  await atQuantity(chat);
  expect((await send(chat, "2 kg")).at).toBe("buy.name");
}

const stockKgOf = async (id: string) => {
  const [only] = await db.listing.findMany({ where: { shopId: id } });
  return only.stockMilli / 1000;
};

describe(`what the walker found (${process.env.TEST_DB === "postgres" ? "PostgreSQL" : "SQLite"})`, () => {
  it("a name step refuses a yes/no word and an address with a short hint, and asks again", async () => {
    await send("f1", "/start");
    expect((await send("f1", "1")).at).toBe("register.name");
    for (const [typed, hint] of [
      ["ok", t("register:name.answer")],
      ["dung roi", t("register:name.answer")],
      ["Thon Ban Lai xa Chi Lang", t("register:name.place")],
      ["o xa that khe", t("register:name.place")],
    ]) {
      const r = await send("f1", typed);
      expect(r.at, typed).toBe("register.name");
      expect(r.text, typed).toContain(hint);
      expect(r.text, typed).toContain(t("register:askName"));
    }
    // "Dũng" is a name, even though "dung" also means "right".
    expect((await send("f1", "Dũng")).at).toBe("register.phone");
    for (const text of ["0912 345 111", "chi lang", "1"]) await send("f1", text);
    const shop = await send("f1", "Thon Ban Lai xa Chi Lang");
    expect(shop.at).toBe("register.shopName");
    expect(shop.text).toContain(t("register:shopName.place"));
    expect((await send("f1", "Na ngon Chi Lang")).at).toBe("register.payment");
    await send("f1", "1");
    expect(await householdOf("f1")).toMatchObject({ name: "Dũng", shop: { name: "Na ngon Chi Lang" } });
  });

  it('"ok" at the name step takes the name Zalo shows, when one is offered', async () => {
    await send("f2", "/start", "Hoàng Văn Lâm");
    const asked = await send("f2", "1", "Hoàng Văn Lâm");
    expect(labels(asked.replies)).toEqual(["Hoàng Văn Lâm"]);
    expect((await send("f2", "ok", "Hoàng Văn Lâm")).at).toBe("register.phone");
    for (const text of ["0912 345 222", "chi lang", "1", "1", "1"]) await send("f2", text);
    expect((await householdOf("f2"))?.name).toBe("Hoàng Văn Lâm");
  });

  it('"ban 20 kg na 30k" at the quantity to buy is a listing: asked once whether to leave, the purchase kept', async () => {
    await register("b1", "Vi Van Long", "0912 345 333");
    await atQuantity("b1");
    // what is left of the na (10 kg, less what an order placed earlier in the file holds)
    const left = await stockKgOf(shopId);
    expect(left).toBeLessThan(20);
    const r = await send("b1", "ban 20 kg na 30k");
    expect(r.text).toContain(t("common:intent.leaveQuestion"));
    expect(r.text).not.toContain(t("buy:tooMuch", { left: `${left} kg` }));
    expect(labels(r.replies)).toEqual([t("common:intent.go.sell"), t("common:intent.stay")]);
    const stay = await send("b1", "2");
    expect(stay.at).toBe("buy.quantity");
    expect(stay.text).toContain(t("common:intent.carryOn"));
    // The offer chosen is still the one: 2 kg of it is taken.
    expect((await send("b1", "2 kg")).at).toBe("buy.name");
  });

  it('a full name at a step is no request ("Hoang Van Mua" is no "mua")', async () => {
    await atBuyerName("b2", "0912 345 555");
    const r = await send("b2", "Hoang Van Mua");
    expect(r.at).toBe("buy.phone");
    const wrong = await send("b2", "Le Thi Don");
    expect(wrong.at).toBe("buy.phone");
    expect(wrong.text).not.toContain(t("common:intent.leaveQuestion"));
    expect(wrong.text).toContain(t("buy:askPhone"));
  });

  it('"dat luon" at the order summary places the order', async () => {
    await atBuyerName("b3", "0912 345 666");
    for (const text of ["Hoang Van Mua", "0913 456 789", "ha noi"]) await send("b3", text);
    expect((await send("b3", "so 5 ngo 10 Kim Ma")).at).toBe("buy.confirm");
    const r = await send("b3", "dat luon");
    expect(r.at).toBe("menu");
    expect(await db.order.findMany({ where: { buyerChatKey: "b3" } })).toMatchObject([{ quantityMilli: 2_000, status: "pending", buyerName: "Hoang Van Mua" }]);
  });

  it("a household without a shop is offered to open one, and then has it", async () => {
    await db.household.create({
      data: {
        name: "Lương Văn Tám",
        phone: "+84912345444",
        provinceCode: "20",
        communeCode: "06463",
        payment: "none",
        consentAt: new Date(),
        openedAt: new Date(),
        lastChannel: "zalo",
        accounts: { create: { channel: "zalo", userKey: "f3", chatKey: "f3" } },
      },
    });
    const menu = await send("f3", "menu");
    expect(labels(menu.replies)).toContain(t("common:menu.shop"));
    const r = await send("f3", "cua hang cua toi");
    expect(r.text).toContain(t("common:noShop"));
    expect(r.at).toBe("openShop.shopName");
    const opened = await send("f3", "1"); // the suggested "Cửa hàng Lương Văn Tám"
    expect(opened.text).toContain(t("register:opened"));
    expect(labels(opened.replies)).toContain(t("common:menu.sell"));
    expect((await householdOf("f3"))?.shop?.name).toBe("Cửa hàng Lương Văn Tám");
  });
});
