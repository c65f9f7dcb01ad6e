// Requests understood at any step on the terminal simulator (`npm run chat -- --json`, a real
// process), where choices are numbered and answered by typing, as on Zalo.
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "./support/db.ts";
import { registerMai, runCli } from "./support/cli.ts";

const db = useTestDatabase({ perTest: true });

const listings = () => db.db.listing.findMany({ orderBy: { createdAt: "asc" } });

describe("requests on the terminal, answered by number", () => {
  it("lists three products from three lines, drops one by its number, publishes two; then marks one sold out", async () => {
    await registerMai(db.db);
    const replies = await runCli(db.url, [
      { user: "u1" },
      { text: "ban 2 ta hoi kho 80k\n50kg na dai 35k\n3 yen thach den 25k" },
      { text: "4" }, // ✏️ Sửa món 3: Thạch đen khô
      { text: "6" }, // 🗑 Bỏ món này
      { text: "1" }, // ✅ Đăng cả 2 món
      { text: "het na roi" },
      { text: "1" }, // ⛔ Đúng, hết rồi
    ]);
    const texts = replies.map((r) => r.text);
    expect(texts[0]).toBe(
      "Người mua sẽ thấy 3 món:\n\n1. 🌿 Hoa hồi khô · 2 tạ · 80.000 đ/kg\n2. 🌿 Na dai · 50 kg · 35.000 đ/kg\n3. 🌿 Thạch đen khô · 3 yến · 25.000 đ/kg\n\n🏪 Na Hữu Lũng nhà Mai · Xã Hữu Lũng",
    );
    expect(replies[0].buttons).toEqual(["✅ Đăng cả 3 món", "✏️ Sửa món 1: Hoa hồi khô", "✏️ Sửa món 2: Na dai", "✏️ Sửa món 3: Thạch đen khô"]);
    expect(replies[1].buttons.at(-1)).toBe("🗑 Bỏ món này");
    expect(texts[2]).toMatch(/^Người mua sẽ thấy 2 món:/);
    expect(texts[2]).not.toContain("Thạch đen");
    expect(texts[3]).toBe("🎉 Đã đăng bán 2 món! Người mua đã thấy hàng của bạn.\n\nBạn muốn làm gì?");
    expect(texts[4]).toBe("Báo hết hàng: Na dai (đang còn 50 kg)?");
    expect(texts[5]).toBe("⛔ Đã đánh dấu hết hàng.\n\nBạn muốn làm gì?");
    expect((await listings()).map((l) => [l.productId, l.stockMilli, l.priceVnd, l.status])).toEqual([
      ["hoi-kho", 200_000, 80_000, "active"],
      ["na-dai", 0, 35_000, "sold_out"],
    ]);
  });

  it("asks once before leaving a step: '2' carries on with what was entered, '1' switches", async () => {
    await registerMai(db.db);
    const replies = await runCli(db.url, [
      { user: "u1" },
      { text: "1" }, // 🌾 Đăng bán
      { text: "quyt" },
      { text: "don hang cua toi" },
      { text: "2" }, // ↩️ Làm tiếp việc đang dở
      { text: "gia quyt bao nhieu" },
      { text: "2 ta" },
      { text: "xem hang cua toi" },
      { text: "1" }, // 📦 Xem hàng của tôi
    ]);
    const texts = replies.map((r) => r.text);
    expect(texts[1]).toBe("Bạn có bao nhiêu Quýt vàng? Ví dụ: 2 tạ, 50 kg");
    expect(texts[2]).toBe("Bạn muốn chuyển sang việc này, hay làm tiếp việc đang dở?");
    expect(replies[2].buttons).toEqual(["📬 Xem đơn hàng", "↩️ Làm tiếp việc đang dở"]);
    expect(texts[3]).toBe("Mình làm tiếp nhé.\n\nBạn có bao nhiêu Quýt vàng? Ví dụ: 2 tạ, 50 kg");
    // Nobody sells Quýt vàng: the catalog's usual range, and the board's page.
    expect(texts[4]).toMatch(
      /^💰 Giá Quýt vàng trên Chợ Số:\n• Chưa ai đang bán Quýt vàng\.\n• Giá thường gặp: 25\.000 đ đến 90\.000 đ\/kg\nXem bảng giá: http:\/\/\S+\/gia\/[a-z-]+$/,
    );
    expect(texts[5]).toBe("Bạn có bao nhiêu Quýt vàng? Ví dụ: 2 tạ, 50 kg");
    expect(texts[6]).toBe("Giá bán bao nhiêu một kg? Ví dụ: 80k");
    expect(texts[7]).toBe("Bạn muốn chuyển sang việc này, hay làm tiếp việc đang dở?");
    expect(texts[8]).toBe("Bạn chưa đăng hàng nào.");
    expect(await listings()).toHaveLength(0);
  });

  it("understands the leave question in words: 'lam tiep', 'ko' carry on, 'co' switches", async () => {
    await registerMai(db.db);
    const replies = await runCli(db.url, [
      { user: "u1" },
      { text: "1" }, // 🌾 Đăng bán
      { text: "quyt" },
      { text: "don hang cua toi" },
      { text: "lam tiep" },
      { text: "xem don hang" },
      { text: "ko" },
      { text: "xem hang cua toi" },
      { text: "co" },
    ]);
    const texts = replies.map((r) => r.text);
    const ask = "Bạn có bao nhiêu Quýt vàng? Ví dụ: 2 tạ, 50 kg";
    expect(texts[2]).toBe("Bạn muốn chuyển sang việc này, hay làm tiếp việc đang dở?");
    expect(texts[3]).toBe(`Mình làm tiếp nhé.\n\n${ask}`);
    expect(texts[5]).toBe(`Mình làm tiếp nhé.\n\n${ask}`);
    expect(texts[6]).toBe("Bạn muốn chuyển sang việc này, hay làm tiếp việc đang dở?");
    expect(texts[7]).toBe("Bạn chưa đăng hàng nào.");
  });
});
