// The web pages in a real browser (headless Chromium): a household registers and lists on the fake
// Telegram server, a buyer orders from its shop page and follows the order on the status page, the
// household accepts with one tap in Telegram and the buyer's page shows it. Then the web chat
// simulator of a machine without bot tokens, tapped through like a phone.
import { resolve } from "node:path";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp, type App } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { Chat, freePort, register, startBot, startFakeBotApi } from "./support/bot.ts";
import { launchBrowser, noteIfSkipped, skipBrowserTests, type Browser } from "./support/browser.ts";
import { useTestDatabase } from "./support/db.ts";
import { TMP_DIR } from "./support/paths.ts";

const testDb = useTestDatabase();
let browser: Browser;
let fake: FakeTelegram | undefined;
let app: App | undefined;

noteIfSkipped("web-browser tests");

describe.skipIf(skipBrowserTests)("web pages in Chromium", () => {
  beforeEach(async () => {
    browser = await launchBrowser();
  });
  afterEach(async () => {
    // The browser first: its open connections would otherwise hold up the server's close.
    await browser?.close();
    await app?.stop();
    await fake?.close();
    app = undefined;
    fake = undefined;
  });

  it("a buyer orders on the shop page, the household accepts in Telegram, the buyer's page follows", async () => {
    fake = await startFakeBotApi();
    const bot = await startBot(fake, testDb.url);
    app = bot;
    const household = new Chat(fake, { id: 9901, first_name: "Hoàng Văn Lâm", language_code: "vi" });
    await register(household, { phone: "0912 345 678", name: "Hoàng Văn Lâm" });
    await household.send("ban 2 ta hoi kho 80k", /🌿/);
    await household.tap("✅ Đăng bán", /Bạn muốn làm gì/);

    // The household finds its shop link in "Cửa hàng của tôi".
    await household.tap("🏪 Cửa hàng của tôi", /Bạn muốn làm gì/);
    const link = /🔗 Trang cửa hàng để gửi cho khách: (\S+)/.exec(household.messages.map((m) => m.text).join("\n"))?.[1];
    expect(link).toMatch(new RegExp(`^${bot.url}/s/cua-hang-hoang-van-lam$`));

    const page = await browser.newPage();
    const res = await page.goto(link!);
    expect(res?.status()).toBe(200);
    expect(await page.locator("html").getAttribute("lang")).toBe("vi");
    expect(await page.locator("h1").textContent()).toBe("Cửa hàng Hoàng Văn Lâm");
    const card = page.locator("article").first();
    expect(await card.textContent()).toMatch(/Hoa hồi khô.*80\.000 đ\/kg.*Còn 2 tạ \(200 kg\).*Có hàng ngay/);

    await card.locator("summary").click();
    const form = card.locator("form");
    await form.locator('[name="quantity"]').fill("20");
    await form.locator('[name="name"]').fill("Trần Thị Lan");
    await form.locator('[name="phone"]').fill("0987 654 321");
    await form.locator('[name="province"]').selectOption({ label: "Thành phố Hà Nội" });
    await form.locator('[name="district"]').fill("Phường Hoàn Kiếm");
    await form.locator('[name="address"]').fill("12 Hàng Bạc");
    const before = household.all.length;
    await Promise.all([page.waitForURL(/\/don\/[A-Za-z0-9_-]{32}$/), form.locator('button[type="submit"]').click()]);
    let text = (await page.locator("main").textContent()) ?? "";
    expect(text).toMatch(/Đơn DH[0-9A-Z]{6}/);
    expect(text).toContain("20 kg Hoa hồi khô");
    expect(text).toContain("Tổng tiền: 1.600.000 đ");
    expect(text).toContain("Tình trạng: chờ người bán trả lời");
    expect(text).toContain("0987 *** 321");

    // The household hears at once, with the buyer's name and area but not the phone or address yet.
    await fake.waitForMessages(household.user.id, before + 1);
    const notice = household.all.slice(before).find((m) => m.text?.startsWith("🛒 Đơn mới"));
    expect(notice?.text).toMatch(/^🛒 Đơn mới DH[0-9A-Z]{6}: 20 kg Hoa hồi khô, tổng 1\.600\.000 đ/);
    expect(notice?.text).toContain("Trần Thị Lan (Phường Hoàn Kiếm, Thành phố Hà Nội)");
    expect(notice?.text).not.toContain("0987");
    const markup = notice?.reply_markup as { inline_keyboard: Array<Array<{ text: string }>> };
    expect(markup.inline_keyboard.flat().map((b) => b.text)).toEqual(["✅ Nhận đơn", "Từ chối", "📞 Gọi người mua", "🚫 Chặn người mua này"]);

    // One tap accepts (the chat side of this tap is the orders flow, a.acc.<orderId>) ...
    await household.tap("✅ Nhận đơn", /Đã nhận đơn/);
    // ... and the buyer's page says so.
    await page.reload();
    text = (await page.locator("main").textContent()) ?? "";
    expect(text).toContain("Tình trạng: người bán đã nhận đơn");
    expect(await page.locator("ol.steps li.done").count()).toBe(2);
    expect(browser.problems).toEqual([]);
  });

  it("the web chat simulator holds the conversation with real buttons", async () => {
    const port = await freePort();
    app = createApp({
      config: loadConfig({ DATABASE_URL: testDb.url, PORT: String(port), LOG_LEVEL: "silent", MEDIA_DIR: resolve(TMP_DIR, `media-${port}`) }),
      log: pino({ level: process.env.TEST_LOG ?? "silent" }),
    });
    const url = await app.start();
    const page = await browser.newPage();
    await page.goto(`${url}/chat`);
    const bot = (text: RegExp) => page.locator("#log .bot", { hasText: text }).last();

    // A new visitor is greeted as Telegram's Start button would.
    await bot(/đồng ý chứ/).waitFor();
    await bot(/đồng ý chứ/).getByRole("button", { name: "✅ Đồng ý" }).click();
    await bot(/Tên chủ hộ/).waitFor();
    await page.locator("#in").fill("Lò Văn Minh");
    await page.locator("#in").press("Enter");
    await bot(/Số điện thoại di động của bạn là gì/).waitFor();
    expect(await page.locator("#log .me").allTextContents()).toEqual(["/start", "✅ Đồng ý", "Lò Văn Minh"]);

    // The conversation survives a reload (same session from localStorage).
    await page.reload();
    await bot(/Số điện thoại di động của bạn là gì/).waitFor();
    await page.locator("#in").fill("0915 222 333");
    await page.locator("#f button").click();
    await bot(/xã hoặc phường nào/).waitFor();
    expect(browser.problems).toEqual([]);
  });
});
