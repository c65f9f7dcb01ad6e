// One household, two channels: registered on Telegram, it starts on Zalo with the same phone and links
// the Zalo chat to its shop with a 6-digit code sent to its Telegram chat. Both fakes, one app.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import type { FakeZalo } from "./fakes/zalo-server.ts";
import { Chat, register, startFakeBotApi } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";
import { newZaloUser, startFakeZaloBot, startZaloBot, ZaloChat, type ZaloApp } from "./support/zalo.ts";

const testDb = useTestDatabase();

let telegram: FakeTelegram;
let zalo: FakeZalo;
let app: ZaloApp;
let nextId = 9100;

afterEach(async () => {
  await app?.stop();
  await telegram?.close();
  await zalo?.close();
});

async function both() {
  telegram = await startFakeBotApi();
  zalo = await startFakeZaloBot();
  app = await startZaloBot(zalo, testDb.url, "polling", { telegram });
}

/** The code the bot sent to the Telegram chat. */
function codeIn(chat: Chat): string {
  const m = /(\d{6})/.exec(chat.last.text ?? "");
  if (!m) throw new Error(`no code in ${chat.last.text}`);
  return m[1];
}

describe("linking Zalo to a shop opened on Telegram", () => {
  it("links after the code from Telegram is typed on Zalo; notifications then follow the last channel", async () => {
    await both();
    const tg = new Chat(telegram, { id: ++nextId, first_name: "Hà Thị Nga", language_code: "vi" });
    await register(tg, { phone: "0919 222 111", name: "Hà Thị Nga" });

    const z = new ZaloChat(zalo, newZaloUser("Hà Thị Nga"));
    await z.send("xin chào", /đồng ý chứ/);
    await z.send("1", /Tên chủ hộ/);
    await z.send("Hà Thị Nga", /Số điện thoại di động/);
    await z.send("0919222111", /đã mở cửa hàng Chợ Số trên Telegram/);
    const before = tg.all.length;
    await z.send("1", /gửi mã 6 số tới Telegram/);
    await telegram.waitForMessages(tg.user.id, before + 1);
    expect(tg.last.text).toMatch(/Mã nối tài khoản Chợ Số của bạn: \d{6}\. Có người đang nối Zalo với cửa hàng của bạn/);
    const code = codeIn(tg);

    await z.send("12345", /gửi mã 6 số/);
    expect(z.paragraphs[0]).toBe("Mã gồm 6 chữ số, ví dụ: 123456.");
    const wrong = code === "000000" ? "111111" : "000000";
    await z.send(wrong, /gửi mã 6 số/);
    expect(z.paragraphs[0]).toBe("Mã chưa đúng. Bạn còn 4 lần thử.");
    await z.send(code.replace(/(\d{3})/, "$1 "), /Bạn muốn làm gì/);
    expect(z.paragraphs[0]).toBe("🔗 Đã nối! Từ giờ bạn dùng cửa hàng này trên cả Telegram và ở đây.");
    expect(z.messages[0]).toContain("\n\n🏪 Cửa hàng Hà Thị Nga\n"); // the card, in the same message

    const household = await testDb.db.household.findUnique({ where: { phone: "+84919222111" }, include: { accounts: true } });
    expect(household?.accounts.map((a) => a.channel).sort()).toEqual(["telegram", "zalo"]);
    expect(household?.lastChannel).toBe("zalo");
    expect(await testDb.db.household.count({ where: { name: "Hà Thị Nga" } })).toBe(1);

    // Writing on Telegram again makes it the channel to notify.
    await tg.send("/menu", /Bạn muốn làm gì/);
    expect((await testDb.db.household.findUnique({ where: { phone: "+84919222111" } }))?.lastChannel).toBe("telegram");
  });

  it("gives up after five wrong codes and asks for the phone again, linking nothing", async () => {
    await both();
    const tg = new Chat(telegram, { id: ++nextId, first_name: "Mã Văn Khoa", language_code: "vi" });
    await register(tg, { phone: "0919 333 444", name: "Mã Văn Khoa" });
    const z = new ZaloChat(zalo, newZaloUser("Mã Văn Khoa"));
    await z.send("/start", /đồng ý chứ/);
    await z.send("1", /Tên chủ hộ/);
    await z.send("Mã Văn Khoa", /Số điện thoại di động/);
    await z.send("0919 333 444", /đã mở cửa hàng/);
    const before = tg.all.length;
    await z.send("1", /gửi mã 6 số/);
    await telegram.waitForMessages(tg.user.id, before + 1);
    const code = codeIn(tg);
    const wrong = code === "999999" ? "888888" : "999999";
    for (let i = 0; i < 4; i++) await z.send(wrong, /gửi mã 6 số/);
    await z.send(wrong, /Số điện thoại di động/);
    expect(z.paragraphs[0]).toBe("Sai mã nhiều lần quá. Bạn nhập lại số điện thoại nhé.");
    await z.send(code, /Số điện thoại di động/); // the old code means nothing now
    const accounts = await testDb.db.channelAccount.findMany({ where: { household: { phone: "+84919333444" } } });
    expect(accounts.map((a) => a.channel)).toEqual(["telegram"]);
  });

  it("still refuses a number registered by someone else on the same platform", async () => {
    await both();
    const first = new ZaloChat(zalo, newZaloUser("Lục Văn Hải"));
    await first.send("/start", /đồng ý chứ/);
    await first.send("1", /Tên chủ hộ/);
    await first.send("Lục Văn Hải", /Số điện thoại/);
    await first.send("0919 555 666", /xã hoặc phường/);
    await first.send("bac son", /chọn xã/);
    await first.pick("Xã Bắc Sơn", /Đặt tên/);
    await first.send("1", /thanh toán/);
    await first.pick("MoMo", /Bạn muốn làm gì/);

    const other = new ZaloChat(zalo, newZaloUser("Người khác"));
    await other.send("/start", /đồng ý chứ/);
    await other.send("1", /Tên chủ hộ/);
    await other.send("Lục Thị Mai", /Số điện thoại/);
    await other.send("0919555666", /Số điện thoại/);
    expect(other.messages[0]).toMatch(/Số 0919 555 666 đã có hộ khác đăng ký/);
  });
});
