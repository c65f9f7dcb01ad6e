// Produce listings over Telegram, end to end: by steps (with a photo), by one sentence, editing and
// deleting in "Hàng của tôi", and bad input at every step. Real app, fake Bot API on loopback.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { Chat, register, startBot, startFakeBotApi } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();

let fake: FakeTelegram;
let bot: Awaited<ReturnType<typeof startBot>>;
let nextUser = 8000;
let nextPhone = 100;

const MENU = /Bạn muốn làm gì/;

afterEach(async () => {
  await bot?.stop();
  await fake?.close();
});

/** A registered household at the main menu. */
async function household(): Promise<Chat> {
  if (!fake) throw new Error("start the bot first");
  const id = ++nextUser;
  const chat = new Chat(fake, { id, first_name: "Lành Văn Tuấn", language_code: "vi" });
  await register(chat, { phone: `0918 ${String(++nextPhone).padStart(3, "0")} ${String(id % 1000).padStart(3, "0")}`, name: "Lành Văn Tuấn" });
  return chat;
}

async function start() {
  fake = await startFakeBotApi();
  bot = await startBot(fake, testDb.url);
}

async function listingsOf(chat: Chat) {
  const account = await testDb.db.channelAccount.findFirst({
    where: { userKey: String(chat.user.id) },
    include: { household: { include: { shop: { include: { listings: { orderBy: { createdAt: "asc" } } } } } } },
  });
  return account?.household?.shop?.listings ?? [];
}

