// What a household grows (issue 16), end to end on the fake Telegram server: said in "Sửa thông tin" →
// "🌱 Hàng nhà trồng" by typing names without diacritics, with "quay lại" and "huỷ" at that step and a
// name the catalog does not know asked again; stored per household. In a season's first month the
// household then gets the harvest reminder for what it grows although it never listed it, once.
import { afterEach, describe, expect, it } from "vitest";
import type { App } from "../src/app.ts";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { Chat, register, startBot, startFakeBotApi } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();
/** 6 December 2026, noon in Vietnam: December starts hồi's winter crop (mật ong's seasons: March, October). */
const DECEMBER = new Date("2026-12-06T05:00:00Z");
let fake: FakeTelegram | undefined;
let app: App | undefined;

afterEach(async () => {
  await app?.stop();
  await fake?.close();
  app = undefined;
  fake = undefined;
});

const crops = async () => (await testDb.db.householdCrop.findMany({ orderBy: { createdAt: "asc" } })).map((c) => c.productId);

describe("crops in the profile", () => {
  it("typed without diacritics, back and cancel at the step, then a harvest reminder for what it grows", async () => {
    fake = await startFakeBotApi();
    app = await startBot(fake, testDb.url);
    const lan = new Chat(fake, { id: 9921, first_name: "Lan", language_code: "vi" });
    await register(lan, { phone: "84912345679", name: "Nông Thị Lan" });

    await lan.tap("✏️ Sửa thông tin", /sửa thông tin nào/);
    expect(lan.buttons).toContain("🌱 Hàng nhà trồng");
    await lan.tap("🌱 Hàng nhà trồng", /Nhà bạn trồng, nuôi những gì\?/);
    expect(lan.last.text).toContain("Chưa ghi món nào.");
    // A name the catalog does not have: said, and asked again; nothing stored.
    await lan.send("hoi kho, mat ong va sau rieng", /Nhà bạn trồng, nuôi những gì/);
    expect(lan.all.map((m) => m.text).join("\n")).toContain('Mình chưa nhận ra "sau rieng".');
    expect(await crops()).toEqual([]);
    // "quay lại": back to the choice of field; "huỷ" at the step: nothing stored.
    await lan.send("quay lại", /sửa thông tin nào/);
    await lan.tap("🌱 Hàng nhà trồng", /Nhà bạn trồng, nuôi những gì/);
    await lan.send("huỷ", /Đã huỷ/);
    expect(await crops()).toEqual([]);

    await lan.tap("✏️ Sửa thông tin", /sửa thông tin nào/);
    await lan.tap("🌱 Hàng nhà trồng", /Nhà bạn trồng, nuôi những gì/);
    await lan.send("hoi kho, mat ong", /Đã ghi: nhà bạn trồng, nuôi Hoa hồi khô, Mật ong\./);
    expect(await crops()).toEqual(["hoi-kho", "mat-ong"]);
    // Shown when asked again; "Giữ nguyên" keeps it.
    await lan.tap("✏️ Sửa thông tin", /sửa thông tin nào/);
    await lan.tap("🌱 Hàng nhà trồng", /Đang ghi: Hoa hồi khô, Mật ong\./);
    await lan.tap("✔️ Giữ nguyên", /Vẫn giữ nguyên/);
    expect(await crops()).toEqual(["hoi-kho", "mat-ong"]);

    // December: hồi's season starts. Lan never listed it, but grows it: one reminder, on her chat.
    expect(await app.reminders.run(DECEMBER)).toBe(1);
    expect(await app.reminders.run(DECEMBER)).toBe(0);
    const reminder = await fake.waitFor(() => lan.all.find((m) => m.text?.startsWith("🌱 Sắp vào mùa")));
    expect(reminder.text).toMatch(/^🌱 Sắp vào mùa Hoa hồi khô! Nhà bạn có trồng Hoa hồi khô: đăng bán trên Chợ Số nhé\.\nGiá thường gặp: /);
    expect(lan.all.filter((m) => m.text?.startsWith("🌱 Sắp vào mùa"))).toHaveLength(1);
  });
});
