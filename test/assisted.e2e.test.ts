// "Đăng ký hộ" end to end: an officer registers a household in person from Telegram (/dangkyho), and
// the household later claims that shop by starting Chợ Số with the same phone, on Telegram or Zalo.
// One app with both fake servers (Telegram and Zalo) over real HTTP, one database for the file; every
// test uses people and phone numbers of its own.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { officers } from "../src/broadcast/officers.ts";
import { households } from "../src/core/households.ts";
import type { FakeTelegram, SimUser } from "./fakes/telegram-server.ts";
import type { FakeZalo } from "./fakes/zalo-server.ts";
import { Chat, register, startFakeBotApi } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";
import { newZaloUser, splitNumbered, startFakeZaloBot, startZaloBot, ZaloChat, type ZaloApp } from "./support/zalo.ts";

const CHI_LANG = "06463";

const testDb = useTestDatabase();
let telegram: FakeTelegram;
let zalo: FakeZalo;
let app: ZaloApp;
let nextId = 730_000;
// A display name that would pass as a person's name: the name step must still not offer it.
const tgUser = (first_name = "Lý Văn Cường", language_code = "vi"): SimUser => ({ id: ++nextId, first_name, language_code });

beforeAll(async () => {
  telegram = await startFakeBotApi();
  zalo = await startFakeZaloBot();
  app = await startZaloBot(zalo, testDb.url, "polling", { telegram });
}, 30_000);

afterAll(async () => {
  await app?.stop();
  await telegram?.close();
  await zalo?.close();
});

/** An officer on Telegram who has taken the role with a fresh invite ([] = the whole province). */
async function officer(communes: string[] = []): Promise<Chat> {
  const { code } = await officers(testDb.db).invite(communes);
  const chat = new Chat(telegram, tgUser());
  await chat.send(`/canbo ${code}`, /Chào cán bộ/);
  return chat;
}

const officerRow = (chat: Chat) => testDb.db.officer.findFirstOrThrow({ where: { channel: "telegram", userKey: String(chat.user.id) } });

const householdByPhone = (phone: string) =>
  testDb.db.household.findUnique({ where: { phone }, include: { accounts: true, shop: true } });

/** A complete "Đăng ký hộ" by a province-wide officer (typed commune search), saved. */
async function assist(chat: Chat, h: { name: string; phone: string; shop: string }): Promise<void> {
  await chat.send("/dangkyho", /Hộ đã đồng ý/);
  await chat.tap("✅ Hộ đã đồng ý", /Tên chủ hộ/);
  await chat.send(h.name, /Số điện thoại di động của hộ/);
  await chat.send(h.phone, /Hộ ở xã hoặc phường nào/);
  await chat.send("chi lang", /Bạn chọn xã của hộ/);
  await chat.tap("Xã Chi Lăng", /Đặt tên cho cửa hàng/);
  await chat.send(h.shop, /Hộ đã có tài khoản thanh toán điện tử/);
  await chat.tap("MoMo", /Lưu hộ này vào Chợ Số/);
  await chat.tap("✅ Lưu", /đăng ký thêm hộ khác/);
}

