// Price alerts asked for on the web by phone (issue 16): the form on /gia/<product>/bao in headless
// Chromium, and over fetch for what a browser would not send. A phone that already belongs to a chat
// (a household registered on Telegram with it) gets its alert on that chat through the ordinary alert
// path; an unknown phone waits, and its alert starts once someone registers with that phone. The
// answer never shows the number in full; bad phones, a missing consent tick, a missing or wrong form
// token (another browser's too) and a post from another site are refused and store nothing; posts are
// rate-limited. The form's cookie is HttpOnly, SameSite=Strict, and Secure when the site is on https.
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createApp, type App } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { createServices } from "../src/core/services.ts";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { Chat, register, startBot, startFakeBotApi } from "./support/bot.ts";
import { seedHouseholds } from "./support/broadcast.ts";
import { launchBrowser, noteIfSkipped, skipBrowserTests, type Browser } from "./support/browser.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase({ perTest: true });
const CHI_LANG = "06463";
let fake: FakeTelegram | undefined;
let app: (App & { url: string }) | undefined;
let browser: Browser | undefined;

noteIfSkipped("web price alert tests");

afterEach(async () => {
  await browser?.close();
  await app?.stop();
  await fake?.close();
  browser = undefined;
  app = undefined;
  fake = undefined;
});

/** Another household's live listing, written the way the app writes one. */
async function listing(productId: string, priceVnd: number, commune: string) {
  const [id] = await seedHouseholds(testDb.db, [{ commune }]);
  const shop = await testDb.db.shop.findFirstOrThrow({ where: { householdId: id } });
  return createServices(testDb.db).listings.create({ shopId: shop.id, productId, title: productId, unit: "kg", quantity: 50, displayUnit: "kg", priceVnd });
}

const alertTexts = (chat: Chat) => chat.all.map((m) => m.text ?? "").filter((t) => t.startsWith("🔔 Có "));

describe.skipIf(skipBrowserTests)("price alerts by phone, in Chromium", () => {
  it("a known phone gets its alert on its chat; an unknown one once it registers", async () => {
    fake = await startFakeBotApi();
    app = await startBot(fake, testDb.url);
    await app.alerts.run(); // the first pass sets the cursor
    const lan = new Chat(fake, { id: 9911, first_name: "Lan", language_code: "vi" });
    await register(lan, { phone: "84912345678", name: "Nông Thị Lan" });

    browser = await launchBrowser();
    const page = await browser.newPage();
    await page.goto(`${app.url}/gia/na-chi-lang`);
    await Promise.all([page.waitForURL(/\/gia\/na-chi-lang\/bao$/), page.getByText("🔔 Báo tôi khi có Na mới đăng bán").click()]);
    expect(await page.locator("h1").textContent()).toBe("Báo giá Na");

    // No consent tick: the form comes back with the question marked and the values kept.
    await page.locator('[name="commune"]').selectOption({ label: "Xã Chi Lăng" });
    await page.locator('[name="maxPrice"]').fill("40k");
    await page.locator('[name="phone"]').fill("0912 345 678");
    await Promise.all([page.waitForLoadState(), page.locator('button[type="submit"]').click()]);
    expect(await page.locator(".err").allTextContents()).toEqual(["Bạn đánh dấu ô đồng ý để nhận tin nhé."]);
    expect(await page.locator('[name="maxPrice"]').inputValue()).toBe("40k");
    expect(await testDb.db.phoneAlert.count()).toBe(0);

    await page.locator('[name="consent"]').check();
    await Promise.all([page.waitForLoadState(), page.locator('button[type="submit"]').click()]);
    const answer = (await page.locator("main").textContent()) ?? "";
    expect(answer).toContain("Đã ghi: báo cho số 0912 *** 678 khi có Na dưới 40.000 đ/kg ở Xã Chi Lăng được đăng bán.");
    expect(answer).toContain("chia sẻ số điện thoại này");
    expect(answer.replace(/\s/g, "")).not.toContain("0912345678");

    // The matcher's pass moves it onto Lan's Telegram chat; a matching listing reaches her there.
    await app.alerts.run();
    expect(await testDb.db.phoneAlert.count()).toBe(0);
    expect(await testDb.db.priceAlert.findMany({ select: { channel: true, chatKey: true, productId: true, communeCode: true, maxPriceVnd: true } })).toEqual([
      { channel: "telegram", chatKey: "9911", productId: "na-chi-lang", communeCode: CHI_LANG, maxPriceVnd: 40_000 },
    ]);
    await listing("na-chi-lang", 45_000, CHI_LANG); // over her ceiling
    await listing("na-chi-lang", 35_000, CHI_LANG);
    await app.alerts.run();
    await fake.waitFor(() => alertTexts(lan).length === 1);
    expect(alertTexts(lan)[0]).toMatch(/^🔔 Có Na mới đăng bán: 35\.000 đ\/kg, Xã Chi Lăng\.\n.*\nThôi nhận tin này: http:\/\/127\.0\.0\.1:\d+\/baogia\/huy\/[\w-]{24}$/s);

    // A phone nobody uses yet: kept, nothing sent, until Minh registers with it.
    await page.goto(`${app.url}/gia/hoi-kho/bao`);
    await page.locator('[name="phone"]').fill("0987654321");
    await page.locator('[name="consent"]').check();
    await Promise.all([page.waitForLoadState(), page.locator('button[type="submit"]').click()]);
    expect(await page.locator("main").textContent()).toContain("báo cho số 0987 *** 321 khi có Hoa hồi khô trong tỉnh");
    await app.alerts.run();
    expect(await testDb.db.phoneAlert.findMany({ select: { phone: true, productId: true } })).toEqual([{ phone: "+84987654321", productId: "hoi-kho" }]);
    const minh = new Chat(fake, { id: 9912, first_name: "Minh", language_code: "vi" });
    await register(minh, { phone: "84987654321", name: "Hoàng Văn Minh" });
    await app.alerts.run();
    expect(await testDb.db.phoneAlert.count()).toBe(0);
    await listing("hoi-kho", 85_000, CHI_LANG);
    await app.alerts.run();
    await fake.waitFor(() => alertTexts(minh).length === 1);
    expect(alertTexts(minh)[0]).toMatch(/^🔔 Có Hoa hồi khô mới đăng bán: 85\.000 đ\/kg/);
    expect(alertTexts(lan)).toHaveLength(1);
  });
});

