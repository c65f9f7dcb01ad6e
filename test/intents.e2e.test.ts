// Requests understood at any step, over Telegram end to end (real app, fake Bot API on loopback):
// at the main menu they run at once; in the middle of a step an answer that fits stays the answer,
// questions are answered and the step asked again, other requests are asked about once and the
// interrupted step keeps what was entered. And several products listed in one message.
import { afterEach, describe, expect, it } from "vitest";
import { officers } from "../src/broadcast/officers.ts";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { Chat, register, startBot, startFakeBotApi } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase({ perTest: true }); // what one test lists must not show in another's prices

let fake: FakeTelegram;
let bot: Awaited<ReturnType<typeof startBot>>;
let nextUser = 9100;
let nextPhone = 300;

const MENU = /Bạn muốn làm gì/;
const GREETING = "Dạ, Chợ Số luôn sẵn lòng giúp bạn! 😊";
const LEAVE = /Bạn muốn chuyển sang việc này, hay làm tiếp việc đang dở\?/;
const CARRY_ON = "↩️ Làm tiếp việc đang dở";

/** The price answer (flows/market.ts): its lines, then the link to the product's page on the board. */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const priceAnswer = (productId: string, ...lines: string[]) => new RegExp(`^${escape(lines.join("\n"))}\nXem bảng giá: http://\\S+/gia/${productId}$`);
const NO_NA = priceAnswer("na-chi-lang", "💰 Giá Na trên Chợ Số:", "• Chưa ai đang bán Na.", "• Giá thường gặp: 25.000 đ đến 60.000 đ/kg");

afterEach(async () => {
  await bot?.stop();
  await fake?.close();
});

async function start() {
  fake = await startFakeBotApi();
  bot = await startBot(fake, testDb.url);
}

const newChat = (name = "Lành Văn Tuấn") => new Chat(fake, { id: ++nextUser, first_name: name, language_code: "vi" });

/** A registered household at the main menu. */
async function household(name = "Lành Văn Tuấn"): Promise<Chat> {
  const chat = newChat(name);
  await register(chat, { phone: `0918 ${String(++nextPhone).padStart(3, "0")} ${String(nextUser % 1000).padStart(3, "0")}`, name });
  return chat;
}

/** List one product by a sentence and publish it. */
async function list(chat: Chat, sentence: string) {
  await chat.send(sentence, /🌿/);
  await chat.tap("✅ Đăng bán", MENU);
}

async function listingsOf(chat: Chat) {
  const account = await testDb.db.channelAccount.findFirst({
    where: { userKey: String(chat.user.id) },
    include: { household: { include: { shop: { include: { listings: { orderBy: { createdAt: "asc" } } } } } } },
  });
  return account?.household?.shop?.listings ?? [];
}

async function householdIdOf(chat: Chat) {
  const account = await testDb.db.channelAccount.findFirstOrThrow({ where: { userKey: String(chat.user.id) } });
  return account.householdId!;
}

