// A household acts only on its own shop's orders (ownOrder in flows/orders.ts): another household that
// types an order's code, or sends a tap with its id, is refused and sees nothing of the buyer, and the
// order does not move. The mutation run found this check unprotected.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { Chat, register, startBot, startFakeBotApi } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();
const NOT_YOURS = /Không tìm thấy đơn này trong cửa hàng của bạn/;
const MENU = /Bạn muốn làm gì/;
const BUYER_PHONE = "0987 654 321";

let fake: FakeTelegram;
let bot: Awaited<ReturnType<typeof startBot>>;
let owner: Chat;
let other: Chat;
let order: { id: string; code: string };

beforeAll(async () => {
  fake = await startFakeBotApi();
  bot = await startBot(fake, testDb.url);

  owner = new Chat(fake, { id: 9801, first_name: "Hoàng Văn Sinh", language_code: "vi" });
  await register(owner, { phone: "0917 300 801", name: "Hoàng Văn Sinh" });
  await owner.send("bán 2 tạ hồi khô giá 80k", /🌿/);
  await owner.tap("✅ Đăng bán", MENU);

  order = await placeOrder(9802, "Trần Thị Lan");
  await owner.act(async () => undefined, /Đơn mới/);

  // another registered household, with a shop of its own
  other = new Chat(fake, { id: 9803, first_name: "Lăng Văn Đức", language_code: "vi" });
  await register(other, { phone: "0917 300 803", name: "Lăng Văn Đức" });
});

/** A buyer orders 30 kg of the owner's hồi khô by chat; the order, once placed. */
async function placeOrder(chatId: number, name: string): Promise<{ id: string; code: string }> {
  const buyer = new Chat(fake, { id: chatId, first_name: name, language_code: "vi" });
  await buyer.send("/mua", /Bạn muốn mua gì/);
  await buyer.send("hồi khô", /nơi bán Hoa hồi khô/);
  await buyer.tap(buyer.buttons[0], /Bạn mua bao nhiêu\? \(còn/);
  await buyer.send("30 kg", /Tên người nhận/);
  await buyer.tap(name, /Số điện thoại người nhận/);
  await buyer.send(BUYER_PHONE, /tỉnh hoặc thành phố/);
  await buyer.send("Hà Nội", /Địa chỉ cụ thể/);
  await buyer.send("12 Hàng Bạc, Hoàn Kiếm", /Đơn của bạn/);
  await buyer.tap("✅ Đặt hàng", /Gõ \/mua khi bạn muốn mua thêm/);
  return testDb.db.order.findFirstOrThrow({ where: { buyerName: name }, select: { id: true, code: true } });
}

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

/** A tap on a button the bot never gave this person: a callback with the given data under their last message. */
function forgedTap(chat: Chat, data: string) {
  const under = [...fake.sent(chat.user.id)].reverse().find((m) => m.reply_markup);
  if (!under) throw new Error("no message to tap under");
  return fake.pushUpdate({
    callback_query: {
      id: `forged-${data}`,
      from: { id: chat.user.id, is_bot: false, first_name: chat.user.first_name },
      message: structuredClone(under.message),
      chat_instance: "-1",
      data,
    },
  } as never);
}

async function expectUntouched() {
  const row = await testDb.db.order.findUniqueOrThrow({ where: { id: order.id }, include: { pickup: true } });
  expect(row.status).toBe("pending");
  expect(row.decidedAt).toBeNull();
  expect(row.pickup).toBeNull();
  expect(fake.sentTexts(other.user.id).join("\n")).not.toContain(BUYER_PHONE);
  expect(fake.sentTexts(other.user.id).join("\n")).not.toContain("Hàng Bạc");
}

describe("another household's order", () => {
  it("typed with its code (accept, decline): refused, nothing revealed, the order stays pending", async () => {
    await other.send(`NHAN ${order.code}`, NOT_YOURS);
    await other.send(`tuchoi ${order.code.toLowerCase()}`, NOT_YOURS);
    await expectUntouched();
  });

  it("sent as a tap with its id: refused, nothing revealed, the order stays pending", async () => {
    for (const action of ["acc", "dec", "pick"]) {
      await other.act(() => forgedTap(other, `a.${action}.${order.id}`), NOT_YOURS);
    }
    await expectUntouched();
  });

  it("an order id that does not exist: refused the same way, not a crash", async () => {
    await owner.act(() => forgedTap(owner, "a.acc.nosuchorder0"), NOT_YOURS);
    await owner.send("NHAN DH2345AB", NOT_YOURS);
  });

  it("is still the owner's to accept, by code, after another household tried", async () => {
    // An order of its own, so that the tests above find theirs pending whatever the order they run in.
    const mine = await placeOrder(9804, "Lý Thị Hoa");
    await owner.act(async () => undefined, /Đơn mới/);
    await other.send(`NHAN ${mine.code}`, NOT_YOURS);
    await owner.send(`NHAN ${mine.code}`, /Đã nhận đơn/);
    expect(owner.messages.map((m) => m.text).join("\n")).toContain("📞 0987 654 321");
    expect((await testDb.db.order.findUniqueOrThrow({ where: { id: mine.id } })).status).toBe("accepted");
  });
});