describe("Đăng bán by steps", () => {
  it("lists produce with quantity, price, photo and a harvest date, and shows it as buyers will see it", async () => {
    await start();
    const chat = await household();
    await chat.tap("🌾 Đăng bán", /Bạn muốn bán gì/);
    expect(chat.buttons).toContain("Khác");
    expect(chat.buttons.length).toBeLessThanOrEqual(7);
    await chat.send("hồi khô", /Bạn có bao nhiêu Hoa hồi khô\? Ví dụ: 2 tạ, 50 kg/);
    await chat.send("2 tạ rưỡi", /Giá bán bao nhiêu một kg/);
    await chat.send("80k", /Gửi một ảnh hàng/);
    await chat.photo(/Khi nào có hàng/);
    expect(chat.messages).toHaveLength(1); // the receipt and the next question together
    expect(chat.paragraphs).toEqual(["Đã nhận ảnh.", "Khi nào có hàng? Chọn bên dưới, hoặc gõ ngày, ví dụ: 15/8"]);
    await chat.send("15/8", /🌿/);
    const card = chat.last.text!;
    expect(card).toContain("🌿 Hoa hồi khô");
    expect(card).toContain("⚖️ Còn: 2,5 tạ (250 kg)");
    expect(card).toContain("💰 Giá: 80.000 đ/kg");
    expect(card).toMatch(/📅 Có hàng từ 15\/8\/20\d\d/);
    expect(card).toContain("📷 Có ảnh");
    expect(card).toContain("🏪 Cửa hàng Lành Văn Tuấn · Xã Chi Lăng");
    expect(card).not.toContain("⚠️");
    expect(chat.buttons).toEqual(["✅ Đăng bán", "✏️ Sửa"]);
    expect(await listingsOf(chat)).toHaveLength(0); // nothing saved before "Đăng bán"

    await chat.tap("✅ Đăng bán", MENU);
    expect(chat.messages).toHaveLength(1);
    expect(chat.paragraphs).toEqual(["🎉 Đã đăng bán! Người mua đã thấy hàng của bạn.", "Bạn muốn làm gì?"]);
    const [listing] = await listingsOf(chat);
    expect(listing).toMatchObject({ productId: "hoi-kho", title: "Hoa hồi khô", unit: "kg", stockMilli: 250_000, displayUnit: "ta", priceVnd: 80_000, status: "active", photoChannel: "telegram" });
    expect(listing.availableFrom?.getDate()).toBe(15);

    // The photo is copied into the media folder after the turn.
    await expect.poll(async () => (await testDb.db.listing.findUnique({ where: { id: listing.id } }))?.photoFile).toBe(`${listing.id}.jpg`);
    const saved = readFileSync(join(bot.media.dir, `${listing.id}.jpg`));
    expect(saved.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(fake.fileDownloads).toHaveLength(1);

    await chat.tap("🏪 Cửa hàng của tôi", MENU);
    expect(chat.messages.map((m) => m.text).join("\n")).toContain("📦 1 món đang bán");
  });

  it("lists something that is not in the catalog as typed, and warns about an unusual price", async () => {
    await start();
    const chat = await household();
    await chat.tap("🌾 Đăng bán", /Bạn muốn bán gì/);
    await chat.tap("Khác", /gõ tên hàng/);
    await chat.send("Măng khô Bình Gia", /Bạn có bao nhiêu Măng khô Bình Gia/);
    await chat.send("30 kg", /Giá bán/);
    await chat.send("250 nghìn", /ảnh/);
    await chat.tap("Bỏ qua", /Khi nào có hàng/);
    await chat.tap("Có ngay", /🌿/);
    expect(chat.last.text).toContain("📅 Có hàng ngay");
    expect(chat.buttons).toEqual(["✅ Đăng bán", "📷 Thêm ảnh", "✏️ Sửa"]);
    await chat.tap("✏️ Sửa", /Bạn muốn sửa gì/);
    await chat.tap("Giá", /Giá bán/);
    await chat.send("200k", /🌿/);
    expect(chat.last.text).toContain("💰 Giá: 200.000 đ/kg");
    await chat.tap("✅ Đăng bán", MENU);
    expect((await listingsOf(chat))[0]).toMatchObject({ productId: null, title: "Măng khô Bình Gia", priceVnd: 200_000 });

    await chat.tap("🌾 Đăng bán", /Bạn muốn bán gì/);
    await chat.send("hoi kho", /Bạn có bao nhiêu/);
    await chat.send("1 tạ", /Giá/);
    await chat.send("800k", /ảnh/);
    await chat.tap("Bỏ qua", /Khi nào/);
    await chat.tap("Có ngay", /🌿/);
    expect(chat.last.text).toMatch(/⚠️ Giá này khác xa giá thường \(50\.000 đ – 160\.000 đ\/kg\)/);
  });
});

describe("Đăng bán by one sentence", () => {
  it("turns a complete sentence into a card to confirm", async () => {
    await start();
    const chat = await household();
    await chat.send("ban 2 ta hoi kho 80k", /🌿/);
    expect(chat.last.text).toContain("⚖️ Còn: 2 tạ (200 kg)");
    expect(chat.last.text).toContain("💰 Giá: 80.000 đ/kg");
    await chat.tap("✅ Đăng bán", MENU);
    await chat.send("co 50 kg na dai 35 nghin", /🌿/);
    expect(chat.last.text).toMatch(/🌿 Na dai[\s\S]*⚖️ Còn: 50 kg[\s\S]*💰 Giá: 35\.000 đ\/kg/);
    await chat.tap("✅ Đăng bán", MENU);
    const listings = await listingsOf(chat);
    expect(listings.map((l) => [l.productId, l.stockMilli, l.priceVnd])).toEqual([
      ["hoi-kho", 200_000, 80_000],
      ["na-dai", 50_000, 35_000],
    ]);
  });

  it("asks only for what is missing or unclear", async () => {
    await start();
    const chat = await household();
    await chat.send("bán 3 tạ quýt", /Giá bán bao nhiêu một kg/);
    expect(chat.messages).toHaveLength(1);
    expect(chat.paragraphs).toEqual(["Mình hiểu thế này: Quýt vàng · 300 kg", "Còn thiếu: giá.", "Giá bán bao nhiêu một kg? Ví dụ: 80k"]);
    await chat.send("1.5tr", /Ý bạn là giá nào/);
    expect(chat.buttons.length).toBe(2);
    await chat.send("quay lại", /Giá bán bao nhiêu/);
    await chat.send("40k", /🌿/);
    await chat.tap("✅ Đăng bán", MENU);
    expect((await listingsOf(chat))[0]).toMatchObject({ stockMilli: 300_000, priceVnd: 40_000 });
  });

  it("does not mistake ordinary chat for an offer", async () => {
    await start();
    const chat = await household();
    await chat.send("hôm nay trời đẹp quá", MENU);
    expect(chat.paragraphs[0]).toBe("Mình chưa hiểu ý bạn. Bạn chọn một việc bên dưới nhé.");
    await chat.send("xin chào", MENU); // a greeting gets a greeting
    expect(chat.paragraphs).toEqual(["Dạ, Chợ Số luôn sẵn lòng giúp bạn! 😊", "Bạn muốn làm gì?"]);
    expect(await listingsOf(chat)).toHaveLength(0);
  });
});

describe("Hàng của tôi", () => {
  it("changes quantity and price, pauses, marks sold out and deletes (kept in the database)", async () => {
    await start();
    const chat = await household();
    await chat.send("bán 2 tạ hồi khô giá 80k", /🌿/);
    await chat.tap("✅ Đăng bán", MENU);

    await chat.tap("📦 Hàng của tôi", /Chọn một món để sửa/);
    expect(chat.last.text).toBe("Hàng của bạn (1 món đang bán). Chọn một món để sửa:");
    expect(chat.buttons).toEqual(["🟢 Hoa hồi khô · 2 tạ · 80.000 đ/kg", "➕ Đăng bán thêm"]);
    await chat.tap("🟢 Hoa hồi khô · 2 tạ · 80.000 đ/kg", /làm gì với món này/);
    await chat.tap("Sửa số lượng", /Bạn có bao nhiêu/);
    await chat.send("150 kg", /làm gì với món này/);
    expect(chat.messages[0].text).toBe("✅ Đã cập nhật."); // on its own: the card follows
    await chat.tap("Sửa giá", /Giá bán/);
    await chat.send("85 nghìn một cân", /làm gì với món này/);
    await chat.tap("⏸ Tạm dừng bán", /Chọn một món/);
    expect(chat.buttons[0]).toBe("⏸ Hoa hồi khô · 150 kg · 85.000 đ/kg");
    expect(chat.last.text).toContain("(0 món đang bán)");
    await chat.tap("⏸ Hoa hồi khô · 150 kg · 85.000 đ/kg", /làm gì với món này/);
    await chat.tap("▶️ Mở bán lại", /Chọn một món/);
    await chat.tap("🟢 Hoa hồi khô · 150 kg · 85.000 đ/kg", /làm gì với món này/);
    await chat.tap("⛔ Đã hết hàng", /Chọn một món/);
    expect(chat.buttons[0]).toBe("⛔ Hoa hồi khô · 0 kg · 85.000 đ/kg");
    await chat.tap("⛔ Hoa hồi khô · 0 kg · 85.000 đ/kg", /làm gì với món này/);
    await chat.tap("🗑 Xoá", /Xoá món này/);
    await chat.tap("🗑 Xoá", /Bạn chưa đăng hàng nào/);
    const [kept] = await listingsOf(chat);
    expect(kept).toMatchObject({ status: "deleted", priceVnd: 85_000 });
  });
});

describe("bad input while selling", () => {
  it("answers each one with a hint and the same question", async () => {
    await start();
    const chat = await household();
    await chat.tap("🌾 Đăng bán", /Bạn muốn bán gì/);
    await chat.sticker(/Bạn muốn bán gì/);
    await chat.send("😀😀", /Bạn muốn bán gì/);
    expect(chat.paragraphs[0]).toBe("Tên hàng cần có chữ cái. Ví dụ: Măng khô");
    await chat.send("thach den", /Bạn có bao nhiêu Thạch đen khô/);

    const quantity = /Bạn có bao nhiêu Thạch đen khô/;
    await chat.send("nhiều lắm", quantity);
    expect(chat.paragraphs[0]).toMatch(/Mình chưa hiểu số lượng/);
    await chat.send("50", quantity);
    expect(chat.paragraphs[0]).toBe("50 gì ạ? Bạn gõ kèm đơn vị, ví dụ: 50 kg");
    await chat.send("0 kg", quantity);
    expect(chat.paragraphs[0]).toBe("Số lượng cần lớn hơn 0.");
    await chat.send("99999 tấn", quantity);
    expect(chat.paragraphs[0]).toBe("Số lượng lớn quá. Bạn kiểm tra lại nhé.");
    await chat.photo(quantity);
    await chat.send("1.5 tạ", /Ý bạn là bao nhiêu/);
    expect(chat.buttons).toEqual(["1,5 tạ", "15 tạ"]);
    await chat.tap("1,5 tạ", /Giá bán bao nhiêu một kg/);

    const price = /Giá bán bao nhiêu một kg/;
    await chat.send("rẻ thôi", price);
    expect(chat.paragraphs[0]).toMatch(/Mình chưa hiểu giá/);
    await chat.send("50k một quả", price);
    expect(chat.paragraphs[0]).toBe("Bạn bán theo kg, cho mình giá một kg nhé.");
    await chat.send("'); DROP TABLE Listing; --", price);
    await chat.send("60k", /Gửi một ảnh/);

    await chat.send("không có ảnh đâu", /Gửi một ảnh/);
    expect(chat.paragraphs[0]).toBe("Ở bước này bạn gửi ảnh giúp mình nhé.");
    await chat.tap("Bỏ qua", /Khi nào có hàng/);
    await chat.send("32/13", /Khi nào có hàng/);
    expect(chat.paragraphs[0]).toBe("Mình chưa hiểu ngày. Ví dụ: 15/8 hoặc tháng 8");
    await chat.send("tháng 8", /🌿/);
    await chat.send("để xem đã", /chưa rõ bạn chọn ý nào/);
    expect(chat.messages.map((m) => m.text)).toEqual(["Mình chưa rõ bạn chọn ý nào. Bạn chọn lại giúp mình nhé:"]);
    expect(chat.buttons).toEqual(["✅ Đăng bán", "📷 Thêm ảnh", "✏️ Sửa"]);
    await chat.send("huỷ", /Đã huỷ, chưa đăng gì/);
    expect(await listingsOf(chat)).toHaveLength(0);
  });
});

describe("the product question", () => {
  it("asks for the product's name when only a quantity or price is typed, and keeps them", async () => {
    await start();
    const chat = await household();
    await chat.tap("🌾 Đăng bán", /Bạn muốn bán gì/);
    await chat.send("2 tạ", /Bạn muốn bán gì/);
    expect(chat.paragraphs[0]).toBe("Bạn gõ tên hàng trước nhé, ví dụ: hồi khô");
    await chat.send("quýt bắc sơn", /Giá bán bao nhiêu một kg/); // the 2 tạ was kept
    await chat.send("25k", /Gửi một ảnh/);
    await chat.tap("Bỏ qua", /Khi nào có hàng/);
    await chat.tap("Có ngay", /🌿/);
    expect(chat.last.text).toMatch(/🌿 Quýt vàng\n[\s\S]*2 tạ \(200 kg\)/);
  });
});