describe("requests at the main menu", () => {
  it("answers a price question, shows orders and listings, helps, greets, and turns announcements off and on", async () => {
    await start();
    const seller = await household("Hoàng Văn Sáng");
    await list(seller, "ban 2 ta hoi kho 80k");

    const chat = await household();
    // The board's figures for hồi khô: the one offer on Chợ Số, and the link to its page.
    await chat.send("gia hoi hom nay bao nhieu", MENU);
    expect(chat.paragraphs).toHaveLength(2);
    expect(chat.paragraphs[0]).toMatch(priceAnswer("hoi-kho", "💰 Giá Hoa hồi khô trên Chợ Số:", "• Đang bán: 80.000 đ/kg (1 tin)"));
    expect(chat.paragraphs[1]).toBe("Bạn muốn làm gì?");
    await chat.send("/gia", MENU);
    expect(chat.paragraphs[0]).toMatch(/^Bảng giá mọi mặt hàng: http:\/\/\S+\/gia\nHỏi giá một món, ví dụ: giá na bao nhiêu$/);
    await chat.send("/gia hoi kho", MENU);
    expect(chat.paragraphs[0]).toMatch(priceAnswer("hoi-kho", "💰 Giá Hoa hồi khô trên Chợ Số:", "• Đang bán: 80.000 đ/kg (1 tin)"));
    await chat.send("xem don", /Cửa hàng chưa có đơn nào/);
    await chat.send("/menu", MENU);
    await chat.send("xem hang cua toi", /Bạn chưa đăng hàng nào/);
    expect(chat.buttons).toEqual(["➕ Đăng bán"]);
    await chat.send("/menu", MENU);
    await chat.send("huong dan", MENU);
    expect(chat.paragraphs[0]).toMatch(/^Các lệnh của Chợ Số:/);
    await chat.send("cam on nhe", MENU);
    expect(chat.paragraphs).toEqual([GREETING, "Bạn muốn làm gì?"]);
    await chat.send("thoi khong ban nua", MENU);
    expect(chat.paragraphs[0]).toBe("Không có việc gì đang làm dở để huỷ.");
    await chat.send("quay lai buoc truoc", MENU);
    expect(chat.paragraphs[0]).toBe("Không có bước nào để quay lại.");

    const id = await householdIdOf(chat);
    await chat.send("tat het thong bao di", MENU);
    expect(chat.paragraphs[0]).toBe("Đã tắt thông báo. Bạn vẫn nhận tin về đơn hàng. Gõ BAT để nhận lại.");
    expect(await testDb.db.announcementOptOut.count({ where: { householdId: id } })).toBe(1);
    await chat.send("bat lai thong bao", MENU);
    expect(chat.paragraphs[0]).toBe("Đã bật lại thông báo.");
    expect(await testDb.db.announcementOptOut.count({ where: { householdId: id } })).toBe(0);
  });

  it("starts buying at the offers of the product named, and selling from a sentence", async () => {
    await start();
    const seller = await household("Hoàng Văn Sáng");
    await list(seller, "ban 50kg na dai 35k");

    const buyer = await household();
    // "na" is any na: the one on sale is Na dai.
    await buyer.send("mua 5 can na", /Có 1 nơi bán Na dai\. Bạn chọn một nơi:/);
    expect(buyer.buttons).toEqual(["Cửa hàng Hoàng Văn Sáng: 35.000 đ/kg · còn 50 kg · Xã Chi Lăng"]);
    // The 5 cân said with the product is the quantity: no quantity question.
    await buyer.tap("Cửa hàng Hoàng Văn Sáng: 35.000 đ/kg · còn 50 kg · Xã Chi Lăng", /Tên người nhận hàng/);
    expect(buyer.paragraphs[0]).toBe("Bạn mua 5 kg.");
    await buyer.tap("Lành Văn Tuấn", /Số điện thoại người nhận/);
    await buyer.send("0912 555 666", /tỉnh hoặc thành phố/);
    await buyer.send("Hà Nội", /Địa chỉ cụ thể/);
    await buyer.send("Số 5 ngõ 12 Láng Hạ", /Đơn của bạn/);
    expect(buyer.last.text).toContain("🌿 5 kg Na dai Chi Lăng × 35.000 đ/kg\n💰 Tổng: 175.000 đ");
    await buyer.send("huỷ", MENU);
    // More than is left: the quantity question, saying why.
    await buyer.send("mua 2 ta na", /Có 1 nơi bán/);
    await buyer.tap("Cửa hàng Hoàng Văn Sáng: 35.000 đ/kg · còn 50 kg · Xã Chi Lăng", /Bạn mua bao nhiêu/);
    expect(buyer.paragraphs[0]).toBe("Chỉ còn 50 kg. Bạn đặt ít hơn nhé.");
    await buyer.send("huỷ", MENU);
    await buyer.send("toi muon ban hang", /Bạn muốn bán gì\?/);
  });

  it("marks a listing sold out, changes a price and a quantity, each after a confirm, asking which listing when several fit", async () => {
    await start();
    const chat = await household();
    await list(chat, "ban 50kg na dai 35k");
    await list(chat, "ban 30 kg na bo 30k");

    await chat.send("het na roi", /Món nào đã hết hàng\?/);
    expect(chat.buttons).toEqual(["Na bở Chi Lăng · 30 kg · 30.000 đ/kg", "Na dai Chi Lăng · 50 kg · 35.000 đ/kg"]);
    await chat.tap("Na dai Chi Lăng · 50 kg · 35.000 đ/kg", /^Báo hết hàng: Na dai Chi Lăng \(đang còn 50 kg\)\?$/);
    expect(chat.buttons).toEqual(["⛔ Đúng, hết rồi", "Không, để nguyên"]);
    await chat.tap("⛔ Đúng, hết rồi", MENU);
    expect(chat.paragraphs[0]).toBe("⛔ Đã đánh dấu hết hàng.");

    await chat.send("sua gia na bo 40k", /^Đổi giá Na bở Chi Lăng: 30\.000 đ\/kg → 40\.000 đ\/kg\?$/);
    await chat.tap("✅ Đổi giá", MENU);
    expect(chat.paragraphs[0]).toBe("✅ Đã cập nhật.");

    await chat.send("na bo con 20 kg", /^Sửa số lượng Na bở Chi Lăng: 30 kg → 20 kg\?$/);
    await chat.tap("Không, để nguyên", MENU);
    expect(chat.paragraphs[0]).toBe("Vẫn để nguyên như cũ.");

    // No figure said: the listing's own question asks for it.
    await chat.send("na bo giam gia", /Giá bán bao nhiêu một kg\?/);
    await chat.send("38k", /làm gì với món này/);

    const [naDai, naBo] = await listingsOf(chat);
    expect(naDai).toMatchObject({ productId: "na-dai", status: "sold_out", stockMilli: 0, priceVnd: 35_000 });
    expect(naBo).toMatchObject({ productId: "na-bo", status: "active", stockMilli: 30_000, priceVnd: 38_000 });
  });
});