describe("who may use /dangkyho", () => {
  it("a household gets the unknown-command answer; nothing starts", async () => {
    const farmer = new Chat(telegram, tgUser("Nguyễn Văn Hùng"));
    await register(farmer, { phone: "0913 100 001", name: "Nguyễn Văn Hùng" });
    await farmer.send("/dangkyho", /Bạn muốn làm gì/);
    expect(farmer.messages.map((m) => m.text)).toEqual(["Mình chưa biết lệnh này. Gõ /trogiup để xem các lệnh.\n\nBạn muốn làm gì?"]);
    expect(await testDb.db.conversation.count({ where: { channel: "telegram", chatKey: String(farmer.user.id) } })).toBe(0); // no flow started
  });

  it("an officer whose role was revoked before saving: refused, nothing stored", async () => {
    const chat = await officer();
    await chat.send("/dangkyho", /Hộ đã đồng ý/);
    await chat.tap("✅ Hộ đã đồng ý", /Tên chủ hộ/);
    await chat.send("Lục Thị Hoa", /Số điện thoại/);
    await chat.send("0913 100 002", /xã hoặc phường/);
    await chat.send("chi lang", /chọn xã của hộ/);
    await chat.tap("Xã Chi Lăng", /Đặt tên/);
    await chat.tap("Cửa hàng Lục Thị Hoa", /thanh toán/);
    await chat.tap("Chưa có", /Lưu hộ này/);
    await officers(testDb.db).revoke((await officerRow(chat)).id);
    await chat.tap("✅ Lưu", /không còn quyền đăng ký hộ/);
    // no longer an officer: a guest, offered what a guest can do next
    expect(chat.messages.at(-1)?.text).toBe("Bạn không còn quyền đăng ký hộ. Chợ Số chưa lưu hộ này.\n\nBạn cần gì tiếp theo?");
    expect(chat.buttons).toEqual(["🏪 Mở cửa hàng", "🛒 Mua nông sản"]);
    expect(await householdByPhone("+84913100002")).toBeNull();
    await chat.send("/dangkyho", /chưa biết lệnh này/);
  });
});