describe("price alerts by phone, refused posts", () => {
  /** The form page's cookie and hidden token, as a browser would keep them. */
  async function formSession(url: string) {
    const res = await fetch(`${url}/gia/na-chi-lang/bao`);
    expect(res.status).toBe(200);
    const setCookie = res.headers.get("set-cookie") ?? "";
    const cookie = setCookie.split(";")[0];
    const token = /name="csrf" value="([\w-]+)"/.exec(await res.text())?.[1] ?? "";
    expect(cookie).toMatch(/^cho_form=[\w-]{32}$/);
    // Another site can neither read it nor have the browser send it; plain http here, so not Secure.
    expect(setCookie.split("; ").slice(1).sort()).toEqual(["HttpOnly", "Max-Age=2592000", "Path=/", "SameSite=Strict"]);
    return { cookie, token };
  }
  const post = (url: string, cookie: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${url}/gia/na-chi-lang/bao`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie, ...headers },
      body: new URLSearchParams(fields).toString(),
      redirect: "manual",
    });

  it("bad phones, no consent, a bad form token or another site's post store nothing; posts are limited", async () => {
    fake = await startFakeBotApi();
    app = await startBot(fake, testDb.url, "polling", { RATE_LIMIT_FACTOR: "2" }) // 20 posts in 10 minutes;
    const { cookie, token } = await formSession(app.url);
    // A token the site issued, but to another browser (the attacker's own visit to the form).
    const theirs = await formSession(app.url);
    expect(theirs.cookie).not.toBe(cookie);
    const good = { csrf: token, phone: "0912 345 678", consent: "1", commune: "", maxPrice: "" };

    const cases: Array<[Record<string, string>, string]> = [
      [{ ...good, phone: "gọi tôi nhé" }, "Chưa đọc được số điện thoại"],
      [{ ...good, phone: "024 3826 4567" }, "Đây không phải số di động"],
      [{ ...good, phone: "+1 415 555 2671" }, "Chỉ nhận số di động Việt Nam"],
      [{ ...good, phone: "" }, "Bạn nhập số điện thoại nhé."],
      [{ ...good, consent: "" }, "Bạn đánh dấu ô đồng ý"],
      [{ ...good, maxPrice: "rẻ thôi" }, "Chưa đọc được giá"],
      [{ ...good, maxPrice: "40k/quả" }, "Bạn nhập giá một kg nhé."],
      [{ ...good, commune: "99999" }, "Bạn chọn xã, phường trong danh sách"],
    ];
    for (const [fields, error] of cases) {
      const res = await post(app.url, cookie, fields);
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect(await res.text()).toContain(error);
    }
    for (const [c, fields, headers] of [
      [cookie, { ...good, csrf: "" }, {}],
      [cookie, { ...good, csrf: "A".repeat(32) }, {}],
      [cookie, { ...good, csrf: theirs.token }, {}],
      [cookie, { phone: good.phone, consent: "1" }, { "x-csrf-token": token }], // the token only counts in the form's field
      ["", good, {}],
      [cookie, good, { origin: "https://evil.example" }],
      [cookie, good, { "sec-fetch-site": "cross-site" }],
    ] as Array<[string, Record<string, string>, Record<string, string>]>) {
      const res = await post(app.url, c, fields, headers);
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("Biểu mẫu đã cũ hoặc không gửi từ trang Chợ Số");
    }
    expect(await testDb.db.phoneAlert.count()).toBe(0);

    // The good post is kept.
    const ok = await post(app.url, cookie, good);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("0912 *** 678");
    expect(await testDb.db.phoneAlert.findMany({ select: { phone: true, productId: true } })).toEqual([{ phone: "+84912345678", productId: "na-chi-lang" }]);
    // Every post from the address counts (8 + 7 refused, 1 kept; form pages are not counted): the 20th is answered, the 21st not.
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(app.url, cookie, good)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  it("the form's cookie goes over https only when the site is reached over https", async () => {
    const https = createApp({
      config: loadConfig({ DATABASE_URL: testDb.url, PORT: "0", LOG_LEVEL: "silent", PUBLIC_URL: "https://cho.example.vn", RATE_LIMIT_FACTOR: "0" }),
      log: pino({ level: "silent" }),
    });
    try {
      await https.http.ready();
      const res = await https.http.inject({ method: "GET", url: "/gia/na-chi-lang/bao" });
      expect(res.statusCode).toBe(200);
      expect(String(res.headers["set-cookie"]).split("; ").slice(1).sort()).toEqual(["HttpOnly", "Max-Age=2592000", "Path=/", "SameSite=Strict", "Secure"]);
    } finally {
      await https.stop();
    }
  });
});
