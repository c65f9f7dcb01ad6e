// Reference prices posted by officers (issue 16 part 2), on the terminal simulator (a real process,
// choices typed as numbers as on Zalo): a whole line read and confirmed, the step flow, a correction
// that replaces the shown price while the old one stays, the role checked on the server (a household
// cannot post; an officer revoked before confirming posts nothing), and the shown price with its date
// and source in a household's price answer and on the /gia pages.
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { createServices } from "../src/core/services.ts";
import { formatDate } from "../src/lang/datetime.ts";
import { registerMai, runCli } from "./support/cli.ts";
import { useTestDatabase } from "./support/db.ts";

const db = useTestDatabase({ perTest: true });

async function officerAndHousehold() {
  await db.db.officer.create({ data: { channel: "cli", userKey: "o1", chatKey: "o1", name: "Cán bộ Hà" } });
  await registerMai(db.db);
}

const rows = () => db.db.referencePrice.findMany({ orderBy: { createdAt: "asc" } });
const today = () => formatDate(new Date());

describe("/giathamkhao", () => {
  it("reads a line, confirms, posts; a second post corrects it and keeps the first; a household cannot post and sees the price", async () => {
    await officerAndHousehold();
    const replies = await runCli(db.url, [
      { user: "o1" },
      { text: "/giathamkhao hồi khô 85k chợ Đồng Đăng" },
      { text: "1" }, // ✅ Đăng giá
      { text: "/giathamkhao hoi kho 8 trieu 1 ta, tai cho Dong Dang" },
      { text: "1" },
      { user: "u1" },
      { text: "/giathamkhao hoi kho 20k cho Ky Lua" },
      { text: "giá hồi khô hôm nay bao nhiêu" },
    ]);
    const texts = replies.map((r) => r.text);
    expect(texts[0]).toBe(`📌 Giá tham khảo ngày ${today()}:\nHoa hồi khô: 85.000 đ/kg\nNguồn: chợ Đồng Đăng\nĐăng giá này lên bảng giá?`);
    expect(replies[0].buttons).toEqual(["✅ Đăng giá", "✏️ Sửa giá", "✏️ Sửa nguồn"]);
    expect(texts[1]).toBe("✅ Đã đăng giá tham khảo Hoa hồi khô: 85.000 đ/kg (chợ Đồng Đăng).");
    // "8 triệu 1 tạ" is brought to the catalog's unit, the kg.
    expect(texts[2]).toContain("Hoa hồi khô: 80.000 đ/kg\nNguồn: cho Dong Dang");
    expect(texts[3]).toBe("✅ Đã sửa giá tham khảo Hoa hồi khô: 80.000 đ/kg (cho Dong Dang). Giá cũ vẫn được lưu lại.");
    // The household: no such command for it, and its price answer shows the newest reference price.
    expect(texts[4]).toMatch(/^Mình chưa biết lệnh này/);
    expect(texts[5]).toContain(`• Giá tham khảo ${today()} (cho Dong Dang): 80.000 đ/kg`);
    expect(texts[5]).not.toContain("85.000");

    const [first, second] = await rows();
    expect((await rows()).length).toBe(2);
    expect(first).toMatchObject({ productId: "hoi-kho", priceVnd: 85_000, unit: "kg", source: "chợ Đồng Đăng", replacesId: null });
    expect(second).toMatchObject({ productId: "hoi-kho", priceVnd: 80_000, unit: "kg", source: "cho Dong Dang", replacesId: first.id });
    const officer = await db.db.officer.findFirstOrThrow();
    expect(second.officerId).toBe(officer.id);
    expect((await createServices(db.db).referencePrices.history("hoi-kho")).map((r) => r.priceVnd)).toEqual([80_000, 85_000]);
  });

  it("asks step by step for what the line lacks, refuses a price it cannot use, and lets the price be changed before posting", async () => {
    await officerAndHousehold();
    const replies = await runCli(db.url, [
      { user: "o1" },
      { text: "/giathamkhao" },
      { text: "qua gi day" }, // not a product
      { text: "na" },
      { text: "4k/qua" }, // na is priced by the kg
      { text: "35k" },
      { text: "quay lại" },
      { text: "36k" },
      { text: "chợ Chi Lăng" },
      { text: "2" }, // ✏️ Sửa giá
      { text: "37.000đ/kg" },
      { text: "1" },
    ]);
    const texts = replies.map((r) => r.text);
    expect(texts[0]).toBe("Giá tham khảo của mặt hàng nào? Ví dụ: hồi khô");
    expect(texts[1]).toMatch(/^Mình chưa nhận ra mặt hàng này/);
    expect(texts[2]).toBe("Giá Na bao nhiêu? Ví dụ: 85.000 đ/kg");
    expect(texts[3]).toMatch(/^Giá phải tính theo kg/);
    expect(texts[4]).toBe("Giá này lấy ở đâu? Ví dụ: chợ Đồng Đăng");
    expect(texts[5]).toContain("Giá Na bao nhiêu?");
    expect(texts.at(-2)).toContain("Na: 37.000 đ/kg\nNguồn: chợ Chi Lăng");
    expect(texts.at(-1)).toMatch(/^✅ Đã đăng giá tham khảo Na: 37.000 đ\/kg \(chợ Chi Lăng\)/);
    expect((await rows()).map((r) => [r.productId, r.priceVnd, r.source])).toEqual([["na-chi-lang", 37_000, "chợ Chi Lăng"]]);
  });

  it("posts nothing when the officer lost the role before confirming, and nothing on huỷ", async () => {
    await officerAndHousehold();
    const before = await runCli(db.url, [
      { user: "o1" },
      { text: "/giathamkhao thach den 30k cho Trang Dinh" },
      { text: "huỷ" },
      { text: "/giathamkhao thach den 30k cho Trang Dinh" },
    ]);
    expect(before[0].text).toContain("Thạch đen khô: 30.000 đ/kg");
    expect(before[1].text).toBe("Đã huỷ, chưa đăng giá nào.");
    expect(before[2].text).toContain("Nguồn: cho Trang Dinh");
    await db.db.officer.updateMany({ data: { revokedAt: new Date() } });
    const after = await runCli(db.url, [{ user: "o1" }, { text: "1" }]);
    expect(after[0].text).toMatch(/^Bạn không còn quyền cán bộ nên chưa đăng được giá\./);
    expect(await rows()).toEqual([]);
  });
});

