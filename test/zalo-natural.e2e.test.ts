// Registration on Zalo typed the way farmers type (issue 20): no numbers, no diacritics, the words
// people use for "yes" and "that one". The real app on real HTTP against the fake Zalo Bot API.
import { afterEach, describe, expect, it } from "vitest";
import { tFor } from "../src/i18n/index.ts";
import type { FakeZalo } from "./fakes/zalo-server.ts";
import { useTestDatabase } from "./support/db.ts";
import { newZaloUser, startFakeZaloBot, startZaloBot, ZaloChat, type ZaloApp } from "./support/zalo.ts";

const testDb = useTestDatabase();
const t = tFor("vi");
let fake: FakeZalo | undefined;
let bot: ZaloApp | undefined;

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await fake?.close();
  fake = undefined;
});

async function chatOnZalo(name: string): Promise<ZaloChat> {
  fake = await startFakeZaloBot();
  bot = await startZaloBot(fake, testDb.url);
  return new ZaloChat(fake, newZaloUser(name));
}

/** Messages the person sent, and those the bot answered with a hint or a "which one?" instead of moving on. */
function counter(chat: ZaloChat) {
  let sent = 0;
  let refused = 0;
  return {
    async send(text: string, expect: RegExp) {
      sent += 1;
      await chat.send(text, expect);
      if (chat.messages.some((m) => m.startsWith(t("common:choice.hint")) || /^Bạn chọn [^\n]* hay [^\n]*\?/.test(m))) refused += 1;
    },
    get sent() {
      return sent;
    },
    get refused() {
      return refused;
    },
  };
}

describe("registration typed naturally on Zalo", () => {
  it("takes 8 messages, as on the shortest path, none refused", async () => {
    const chat = await chatOnZalo("Hoàng Văn Nam");
    const c = counter(chat);
    await c.send("chao", /đồng ý chứ/);
    await c.send("dung roi", /Tên chủ hộ/);
    await c.send("Hoàng Văn Nam", /Số điện thoại di động/);
    await c.send("sdt 0915 234 567", /xã hoặc phường nào/);
    expect(chat.paragraphs[0]).toBe("Đã nhận số 0915 234 567.");
    await c.send("o xa that khe", /chọn xã/);
    expect(chat.last).toMatch(/\n1\. Xã Thất Khê\n2\. 🔎 Tìm tên khác\n/);
    await c.send("u dung roi", /Đặt tên cho cửa hàng/);
    await c.send("ok", /thanh toán điện tử/);
    await c.send("co viettel money", /Bạn muốn làm gì/);
    expect(chat.messages[0]).toMatch(
      /^🎉 Cửa hàng của bạn đã mở!\n\n🏪 Cửa hàng Hoàng Văn Nam\n👤 Hoàng Văn Nam\n📞 0915 234 567\n📍 Xã Thất Khê, Lạng Sơn\n💳 Viettel Money · 0915 234 567\n\nVí được ghi theo số điện thoại của bạn\. .*«Sửa thông tin»/,
    ); // the wallet takes the phone just given, with no question more; another number is changed later
    expect({ sent: c.sent, refused: c.refused }).toEqual({ sent: 8, refused: 0 });

    const household = await testDb.db.household.findUnique({ where: { phone: "+84915234567" }, include: { shop: true } });
    expect(household).toMatchObject({ name: "Hoàng Văn Nam", communeCode: expect.any(String), payment: "viettel_money", payAccount: "+84915234567" });
    expect(household?.shop?.name).toBe("Cửa hàng Hoàng Văn Nam");
  });

  it("asks once between two options that fit, and repeats the options after an answer that fits none", async () => {
    const chat = await chatOnZalo("Lý Thị Mai");
    const c = counter(chat);
    await c.send("xin chao", /đồng ý chứ/);
    await c.send("de xem da", /Mình chưa rõ bạn chọn ý nào/);
    // A short hint and the options, not the long consent text again.
    expect(chat.messages).toEqual([
      `${t("common:choice.hint")}\n1. ✅ Đồng ý\n2. Không đồng ý\n3. 🛒 Tôi chỉ muốn mua hàng\nTrả lời 1, 2 hoặc 3`,
    ]);
    await c.send("vang a", /Tên chủ hộ/);
    await c.send("Lý Thị Mai", /Số điện thoại di động/);
    await c.send("so dt cua em la 0916.111.222 a", /xã hoặc phường nào/);
    await c.send("o huyen chi lang", /Huyện Chi Lăng cũ nay thuộc/);
    await c.send("chi", /Bạn chọn Xã Chi Lăng hay Xã Chiến Thắng\?/);
    expect(chat.last).toBe("Bạn chọn Xã Chi Lăng hay Xã Chiến Thắng?\n1. Xã Chi Lăng\n2. Xã Chiến Thắng\nTrả lời 1 hoặc 2");
    await c.send("chien thang", /Đặt tên cho cửa hàng/);
    await c.send("Na ngon nhà Mai", /thanh toán điện tử/);
    await c.send("chua co", /Bạn muốn làm gì/);
    expect(chat.all.join("\n")).toMatch(/📍 Xã Chiến Thắng, Lạng Sơn/);
    expect({ sent: c.sent, refused: c.refused }).toEqual({ sent: 10, refused: 2 });
    expect(await testDb.db.household.findUnique({ where: { phone: "+84916111222" } })).toMatchObject({ payment: "none" });
  });
});