describe("requests in the middle of a step", () => {
  it("registration: questions are answered and the step asked again; a name stays a name; what was entered is kept", async () => {
    await start();
    const chat = newChat("Nông Thị Hoa");
    await chat.send("/start", /đồng ý chứ/);
    await chat.tap("✅ Đồng ý", /Tên chủ hộ/);
    await chat.send("gia na hom nay bao nhieu", /Tên chủ hộ là gì\?/);
    expect(chat.paragraphs[0]).toMatch(NO_NA);
    await chat.send("xem don hang", /Tên chủ hộ là gì\?/);
    expect(chat.paragraphs[0]).toBe("Bạn cần mở cửa hàng trước đã.");
    await chat.send("Huy", /Bạn muốn huỷ, hay tên là "Huy"\?/); // as before: a bare "huy" may be a name
    await chat.tap("Tên là Huy", /Bấm nút bên dưới để gửi số/);
    await chat.send("cam on", /Bấm nút bên dưới để gửi số/);
    expect(chat.paragraphs[0]).toBe(GREETING);
    await chat.contact("84912000222", /xã hoặc phường nào/);
    await chat.send("het hang roi", /xã hoặc phường nào/);
    expect(chat.paragraphs[0]).toBe("Bạn cần mở cửa hàng trước đã.");
    await chat.send("chi lang", /chọn xã/);
    await chat.tap("Xã Chi Lăng", /Đặt tên cho cửa hàng/);
    await chat.tap("Cửa hàng Huy", /thanh toán điện tử/);
    await chat.tap("MoMo", MENU);
    expect(chat.messages.map((m) => m.text).join("\n")).toContain("👤 Huy\n📞 0912 000 222\n📍 Xã Chi Lăng, Lạng Sơn");
  });

  it("listing: an answer that fits stays the answer; a request is asked about once, carrying on keeps the draft, switching puts it aside", async () => {
    await start();
    const chat = await household();
    await chat.tap("🌾 Đăng bán", /Bạn muốn bán gì/);
    await chat.send("hồi khô", /Bạn có bao nhiêu Hoa hồi khô\?/);
    await chat.send("xem don", LEAVE);
    expect(chat.buttons).toEqual(["📬 Xem đơn hàng", CARRY_ON]);
    await chat.tap(CARRY_ON, /Bạn có bao nhiêu Hoa hồi khô\?/);
    expect(chat.paragraphs).toEqual(["Mình làm tiếp nhé.", "Bạn có bao nhiêu Hoa hồi khô? Ví dụ: 2 tạ, 50 kg"]);
    await chat.send("con 2 ta", /Giá bán bao nhiêu một kg/); // reads as a new quantity, but answers the question
    await chat.send("gia hoi bao nhieu", /Giá bán bao nhiêu một kg/);
    expect(chat.paragraphs[0]).toMatch(
      priceAnswer("hoi-kho", "💰 Giá Hoa hồi khô trên Chợ Số:", "• Chưa ai đang bán Hoa hồi khô.", "• Giá thường gặp: 50.000 đ đến 160.000 đ/kg"),
    );
    await chat.send("80k", /Gửi một ảnh/);
    await chat.send("het hang roi", LEAVE);
    expect(chat.buttons).toEqual(["⛔ Báo hết hàng", CARRY_ON]);
    await chat.tap(CARRY_ON, /Gửi một ảnh/);
    await chat.tap("Bỏ qua", /Khi nào có hàng/);
    await chat.tap("Có ngay", /🌿/);
    expect(chat.last.text).toMatch(/🌿 Hoa hồi khô\n⚖️ Còn: 2 tạ \(200 kg\)\n💰 Giá: 80\.000 đ\/kg/);

    // Switching leaves the draft unpublished, kept: back at the menu it is offered, and carries on at its card.
    await chat.send("xem hang cua toi", LEAVE);
    await chat.tap("📦 Xem hàng của tôi", /Bạn chưa đăng hàng nào/);
    expect(await listingsOf(chat)).toHaveLength(0);
    await chat.send("/menu", /Bạn còn tin đăng Hoa hồi khô dở, tiếp tục không\?/);
    expect(chat.buttons).toEqual(["▶️ Đăng tiếp", "🗑 Bỏ tin này"]);
    await chat.tap("▶️ Đăng tiếp", /🌿/);
    expect(chat.paragraphs[0]).toBe("Mình làm tiếp nhé.");
    await chat.tap("✅ Đăng bán", MENU);
    expect(await listingsOf(chat)).toMatchObject([{ productId: "hoi-kho", stockMilli: 200_000, priceVnd: 80_000 }]);
    // Dropped in one tap ("huỷ" too), and not offered again.
    await chat.tap("🌾 Đăng bán", /Bạn muốn bán gì/);
    await chat.send("quyt", /Bạn có bao nhiêu Quýt/);
    await chat.send("xem don", LEAVE);
    await chat.tap("📬 Xem đơn hàng", /Cửa hàng chưa có đơn nào/);
    await chat.send("menu", /Bạn còn tin đăng Quýt vàng dở/);
    await chat.send("huỷ", MENU);
    expect(chat.paragraphs[0]).toBe("Đã bỏ tin đăng dở.");
    await chat.send("/menu", MENU);
    expect(chat.paragraphs).toEqual(["Bạn muốn làm gì?"]);
  });

  it("buying: a quantity stays the quantity; a price question at the summary; orders by switching", async () => {
    await start();
    const seller = await household("Hoàng Văn Sáng");
    await list(seller, "ban 50kg na dai 35k");
    const buyer = await household();
    await buyer.tap("🛒 Mua nông sản", /Bạn muốn mua gì/);
    await buyer.send("na dai", /Có 1 nơi bán/);
    await buyer.tap("Cửa hàng Hoàng Văn Sáng: 35.000 đ/kg · còn 50 kg · Xã Chi Lăng", /Bạn mua bao nhiêu/);
    await buyer.send("mua 5 kg", /Tên người nhận hàng/);
    await buyer.tap("Lành Văn Tuấn", /Số điện thoại người nhận/);
    await buyer.send("0912 555 666", /tỉnh hoặc thành phố/);
    await buyer.send("Hà Nội", /Địa chỉ cụ thể/);
    await buyer.send("Số 5 ngõ 12 Láng Hạ", /Đơn của bạn/); // "ngô 12 lạng, hạ" could be a request: an address here
    await buyer.send("gia na bao nhieu", /Đơn của bạn/);
    expect(buyer.paragraphs[0]).toMatch(priceAnswer("na-dai", "💰 Giá Na dai trên Chợ Số:", "• Đang bán: 35.000 đ/kg (1 tin)"));
    expect(buyer.last.text).toContain("🌿 5 kg Na dai Chi Lăng × 35.000 đ/kg\n💰 Tổng: 175.000 đ");
    expect(buyer.last.text).toContain("Số 5 ngõ 12 Láng Hạ, Hà Nội");
    await buyer.send("don hang cua toi", LEAVE);
    await buyer.tap("📬 Xem đơn hàng", /Cửa hàng chưa có đơn nào/);
    expect(await testDb.db.order.count()).toBe(0);
  });

  it("announcements: the officer's questions are answered where they are asked; a household's sentence turns them off mid-step", async () => {
    await start();
    const { code } = await officers(testDb.db).invite([]);
    const officer = newChat("Cán bộ");
    await officer.send(`/canbo ${code}`, /Chào cán bộ/);
    await officer.send("/thongbao", /Soạn thông báo mới|chưa gửi thông báo/);
    await officer.tap("✍️ Soạn thông báo mới", /gõ nội dung thông báo/);
    // Whatever is written here is the announcement, even one that reads like a question.
    await officer.send("Giá na hôm nay bao nhiêu? Bà con báo xã nhé", /gửi một ảnh kèm theo/);
    await officer.tap("Không kèm ảnh", /Gửi cho ai/);
    await officer.send("gia na bao nhieu", /Gửi cho ai/);
    expect(officer.paragraphs[0]).toMatch(NO_NA);
    await officer.send("cam on", /Gửi cho ai/);
    expect(officer.paragraphs[0]).toBe(GREETING);
    await officer.send("huy thoi", /Đã huỷ thông báo/);

    const chat = await household();
    await chat.tap("🌾 Đăng bán", /Bạn muốn bán gì/);
    await chat.send("thach den", /Bạn có bao nhiêu Thạch đen khô/);
    await chat.send("dung gui thong bao nua nhe", /Bạn có bao nhiêu Thạch đen khô/);
    expect(chat.paragraphs[0]).toBe("Đã tắt thông báo. Bạn vẫn nhận tin về đơn hàng. Gõ BAT để nhận lại.");
    expect(await testDb.db.announcementOptOut.count({ where: { householdId: await householdIdOf(chat) } })).toBe(1);
    await chat.send("3 yến", /Giá bán/); // the draft went on where it was
  });
});

