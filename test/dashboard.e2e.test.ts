// The campaign dashboard in headless Chromium, for what needs a browser: logging in by the link's
// button, the page as rendered (table, headline, bars, the SVG chart) with no console error or CSP
// violation, the commune filter form, downloads by clicking the links, and the logout button. The
// access rules and the figures themselves are checked over plain HTTP in test/dashboard-access.test.ts,
// which runs without a browser. Here the browser tests skip (with a note) only outside CI.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { App } from "../src/app.ts";
import { getCommune } from "../src/lang/communes.ts";
import type { FakeTelegram, SimUser } from "./fakes/telegram-server.ts";
import { startBot, startFakeBotApi } from "./support/bot.ts";
import { launchBrowser, noteIfSkipped, skipBrowserTests, type Browser } from "./support/browser.ts";
import { BAC_SON, CHI_LANG, COMMUNES, expected, expectedCells, HUU_LUNG, officerWithLink, pct, writeData, type Made } from "./support/dashboard.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();

let fake: FakeTelegram;
let bot: App & { url: string };
let browser: Browser;
let made: Made;
let nextUser = 640_000;
const user = (first_name: string): SimUser => ({ id: ++nextUser, first_name, language_code: "vi" });

async function tableCells(page: Page, code: string): Promise<Record<string, string>> {
  return page.locator(`#communes tr[data-code="${code}"] td[data-col]`).evaluateAll((tds) =>
    Object.fromEntries(tds.map((td) => [td.getAttribute("data-col"), (td.textContent ?? "").trim()])),
  );
}
const tableCodes = (page: Page) => page.locator("#communes tbody tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-code")));

async function logIn(page: Page, link: string) {
  const res = await page.goto(link);
  expect(res?.status()).toBe(200);
  await Promise.all([page.waitForURL(/\/canbo$/), page.getByRole("button", { name: "Đăng nhập" }).click()]);
}

noteIfSkipped("dashboard browser tests");

describe.skipIf(skipBrowserTests)("campaign dashboard in Chromium", () => {
  beforeAll(async () => {
    fake = await startFakeBotApi();
    bot = await startBot(fake, testDb.url);
    browser = await launchBrowser();
    await bot.engine.catalog.get(); // seeds the products listings point to
    const helper = await testDb.db.officer.create({ data: { channel: "telegram", userKey: "555001", chatKey: "555001", name: "Hoàng Thu Trang" } });
    made = await writeData(testDb.db, helper.id);
  });
  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
    await fake?.close();
  });

  it("a province officer logs in with the button; the page renders the figures cleanly; filter, download and logout work by click", async () => {
    const { link } = await officerWithLink(fake, testDb.db, user("Lâm"), []);
    browser.problems.length = 0;
    const page = await browser.newPage();
    await logIn(page, link);

    // the browser keeps the session cookie as sent: HttpOnly, SameSite, with an expiry
    const cookie = (await browser.context.cookies()).find((c) => c.name === "choso_canbo");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" });
    expect(cookie!.expires).toBeGreaterThan(Date.now() / 1000 + 3600);

    // rendered: the table, the headline, the bars and the chart
    for (const code of COMMUNES) expect(await tableCells(page, code)).toEqual(expectedCells(made, [code]));
    expect(await tableCells(page, "total")).toEqual(expectedCells(made, COMMUNES));
    expect(await page.locator("#share").textContent()).toBe(pct(expected(made, COMMUNES).share!));
    const bars = await page.locator(".bars li").evaluateAll((lis) => lis.map((li) => li.getAttribute("data-code")));
    expect(bars.indexOf(BAC_SON)).toBeGreaterThan(Math.max(bars.indexOf(CHI_LANG), bars.indexOf(HUU_LUNG)));
    expect(await page.locator("svg polyline").count()).toBe(1);
    expect(await page.locator("svg circle").count()).toBe(12);
    expect(await page.locator(".bars li .bar span").first().isVisible()).toBe(true);
    expect(browser.problems).toEqual([]); // no console error, no CSP violation

    // the per-commune CSV downloads by clicking its link
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Bảng theo xã" }).click()]);
    const csv = readFileSync((await download.path())!, "utf8");
    expect(csv.startsWith("\uFEFFMã xã,Xã/phường,Hộ đăng ký")).toBe(true);
    expect(csv.split("\r\n").find((l) => l.startsWith(`${CHI_LANG},`))!.split(",")[2]).toBe(String(expected(made, [CHI_LANG]).registered));

    // the commune filter: pick Hữu Lũng, press "Xem"
    await page.locator('select[name="xa"]').selectOption(HUU_LUNG);
    await Promise.all([page.waitForURL(new RegExp(`\\?xa=${HUU_LUNG}$`)), page.getByRole("button", { name: "Xem", exact: true }).click()]);
    expect(await tableCodes(page)).toEqual([HUU_LUNG]);
    expect(await tableCells(page, HUU_LUNG)).toEqual(expectedCells(made, [HUU_LUNG]));
    expect(await page.getByRole("link", { name: "Bảng theo xã" }).getAttribute("href")).toBe(`/canbo/xa.csv?xa=${HUU_LUNG}`);

    // the logout button ends the session on the server, not only in this browser
    const token = cookie!.value;
    await page.getByRole("button", { name: "Đăng xuất" }).click();
    await page.waitForURL(/\/canbo\/dangxuat$/);
    expect(browser.problems).toEqual([]);
    expect((await fetch(`${bot.url}/canbo`, { headers: { cookie: `choso_canbo=${token}` } })).status).toBe(403);
    expect((await page.goto(`${bot.url}/canbo`))?.status()).toBe(403);
    await page.close();
    await browser.context.clearCookies();
  });

  it("an officer of Hữu Lũng sees only Hữu Lũng and downloads its households by click", async () => {
    const { link } = await officerWithLink(fake, testDb.db, user("Tú"), [HUU_LUNG]);
    browser.problems.length = 0;
    const page = await browser.newPage();
    await logIn(page, link);
    expect(await tableCodes(page)).toEqual([HUU_LUNG]);
    expect(await page.locator('select[name="xa"]').count()).toBe(0); // one commune: nothing to pick
    expect(await page.locator("main").textContent()).not.toContain(getCommune(CHI_LANG)!.name);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /Danh sách hộ/ }).click()]);
    const csv = readFileSync((await download.path())!, "utf8");
    const mine = made.households.filter((h) => h.commune === HUU_LUNG);
    expect(csv.trim().split("\r\n").slice(1)).toHaveLength(mine.length);
    for (const h of made.households.filter((x) => x.commune !== HUU_LUNG)) expect(csv).not.toContain(`${h.name},`);
    expect(browser.problems).toEqual([]);
    await page.close();
    await browser.context.clearCookies();
  });
});