describe("the /gia pages", () => {
  it("show the newest reference price with its source and date, also for a product with nothing on sale", async () => {
    const officer = await db.db.officer.create({ data: { channel: "cli", userKey: "o1", chatKey: "o1" } });
    const refs = createServices(db.db).referencePrices;
    await refs.post({ productId: "thach-den", priceVnd: 28_000, unit: "kg", source: "chợ Thất Khê", officerId: officer.id, at: new Date("2026-12-01T03:00:00Z") });
    await refs.post({ productId: "thach-den", priceVnd: 31_000, unit: "kg", source: "chợ Bình Gia", officerId: officer.id, at: new Date("2026-12-05T03:00:00Z") });
    const app = createApp({
      config: loadConfig({ DATABASE_URL: db.url, PORT: "3997", LOG_LEVEL: "silent", PUBLIC_URL: "https://cho.example.vn", RATE_LIMIT_FACTOR: "0" }),
      log: pino({ level: "silent" }),
    });
    await app.start();
    try {
      const board = await app.http.inject({ method: "GET", url: "/gia" });
      expect(board.statusCode).toBe(200);
      expect(board.body).toContain('<a href="/gia/thach-den">Thạch đen khô</a>');
      expect(board.body).toContain("31.000 đ/kg<br><span class=\"muted\">chợ Bình Gia · 5/12/2026</span>");
      expect(board.body).not.toContain("28.000");
      const one = await app.http.inject({ method: "GET", url: "/gia/thach-den" });
      expect(one.body).toContain("chợ Bình Gia · 5/12/2026");
    } finally {
      await app.stop();
    }
  });
});