describe("an officer registers a household", () => {
  it("a commune officer: consent, typed name (no platform-name suggestion), phone, own communes only; stored unclaimed", async () => {
    const chat = await officer([CHI_LANG]);
    const row = await officerRow(chat);
    await chat.send("/dangkyho", /Hộ đã đồng ý để Chợ Số lưu tên, số điện thoại, xã và tên cửa hàng chưa\?/);
    expect(chat.buttons).toEqual(["✅ Hộ đã đồng ý", "Hộ chưa đồng ý"]);
    await chat.tap("✅ Hộ đã đồng ý", /Tên chủ hộ là gì/);
    expect(chat.buttons).toEqual([]); // the officer's own Telegram name is not offered
    await chat.send("Hoàng Thị Lan", /Số điện thoại di động của hộ là gì/);
    // no "send my number" keyboard: the officer's number is not the household's
    expect(chat.last.reply_markup).toBeUndefined();
    expect(telegram.replyKeyboard(chat.user.id)).toBeUndefined();
    await chat.send("0912 000 111", /Hộ ở xã nào\? Bạn chọn bên dưới/);
    expect(chat.messages.map((m) => m.text)).toEqual(["Đã nhận số 0912 000 111.\n\nHộ ở xã nào? Bạn chọn bên dưới."]);
    expect(chat.buttons).toEqual(["Xã Chi Lăng"]); // only the officer's area is offered
    // a commune outside the area, typed: refused, the question again
    await chat.send("huu lung", /Bạn chọn bên dưới/);
    expect(chat.paragraphs[0]).toBe("Xã Hữu Lũng ngoài địa bàn của bạn. Bạn đăng ký được hộ ở Xã Chi Lăng.");
    // a typed name that fits the only option offered is taken, as a tap would be (no second list)
    await chat.send("o chi lang", /Đặt tên cho cửa hàng/);
    expect(chat.buttons).toEqual(["Cửa hàng Hoàng Thị Lan"]);
    await chat.send("Na sạch Chi Lăng", /Hộ đã có tài khoản thanh toán điện tử chưa/);
    await chat.tap("Viettel Money", /Lưu hộ này vào Chợ Số/);
    const card = chat.messages.at(-2)?.text ?? "";
    expect(card).toContain("🏪 Na sạch Chi Lăng");
    expect(card).toContain("👤 Hoàng Thị Lan");
    expect(card).toContain("📞 0912 000 111");
    expect(card).toContain("📍 Xã Chi Lăng");
    expect(card).toContain("💳 Viettel Money");
    expect(await householdByPhone("+84912000111")).toBeNull(); // nothing stored before "Lưu"

    await chat.tap("✅ Lưu", /Bạn đăng ký thêm hộ khác không/);
    expect(chat.messages).toHaveLength(1); // saved, what to tell the household, and the next question
    expect(chat.paragraphs).toEqual([
      "✅ Đã lưu cửa hàng «Na sạch Chi Lăng» cho hộ Hoàng Thị Lan.",
      "Bạn dặn hộ mở Chợ Số trên Telegram hoặc Zalo và nhập số 0912 000 111 để nhận cửa hàng.",
      "Bạn đăng ký thêm hộ khác không?",
    ]);
    expect(chat.buttons).toEqual(["➕ Đăng ký hộ khác", "Xong"]);

    const h = await householdByPhone("+84912000111");
    expect(h).toMatchObject({
      name: "Hoàng Thị Lan",
      communeCode: CHI_LANG,
      payment: "viettel_money",
      registeredById: row.id,
      openedAt: null,
      lastChannel: null,
    });
    expect(h?.consentAt).toBeInstanceOf(Date);
    expect(h?.accounts).toEqual([]);
    expect(h?.shop?.name).toBe("Na sạch Chi Lăng");
    // the officer got no household of its own
    expect(await testDb.db.channelAccount.count({ where: { channel: "telegram", userKey: String(chat.user.id), householdId: { not: null } } })).toBe(0);

    // "another household" starts over at the consent question, with nothing kept
    await chat.tap("➕ Đăng ký hộ khác", /Hộ đã đồng ý/);
    await chat.tap("Hộ chưa đồng ý", /Chợ Số chưa lưu gì/);
    expect(chat.messages.at(-1)?.text).toBe("Chợ Số chưa lưu gì. Khi hộ đồng ý, bạn gõ /dangkyho nhé.");
  });

  it("takes the household's bank account too: whole on the officer's summary, stored with the shop", async () => {
    const chat = await officer([CHI_LANG]);
    await chat.send("/dangkyho", /Hộ đã đồng ý/);
    await chat.tap("✅ Hộ đã đồng ý", /Tên chủ hộ/);
    await chat.send("Lương Văn Bảo", /Số điện thoại di động của hộ/);
    await chat.send("0912 000 383", /Hộ ở xã nào/);
    await chat.tap("Xã Chi Lăng", /Đặt tên cho cửa hàng/);
    await chat.send("Hồi khô Bảo", /Hộ đã có tài khoản thanh toán điện tử/);
    await chat.tap("Ứng dụng ngân hàng", /ngân hàng nào/);
    await chat.send("lienviet", /Số tài khoản LPBank/);
    await chat.send("0123 45x", /chỉ gồm chữ số/);
    await chat.send("0123 4567 89", /Tên chủ tài khoản/);
    expect(chat.buttons).toEqual(["LUONG VAN BAO", "Để sau"]);
    await chat.tap("LUONG VAN BAO", /Lưu hộ này vào Chợ Số/);
    expect(chat.messages.at(-2)?.text ?? "").toContain("LPBank · 0123456789 · LUONG VAN BAO");
    expect(await householdByPhone("+84912000383")).toBeNull();
    await chat.tap("✅ Lưu", /Bạn đăng ký thêm hộ khác không/);
    expect(await householdByPhone("+84912000383")).toMatchObject({
      payment: "bank",
      payBankBin: "970449",
      payAccount: "0123456789",
      payAccountName: "LUONG VAN BAO",
      openedAt: null,
    });
  });

  it("a phone that already has a shop is refused and asked again (no link offer); quay lại and huỷ work", async () => {
    const farmer = new Chat(telegram, tgUser("Vi Văn Toàn"));
    await register(farmer, { phone: "0913 200 001", name: "Vi Văn Toàn" });
    const chat = await officer();
    await assist(chat, { name: "Hà Văn Sơn", phone: "0913 200 002", shop: "Hồi Văn Quan" });
    await chat.tap("Xong", /Cảm ơn bạn/);

    await chat.send("/dangkyho", /Hộ đã đồng ý/);
    await chat.tap("✅ Hộ đã đồng ý", /Tên chủ hộ/);
    await chat.send("Đinh Thị Mai", /Số điện thoại di động của hộ/);
    // a household that registered itself, and one another officer registered (unclaimed): both taken
    await chat.send("0913200001", /Số điện thoại di động của hộ/);
    expect(chat.paragraphs[0]).toBe("Số 0913 200 001 đã có cửa hàng trên Chợ Số. Bạn kiểm tra lại số của hộ nhé.");
    await chat.send("+84 913 200 002", /Số điện thoại di động của hộ/);
    expect(chat.paragraphs[0]).toBe("Số 0913 200 002 đã có cửa hàng trên Chợ Số. Bạn kiểm tra lại số của hộ nhé.");
    expect(chat.all.map((m) => m.text ?? "").join("\n")).not.toMatch(/Nối tài khoản|đã mở cửa hàng Chợ Số trên/);

    // quay lại: back to the name, then forward again
    await chat.send("quay lại", /Tên chủ hộ/);
    await chat.send("Đinh Thị Mai", /Số điện thoại di động của hộ/);
    await chat.send("0913 200 003", /Hộ ở xã hoặc phường nào/);
    await chat.send("huu lung", /Bạn chọn xã của hộ/); // a province-wide officer: any commune
    await chat.tap("Xã Hữu Lũng", /Đặt tên cho cửa hàng/);
    await chat.send("quay lại", /Bạn chọn xã của hộ/);
    await chat.tap("Xã Hữu Lũng", /Đặt tên cho cửa hàng/);
    await chat.send("huỷ", /Đã huỷ/);
    expect(chat.messages.at(-1)?.text).toBe("Đã huỷ, Chợ Số chưa lưu gì về hộ này.");
    expect(await householdByPhone("+84913200003")).toBeNull();
    expect(await testDb.db.household.count({ where: { phone: { in: ["+84913200001", "+84913200002"] } } })).toBe(2);
  });
});

