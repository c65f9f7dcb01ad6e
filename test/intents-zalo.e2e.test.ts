// Requests in the middle of a listing on Zalo (issues 16 and 17), the real app on real HTTP against
// the fake Zalo Bot API, choices answered by number: a price question is answered from the price board
// and the step goes on; help too; the price typed hears where it stands against the province;
// "xem don" switches, the draft is kept through a restart and offered back, and carries on to publish.
import { afterEach, describe, expect, it } from "vitest";
import { createServices } from "../src/core/services.ts";
import type { FakeZalo } from "./fakes/zalo-server.ts";
import { useTestDatabase } from "./support/db.ts";
import { newZaloUser, startFakeZaloBot, startZaloBot, ZaloChat, type ZaloApp } from "./support/zalo.ts";

const testDb = useTestDatabase();
let fake: FakeZalo | undefined;
let bot: ZaloApp | undefined;

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await fake?.close();
  fake = undefined;
});

/** Three other households selling hồi khô at 90.000, 100.000 and 110.000 đ/kg: the median is 100.000. */
async function othersSellAnise() {
  const services = createServices(testDb.db);
  for (const [i, price] of [90_000, 100_000, 110_000].entries()) {
    const phone = `+8491400000${i}`;
    const h = await services.households.register({
      name: `Hộ ${i + 1}`,
      phone,
      provinceCode: "20",
      communeCode: "06463",
      shopName: `Hồi nhà ${i + 1}`,
      payment: "momo",
      identity: { channel: "cli", userKey: phone, chatKey: phone },
      locale: "vi",
    });
    await services.listings.create({ shopId: h.shop!.id, productId: "hoi-kho", title: "Hoa hồi khô", unit: "kg", quantity: 100, displayUnit: "kg", priceVnd: price });
  }
}

const ASK_QUANTITY = /Bạn có bao nhiêu Hoa hồi khô\?/;

describe("a listing interrupted on Zalo", () => {
  it("answers a price question and help at the step, says where the price stands, and resumes a switched-away draft after a restart", async () => {
    fake = await startFakeZaloBot();
    bot = await startZaloBot(fake, testDb.url);
    await bot.engine.catalog.get(); // the product table is seeded on first use
    await othersSellAnise();
    const chat = new ZaloChat(fake, newZaloUser("Lương Văn Bình"));
    // Registered already (registration on Zalo is tested in zalo.e2e.test.ts): straight to the menu.
    await createServices(testDb.db).households.register({
      name: "Lương Văn Bình",
      phone: "+84915777888",
      provinceCode: "20",
      communeCode: "06463",
      shopName: "Hồi nhà Bình",
      payment: "momo",
      identity: { channel: "zalo", userKey: chat.user.id, chatKey: chat.user.id },
      locale: "vi",
    });
    await chat.send("menu", /Bạn muốn làm gì/);
    await chat.pick("🌾 Đăng bán", /Bạn muốn bán gì/);
    await chat.send("hoi kho", ASK_QUANTITY);
    // A price question: answered from the board, the question asked again.
    await chat.send("gia hoi kho bao nhieu", ASK_QUANTITY);
    expect(chat.paragraphs[0]).toMatch(
      /^💰 Giá Hoa hồi khô trên Chợ Số:\n• Đang bán: 90\.000 đ\/kg đến 110\.000 đ\/kg, giá giữa 100\.000 đ\/kg \(3 tin\)\nXem bảng giá: http:\/\/\S+\/gia\/hoi-kho$/,
    );
    await chat.send("huong dan", ASK_QUANTITY);
    expect(chat.paragraphs[0]).toMatch(/^Các lệnh của Chợ Số:/);
    await chat.send("2 ta", /Giá bán bao nhiêu một kg/);
    // The price, then where it stands, then the next question.
    await chat.send("90k", /Gửi một ảnh/);
    expect(chat.paragraphs[0]).toBe("Giá này thấp hơn giá giữa của tỉnh (100.000 đ/kg) khoảng 10%.");

    // "xem don" asks once; switching keeps the draft.
    await chat.send("xem don", /Bạn muốn chuyển sang việc này, hay làm tiếp việc đang dở\?/);
    await chat.pick("📬 Xem đơn hàng", /Cửa hàng chưa có đơn nào/);

    // A restart: the draft is in the database, not in memory.
    await bot.stop();
    bot = await startZaloBot(fake, testDb.url);
    await chat.send("menu", /Bạn còn tin đăng Hoa hồi khô dở, tiếp tục không\?/);
    expect(chat.last).toBe("Bạn còn tin đăng Hoa hồi khô dở, tiếp tục không?\n1. ▶️ Đăng tiếp\n2. 🗑 Bỏ tin này\nTrả lời 1 hoặc 2");
    await chat.send("1", /Gửi một ảnh/);
    expect(chat.paragraphs[0]).toBe("Mình làm tiếp nhé.");
    await chat.pick("Bỏ qua", /Khi nào có hàng/);
    await chat.pick("Có ngay", /Người mua sẽ thấy/);
    expect(chat.last).toMatch(/🌿 Hoa hồi khô\n⚖️ Còn: 2 tạ \(200 kg\)\n💰 Giá: 90\.000 đ\/kg/);
    await chat.pick("✅ Đăng bán", /Bạn muốn làm gì/);

    const mine = await testDb.db.listing.findMany({ where: { shop: { household: { phone: "+84915777888" } } } });
    expect(mine.map((l) => [l.productId, l.stockMilli, l.priceVnd, l.status])).toEqual([["hoi-kho", 200_000, 90_000, "active"]]);
    // Offered once it is done: the menu is the menu again.
    await chat.send("menu", /Bạn muốn làm gì/);
    expect(chat.messages.join("\n")).not.toContain("dở");
  });
});