describe("several products in one message", () => {
  it("drafts each, asks what one misses, fixes one by its number and publishes them all", async () => {
    await start();
    const chat = await household();
    await chat.send("ban 2 ta hoi kho 80k, 50kg na dai", /Giá bán bao nhiêu một kg/);
    expect(chat.paragraphs).toEqual([
      "Mình hiểu 2 món:\n1. 🌿 Hoa hồi khô · 2 tạ · 80.000 đ/kg\n2. 🌿 Na dai Chi Lăng · 50 kg · …",
      "Món 2 còn thiếu: giá.",
      "Giá bán bao nhiêu một kg? Ví dụ: 80k",
    ]);
    await chat.send("35k", /Người mua sẽ thấy 2 món/);
    expect(chat.last.text).toBe(
      "Người mua sẽ thấy 2 món:\n\n1. 🌿 Hoa hồi khô · 2 tạ · 80.000 đ/kg\n2. 🌿 Na dai Chi Lăng · 50 kg · 35.000 đ/kg\n\n🏪 Cửa hàng Lành Văn Tuấn · Xã Chi Lăng",
    );
    expect(chat.buttons).toEqual(["✅ Đăng cả 2 món", "✏️ Sửa món 1: Hoa hồi khô", "✏️ Sửa món 2: Na dai Chi Lăng"]);
    expect(await listingsOf(chat)).toHaveLength(0);

    await chat.tap("✏️ Sửa món 1: Hoa hồi khô", /Bạn muốn sửa gì/);
    await chat.tap("Giá", /Giá bán bao nhiêu một kg/);
    await chat.send("85k", /Người mua sẽ thấy 2 món/);
    expect(chat.last.text).toContain("1. 🌿 Hoa hồi khô · 2 tạ · 85.000 đ/kg\n2. 🌿 Na dai Chi Lăng · 50 kg · 35.000 đ/kg");
    await chat.tap("✅ Đăng cả 2 món", MENU);
    expect(chat.paragraphs[0]).toBe("🎉 Đã đăng bán 2 món! Người mua đã thấy hàng của bạn.");
    const listings = await listingsOf(chat);
    expect(listings.map((l) => [l.productId, l.stockMilli, l.displayUnit, l.priceVnd, l.status])).toEqual([
      ["hoi-kho", 200_000, "ta", 85_000, "active"],
      ["na-dai", 50_000, "kg", 35_000, "active"],
    ]);
  });
});
