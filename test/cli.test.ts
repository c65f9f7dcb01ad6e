// The terminal simulator, as a real process: `npm run chat -- --json`.
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "./support/db.ts";
import { registerMai, runCli } from "./support/cli.ts";

const db = useTestDatabase({ perTest: true }); // every conversation starts from nobody registered

describe("npm run chat -- --json", () => {
  it("registers a household with numbered buttons and typed answers, across two runs", async () => {
    const first = await runCli(db.url, [
      { user: "u1" },
      { text: "/start" },
      { button: "1" },
      { text: "Hoàng Thị Mai" },
      { text: "091.234.5678" },
    ]);
    // The greeting and the consent question come as one message, with the choices under it.
    expect(first[0].text).toMatch(/^Chào bạn! Chợ Số .*\n\n.*Bạn đồng ý chứ\?$/);
    expect(first[0].buttons).toEqual(["✅ Đồng ý", "Không đồng ý", "🛒 Tôi chỉ muốn mua hàng"]);
    expect(first.at(-1)!.text).toMatch(/xã hoặc phường nào/);

    // A second process (a restart) continues at the commune question.
    const second = await runCli(db.url, [
      { user: "u1" },
      { text: "huu lung" },
      { button: "Xã Hữu Lũng" },
      { text: "Na Hữu Lũng nhà Mai" },
      { button: "Viettel Money" },
    ]);
    expect(second[0].buttons).toContain("Xã Hữu Lũng");
    const card = second.find((r) => r.text.startsWith("🎉 Cửa hàng của bạn đã mở!\n\n🏪"));
    expect(card?.text).toContain("Na Hữu Lũng nhà Mai");
    expect(card?.text).toContain("0912 345 678");
    expect(card?.text).toContain("Xã Hữu Lũng, Lạng Sơn");
    expect(card?.text).toContain("Viettel Money");
    expect(second.at(-1)!.buttons).toEqual(["🌾 Đăng bán", "📦 Hàng của tôi", "📬 Đơn hàng", "🛒 Mua nông sản", "🏪 Cửa hàng của tôi", "✏️ Sửa thông tin", "❓ Trợ giúp"]);
  });

  it("keeps simulated users apart and refuses a phone that is already registered", async () => {
    await registerMai(db.db);
    const replies = await runCli(db.url, [
      { user: "u2" },
      { text: "xin chào" },
      { button: "Đồng ý" },
      { text: "Lý Văn Sáng" },
      { contact: "+84912345678" },
    ]);
    expect(replies.every((r) => r.user === "u2")).toBe(true);
    expect(replies.at(-1)!.text).toMatch(/^Số 0912 345 678 đã có hộ khác đăng ký\..*\n\nSố điện thoại di động của bạn là gì\?/);
  });

  it("lists produce by one sentence and by steps, then edits and deletes it, with numbered answers", async () => {
    await registerMai(db.db);
    const replies = await runCli(db.url, [
      { user: "u1" },
      { text: "co 50 kg na dai 35 nghin" },
      { text: "1" }, // ✅ Đăng bán
      { text: "/menu" },
      { text: "1" }, // 🌾 Đăng bán
      { text: "quyt bac son" },
      { text: "hai tạ" },
      { text: "25 nghìn một cân" },
      { text: "bo qua" },
      { text: "có ngay" },
      { text: "dang ban" },
      { text: "2" }, // 📦 Hàng của tôi
      { text: "1" }, // the newest listing
      { text: "so 2" }, // Sửa giá
      { text: "30k" },
      { text: "5" }, // 🗑 Xoá (after Sửa số lượng, Sửa giá, Tạm dừng, Hết hàng)
      { text: "2" }, // 🗑 Xoá (confirm)
    ]);
    const texts = replies.map((r) => r.text);
    // a card comes alone (the listing's page) or under its heading ("Người mua sẽ thấy thế này:")
    const cards = texts.flatMap((t) => t.split("\n\n")).filter((part) => part.startsWith("🌿"));
    expect(cards[0]).toContain("⚖️ Còn: 50 kg");
    expect(cards[0]).toContain("💰 Giá: 35.000 đ/kg");
    expect(cards[1]).toMatch(/Quýt vàng[\s\S]*2 tạ \(200 kg\)[\s\S]*25\.000 đ\/kg/);
    expect(texts.filter((t) => t.startsWith("🎉 Đã đăng bán"))).toHaveLength(2);
    expect(texts).toContain("✅ Đã cập nhật.");
    expect(texts.at(-1)).toMatch(/^🗑 Đã xoá\.\n\nHàng của bạn \(1 món đang bán\)/);
    expect(replies.at(-1)!.buttons[0]).toBe("🟢 Na dai · 50 kg · 35.000 đ/kg");
  });
});