describe("the household claims its shop", () => {
  it("on Telegram: the shop name is offered, not the person's data; yes claims it and the officer is told", async () => {
    const chat = await officer([CHI_LANG]);
    await chat.send("/dangkyho", /Hộ đã đồng ý/);
    await chat.tap("✅ Hộ đã đồng ý", /Tên chủ hộ/);
    await chat.send("Hoàng Thị Nhung", /Số điện thoại/);
    await chat.send("0912 000 222", /Bạn chọn bên dưới/);
    await chat.tap("Xã Chi Lăng", /Đặt tên/);
    await chat.send("Vườn na sạch", /thanh toán/);
    await chat.tap("Chưa có", /Lưu hộ này/);
    await chat.tap("✅ Lưu", /đăng ký thêm/);
    const officerSeen = chat.all.length;

    const farmer = new Chat(telegram, tgUser("Nhung"));
    await farmer.send("/start", /đồng ý chứ/);
    await farmer.tap("✅ Đồng ý", /Tên chủ hộ/);
    await farmer.send("Hoàng Nhung", /Bấm nút bên dưới để gửi số/);
    await farmer.contact("84912000222", /Đây có phải cửa hàng của bạn không/);
    const offer = farmer.messages.at(-1)?.text ?? "";
    expect(offer).toBe("Cán bộ đã đăng ký cửa hàng «Vườn na sạch» cho số 0912 000 222. Đây có phải cửa hàng của bạn không?");
    expect(farmer.all.map((m) => m.text ?? "").join("\n")).not.toMatch(/Hoàng Thị Nhung|Chi Lăng|👤/);
    expect(farmer.buttons).toEqual(["✅ Đúng, của tôi", "Không phải"]);

    await farmer.tap("✅ Đúng, của tôi", /Bạn muốn làm gì/);
    const said = farmer.messages.map((m) => m.text ?? "");
    expect(said[0]).toMatch(/^🎉 Cửa hàng đã là của bạn! Từ giờ bạn đăng hàng và nhận đơn ở đây\.\n\n🏪 Vườn na sạch\n/); // the card under it
    expect(said[0]).toContain("👤 Hoàng Thị Nhung"); // the data stays as the officer entered it
    expect(said[1]).toMatch(/Mở tài khoản rất dễ/); // no e-payment yet: how to get one
    // no commune / shop name / payment questions after a claim
    expect(said.join("\n")).not.toMatch(/xã hoặc phường|Đặt tên cho cửa hàng|thanh toán điện tử chưa/);

    const h = await householdByPhone("+84912000222");
    expect(h?.openedAt).toBeInstanceOf(Date);
    expect(h?.lastChannel).toBe("telegram");
    expect(h?.name).toBe("Hoàng Thị Nhung");
    expect(h?.accounts.map((a) => [a.channel, a.userKey, a.locale])).toEqual([["telegram", String(farmer.user.id), "vi"]]);
    expect(await testDb.db.household.count({ where: { name: { in: ["Hoàng Nhung", "Hoàng Thị Nhung"] } } })).toBe(1);

    await telegram.waitForMessages(chat.user.id, officerSeen + 1);
    expect(chat.all.slice(officerSeen).map((m) => m.text)).toEqual(["🎉 Hộ Hoàng Thị Nhung đã nhận cửa hàng «Vườn na sạch»."]);

    // it is now an ordinary household: /start welcomes it back with the menu
    await farmer.send("/start", /Bạn muốn làm gì/);
  });

  it("on Zalo: \"no\" asks for the phone again; then yes claims it", async () => {
    const chat = await officer();
    await assist(chat, { name: "Nông Văn Bình", phone: "0912 000 333", shop: "Hồi khô Bình Gia" });
    const officerSeen = chat.all.length;

    const z = new ZaloChat(zalo, newZaloUser("Bình"));
    await z.send("xin chào", /đồng ý chứ/);
    await z.send("1", /Tên chủ hộ/);
    await z.send("Nông Bình", /Số điện thoại di động/);
    await z.send("0912000333", /Đây có phải cửa hàng của bạn không/);
    const offer = splitNumbered(z.last);
    expect(offer.text).toBe("Cán bộ đã đăng ký cửa hàng «Hồi khô Bình Gia» cho số 0912 000 333. Đây có phải cửa hàng của bạn không?");
    expect(offer.buttons).toEqual(["✅ Đúng, của tôi", "Không phải"]);
    expect(z.all.join("\n")).not.toMatch(/Nông Văn Bình/);

    await z.pick("Không phải", /Số điện thoại di động/);
    expect(z.paragraphs[0]).toBe("Vậy bạn dùng số khác, hoặc nhờ cán bộ xã kiểm tra giúp.");
    expect((await householdByPhone("+84912000333"))?.openedAt).toBeNull();

    await z.send("0912 000 333", /Đây có phải cửa hàng của bạn không/);
    await z.pick("✅ Đúng, của tôi", /Bạn muốn làm gì/);
    expect(z.paragraphs[0]).toBe("🎉 Cửa hàng đã là của bạn! Từ giờ bạn đăng hàng và nhận đơn ở đây.");
    expect(z.messages[0]).toContain("👤 Nông Văn Bình"); // the card, in the same message

    const h = await householdByPhone("+84912000333");
    expect(h?.openedAt).toBeInstanceOf(Date);
    expect(h?.lastChannel).toBe("zalo");
    expect(h?.accounts.map((a) => [a.channel, a.userKey])).toEqual([["zalo", z.user.id]]);
    await telegram.waitForMessages(chat.user.id, officerSeen + 1);
    expect(chat.all.slice(officerSeen).map((m) => m.text)).toEqual(["🎉 Hộ Nông Văn Bình đã nhận cửa hàng «Hồi khô Bình Gia»."]);
  });

  it("two chats at the offer: one claims (in English), the other falls back to the taken/link path", async () => {
    const chat = await officer();
    await assist(chat, { name: "Lương Thị Thu", phone: "0912 000 444", shop: "Thạch đen Tràng Định" });
    const officerSeen = chat.all.length;

    const first = new Chat(telegram, tgUser("Thu", "en"));
    await first.send("/start", /Do you agree/);
    await first.tap("✅ I agree", /name of the head of the household/);
    await first.send("Lương Thu", /send your phone number/);
    await first.contact("84912000444", /Is this your shop\?/);
    expect(first.messages.at(-1)?.text).toBe("An officer registered the shop “Thạch đen Tràng Định” for the number 0912 000 444. Is this your shop?");

    const second = new Chat(telegram, tgUser("Người khác"));
    await second.send("/start", /đồng ý chứ/);
    await second.tap("✅ Đồng ý", /Tên chủ hộ/);
    await second.send("Lương Văn Tú", /Bấm nút bên dưới/);
    await second.send("0912 000 444", /Đây có phải cửa hàng của bạn không/);

    await first.tap("✅ Yes, it's mine", /What would you like to do\?/);
    expect(first.paragraphs[0]).toBe("🎉 The shop is yours now! From now on you list goods and get orders here.");

    // the second one confirms too late: the shop is taken, as any other number on this platform
    await second.tap("✅ Đúng, của tôi", /Bấm nút bên dưới để gửi số/);
    expect(second.paragraphs[0]).toBe(
      "Số 0912 000 444 đã có hộ khác đăng ký. Bạn dùng số khác, hoặc nhờ cán bộ xã giúp.",
    );
    // a new chat on the same platform is not offered the claim any more
    const third = new Chat(telegram, tgUser("Ba"));
    await third.send("/start", /đồng ý chứ/);
    await third.tap("✅ Đồng ý", /Tên chủ hộ/);
    await third.send("Lương Văn Ba", /Bấm nút bên dưới/);
    await third.send("0912000444", /Bấm nút bên dưới/);
    expect(third.messages[0].text).toMatch(/đã có hộ khác đăng ký/);
    // on Zalo it is the usual "link a second channel" offer, with a code sent to the claimed chat
    const z = new ZaloChat(zalo, newZaloUser("Thu"));
    await z.send("/start", /đồng ý chứ/);
    await z.send("1", /Tên chủ hộ/);
    await z.send("Lương Thu", /Số điện thoại/);
    await z.send("0912 000 444", /đã mở cửa hàng Chợ Số trên Telegram/);

    const h = await householdByPhone("+84912000444");
    expect(h?.accounts.map((a) => [a.channel, a.userKey, a.locale])).toEqual([["telegram", String(first.user.id), "en"]]);
    // the officer is told once, in its own language
    await telegram.waitForMessages(chat.user.id, officerSeen + 1);
    expect(chat.all.slice(officerSeen).map((m) => m.text)).toEqual(["🎉 Hộ Lương Thị Thu đã nhận cửa hàng «Thạch đen Tràng Định»."]);
  });

  it("simultaneous claims of one shop: exactly one chat gets it (conditional update)", async () => {
    const { id: officerId } = await testDb.db.officer.create({ data: { channel: "telegram", userKey: String(++nextId), chatKey: String(nextId), name: "Cán bộ" } });
    const h = await households(testDb.db).registerAssisted({
      name: "Chu Văn Lâm",
      phone: "+84912000555",
      provinceCode: "20",
      communeCode: CHI_LANG,
      shopName: "Chè Chi Lăng",
      payment: "bank",
      officerId,
    });
    expect(await households(testDb.db).unclaimed("+84912000555")).toEqual({ id: h.id, shopName: "Chè Chi Lăng" });
    const ids = Array.from({ length: 6 }, () => String(++nextId));
    const results = await Promise.allSettled(
      ids.map((userKey, i) =>
        testDb.db.$transaction((tx) =>
          households(tx).claim(h.id, { channel: i % 2 ? "zalo" : "telegram", userKey, chatKey: userKey }, "vi"),
        ),
      ),
    );
    const won = results.filter((r) => r.status === "fulfilled" && r.value !== null);
    expect(won).toHaveLength(1);
    const row = await householdByPhone("+84912000555");
    expect(row?.accounts).toHaveLength(1);
    expect(row?.openedAt).toBeInstanceOf(Date);
    expect(await households(testDb.db).unclaimed("+84912000555")).toBeNull();
  });
});
