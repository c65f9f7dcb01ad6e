// The campaign dashboard end to end: officers take the role in chat on the fake Telegram server, get a
// one-time login link with /dangnhap, open it in headless Chromium and see exactly the figures this test
// computes itself from the rows it wrote; the CSVs download; households, strangers and officers of
// another commune get 403; used and expired links are refused; logout and revocation end the session.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { App } from "../src/app.ts";
import { officers } from "../src/broadcast/officers.ts";
import { officerLogins } from "../src/dashboard/auth.ts";
import { getCommune } from "../src/lang/communes.ts";
import type { FakeTelegram, SimUser } from "./fakes/telegram-server.ts";
import { Chat, register, startBot, startFakeBotApi } from "./support/bot.ts";
import { hasChromium, launchBrowser, type Browser } from "./support/browser.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();

const CHI_LANG = "06463";
const HUU_LUNG = "06385";
const BAC_SON = "06325";
const COMMUNES = [CHI_LANG, HUU_LUNG, BAC_SON];
/** imported totals: Bắc Sơn has none (counts, but no percentage) */
const TOTALS: Record<string, number> = { [CHI_LANG]: 20, [HUU_LUNG]: 12 };
const SOLD = new Set(["accepted", "picked_up", "delivered"]);

interface MadeHousehold {
  id: string;
  commune: string;
  phone: string;
  name: string;
  payment: string;
  opened: boolean;
  assisted: boolean;
  createdAt: Date;
  live: boolean;
}
interface MadeOrder {
  commune: string;
  status: string;
  totalVnd: number;
  createdAt: Date;
}

let fake: FakeTelegram;
let bot: App & { url: string };
let browser: Browser;
const made: { households: MadeHousehold[]; orders: MadeOrder[]; products: Map<string, Set<string>> } = { households: [], orders: [], products: new Map() };
let nextUser = 640_000;
const user = (first_name: string): SimUser => ({ id: ++nextUser, first_name, language_code: "vi" });

/** A deterministic spread of households, listings and orders over three communes. */
async function writeData(assistantId: string) {
  const db = testDb.db;
  const now = new Date();
  const monthStart = new Date(now.getFullYear(), now.getMonth(), 1);
  const payments = ["viettel_money", "none", "postpay", "none", "momo", "bank"];
  const productIds = ["hoi-kho", "na-chi-lang", null];
  for (let i = 0; i < 36; i++) {
    const commune = COMMUNES[i % 3];
    const assisted = i % 7 === 3;
    const opened = !assisted || i % 2 === 0;
    const createdAt = new Date(now.getTime() - ((i * 5) % 80) * 24 * 3600_000 - 3600_000);
    const phone = `+849${String(10_000_000 + i * 137).padStart(8, "0")}`;
    const name = `Hộ thử ${i}`;
    const h = await db.household.create({
      data: {
        name,
        phone,
        provinceCode: "20",
        communeCode: commune,
        payment: payments[i % payments.length],
        consentAt: createdAt,
        openedAt: opened ? createdAt : null,
        registeredById: assisted ? assistantId : null,
        createdAt,
        shop: { create: { name: `Cửa hàng thử ${i}`, slug: `cua-hang-thu-${i}` } },
      },
      include: { shop: true },
    });
    let live = false;
    if (i % 3 !== 2 || i % 4 === 0) {
      const productId = productIds[i % 3];
      const status = i % 5 === 4 ? "sold_out" : "active";
      const stockMilli = i % 6 === 5 ? 0 : 50_000;
      const listing = await db.listing.create({
        data: { shopId: h.shop!.id, productId, title: `Hàng ${i}`, unit: "kg", stockMilli, displayUnit: "kg", priceVnd: 80_000, status },
      });
      live = status === "active" && stockMilli > 0;
      if (live) {
        const key = productId ?? "other";
        made.products.set(key, (made.products.get(key) ?? new Set()).add(h.shop!.id));
      }
      const statuses = ["pending", "accepted", "declined", "delivered", "picked_up", "expired"];
      for (let k = 0; k < i % 4; k++) {
        const thisMonth = k % 2 === 0;
        const createdAt = thisMonth ? new Date(Math.max(monthStart.getTime() + 60_000, now.getTime() - 3600_000 * (k + 1))) : new Date(monthStart.getTime() - 2 * 24 * 3600_000);
        const status = statuses[(i + k) % statuses.length];
        const totalVnd = 80_000 * (k + 1) + i * 1000;
        await db.order.create({
          data: {
            code: `DT${String(i).padStart(3, "0")}${k}`,
            statusToken: `tok-dashboard-${i}-${k}-0123456789`,
            listingId: listing.id,
            shopId: h.shop!.id,
            quantityMilli: 1000 * (k + 1),
            unitPriceVnd: 80_000,
            totalVnd,
            buyerName: "Khách",
            buyerPhone: "+84987654321",
            buyerAddress: "Hà Nội",
            buyerArea: "Hà Nội",
            buyerChannel: "web",
            source: "web",
            status,
            expiresAt: new Date(now.getTime() + 3600_000),
            createdAt,
          },
        });
        made.orders.push({ commune, status, totalVnd, createdAt });
      }
    }
    made.households.push({ id: h.id, commune, phone, name, payment: h.payment, opened, assisted, createdAt, live });
  }
  for (const [code, households] of Object.entries(TOTALS)) await db.communeHouseholds.create({ data: { communeCode: code, households } });
}

/** The figures of one commune (or several), computed here from what writeData wrote. */
function expected(codes: string[]) {
  const hs = made.households.filter((h) => codes.includes(h.commune));
  const now = new Date();
  const monthStart = new Date(now.getFullYear(), now.getMonth(), 1);
  const os = made.orders.filter((o) => codes.includes(o.commune) && o.createdAt >= monthStart);
  const counted = hs.filter((h) => h.opened && h.payment !== "none").length;
  const known = codes.filter((c) => TOTALS[c] !== undefined);
  const totals = known.reduce((s, c) => s + TOTALS[c], 0);
  const countedKnown = hs.filter((h) => known.includes(h.commune) && h.opened && h.payment !== "none").length;
  return {
    registered: hs.length,
    opened: hs.filter((h) => h.opened).length,
    live: hs.filter((h) => h.live).length,
    epay: hs.filter((h) => h.payment !== "none").length,
    counted,
    households: known.length ? totals : null,
    share: known.length ? countedKnown / totals : null,
    orders: os.length,
    sales: os.filter((o) => SOLD.has(o.status)).reduce((s, o) => s + o.totalVnd, 0),
  };
}

// Written independently of the app's formatting code: Vietnamese grouping with dots, decimal comma.
const vn = (n: number) => n.toLocaleString("vi-VN", { maximumFractionDigits: 1 });
const pct = (share: number) => `${vn(Math.round(share * 1000) / 10)}%`;
const money = (n: number) => `${vn(n)} đ`;

function expectedCells(codes: string[]): Record<string, string> {
  const e = expected(codes);
  return {
    registered: vn(e.registered),
    opened: vn(e.opened),
    live: vn(e.live),
    epay: vn(e.epay),
    counted: vn(e.counted),
    households: e.households === null ? "–" : vn(e.households),
    share: e.share === null ? "–" : pct(e.share),
    orders: vn(e.orders),
    sales: money(e.sales),
  };
}

async function tableCells(page: Page, code: string): Promise<Record<string, string>> {
  return page.locator(`#communes tr[data-code="${code}"] td[data-col]`).evaluateAll((tds) =>
    Object.fromEntries(tds.map((td) => [td.getAttribute("data-col"), (td.textContent ?? "").trim()])),
  );
}

/** An officer in chat: takes the role with an invite, asks for a login link. */
async function officerWithLink(communes: string[], name: string): Promise<{ chat: Chat; link: string }> {
  const { code } = await officers(testDb.db).invite(communes);
  const chat = new Chat(fake, user(name));
  await chat.send(`/canbo ${code}`, /Chào cán bộ/);
  await chat.send("/dangnhap", /Liên kết đăng nhập/);
  const link = /(http\S+\/dangnhap\/[A-Za-z0-9_-]{43})/.exec(chat.last.text ?? "")?.[1];
  expect(link).toBeDefined();
  return { chat, link: link! };
}

async function logIn(page: Page, link: string) {
  const res = await page.goto(link);
  expect(res?.status()).toBe(200);
  await Promise.all([page.waitForURL(/\/canbo$/), page.getByRole("button", { name: "Đăng nhập" }).click()]);
}

if (!hasChromium) console.warn("dashboard browser tests skipped: no Chromium at /usr/bin/chromium (apt-get install -y chromium)");

describe.skipIf(!hasChromium)("campaign dashboard", () => {
  beforeAll(async () => {
    fake = await startFakeBotApi();
    bot = await startBot(fake, testDb.url);
    browser = await launchBrowser();
    await bot.engine.catalog.get(); // seeds the products listings point to
    const helper = await testDb.db.officer.create({ data: { channel: "telegram", userKey: "555001", chatKey: "555001", name: "Hoàng Thu Trang" } });
    await writeData(helper.id);
  });
  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
    await fake?.close();
  });

  it("a province officer logs in with the link and sees exactly the figures of the rows written", async () => {
    const { chat, link } = await officerWithLink([], "Lâm");
    const page = await browser.newPage();
    await logIn(page, link);

    // session cookie: HttpOnly, SameSite, with an expiry
    const cookie = (await browser.context.cookies()).find((c) => c.name === "choso_canbo");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" });
    expect(cookie!.expires).toBeGreaterThan(Date.now() / 1000 + 3600);

    for (const code of COMMUNES) expect(await tableCells(page, code)).toEqual(expectedCells([code]));
    expect(await tableCells(page, "total")).toEqual(expectedCells(COMMUNES));
    // communes of the province with no household yet are listed too, with zeros
    expect(await page.locator("#communes tbody tr").count()).toBeGreaterThan(60);

    // headline share: over the communes with a total only
    const all = expected(COMMUNES);
    expect(await page.locator("#share").textContent()).toBe(pct(all.share!));

    // bars: furthest from the 50% target first; Bắc Sơn (no total) after those with one
    const order = await page.locator(".bars li").evaluateAll((lis) => lis.map((li) => li.getAttribute("data-code")));
    const gap = (c: string) => 0.5 - expected([c]).share!;
    const [first, second] = [CHI_LANG, HUU_LUNG].sort((a, b) => gap(b) - gap(a));
    expect(order.indexOf(first)).toBeLessThan(order.indexOf(second));
    expect(order.indexOf(second)).toBeLessThan(order.indexOf(BAC_SON));

    // registrations per week: the 12 weeks the chart shows, counted here by Monday
    const monday = (d: Date) => {
      const x = new Date(d.getFullYear(), d.getMonth(), d.getDate());
      x.setDate(x.getDate() - ((x.getDay() + 6) % 7));
      return x.getTime();
    };
    const thisWeek = monday(new Date());
    const weeks = Array.from({ length: 12 }, (_, i) => {
      const start = new Date(thisWeek);
      start.setDate(start.getDate() - 7 * (11 - i));
      return made.households.filter((h) => monday(h.createdAt) === start.getTime()).length;
    });
    const shown = await page.locator("#weeks td[data-col=week]").allTextContents();
    expect(shown.map(Number)).toEqual(weeks);
    expect(await page.locator("svg polyline").count()).toBe(1);

    // top product and who registered whom
    const top = [...made.products.entries()].sort((a, b) => b[1].size - a[1].size)[0];
    expect(await page.locator("#products li").first().textContent()).toContain(`${top[1].size} cửa hàng`);
    const assisted = made.households.filter((h) => h.assisted);
    expect(await page.locator("#assisted").textContent()).toBe(
      `Hoàng Thu Trang: đăng ký ${assisted.length} hộ, ${assisted.filter((h) => h.opened).length} hộ đã nhận cửa hàng`,
    );
    expect(browser.problems).toEqual([]);

    // the per-commune CSV downloads and holds the same figures
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Bảng theo xã" }).click()]);
    const csv = readFileSync((await download.path())!, "utf8");
    expect(csv.startsWith("\uFEFFMã xã,Xã/phường,Hộ đăng ký")).toBe(true);
    const line = csv.split("\r\n").find((l) => l.startsWith(`${CHI_LANG},`))!.split(",");
    const e = expected([CHI_LANG]);
    expect(line.slice(2, 9).map(Number)).toEqual([e.registered, e.opened, e.live, e.epay, e.counted, e.households, Math.round(e.share! * 1000) / 10]);
    expect(Number(line.at(-1))).toBe(e.sales);

    // /thongke in chat: the same headline figures
    await chat.send("/thongke", /Hộ đăng ký/);
    const stats = chat.messages.map((m) => m.text).join("\n");
    expect(stats).toContain(`Hộ đăng ký: ${vn(all.registered)}`);
    expect(stats).toContain(`Cửa hàng đã mở: ${vn(all.opened)}`);
    expect(stats).toContain(`Đạt mục tiêu: ${pct(all.share!)} (mục tiêu 50%)`);
    expect(stats).toContain(`Đơn tháng này: ${vn(all.orders)} · doanh số ${money(all.sales)}`);

    // logout ends the session on the server, not only in this browser
    const token = cookie!.value;
    await page.getByRole("button", { name: "Đăng xuất" }).click();
    await page.waitForURL(/\/canbo\/dangxuat$/);
    const after = await fetch(`${bot.url}/canbo`, { headers: { cookie: `choso_canbo=${token}` } });
    expect(after.status).toBe(403);
    await page.close();
  });

  it("a used or expired link is refused; a link is not used up by just opening it", async () => {
    const { chat, link } = await officerWithLink([], "Hà");
    const page = await browser.newPage();
    // a link preview (GET) does not use the link
    expect((await fetch(link)).status).toBe(200);
    await logIn(page, link);
    const again = await page.goto(link);
    expect(again?.status()).toBe(403);
    expect(await page.locator("main").textContent()).toContain("đã dùng hoặc đã hết hạn");
    expect((await fetch(link, { method: "POST" })).status).toBe(403);

    const officer = await testDb.db.officer.findFirstOrThrow({ where: { userKey: String(chat.user.id) } });
    const old = await officerLogins(testDb.db).create(officer.id, new Date(Date.now() - 11 * 60_000));
    const expired = await page.goto(`${bot.url}/dangnhap/${old.token}`);
    expect(expired?.status()).toBe(403);
    expect((await fetch(`${bot.url}/dangnhap/${old.token}`, { method: "POST" })).status).toBe(403);

    // revoking the role ends the session at once
    const res = await page.goto(`${bot.url}/canbo`);
    expect(res?.status()).toBe(200);
    await officers(testDb.db).revoke(officer.id);
    expect((await page.goto(`${bot.url}/canbo`))?.status()).toBe(403);
    await page.close();
    await browser.context.clearCookies();
  });

  it("households, strangers and officers of another commune are refused and see nothing outside their scope", async () => {
    // a household: /dangnhap is an unknown command, and the dashboard is closed to it
    const farmer = new Chat(fake, user("Vy"));
    await register(farmer, { phone: "0912 777 001", name: "Lý Thị Vy" });
    await farmer.send("/dangnhap", /chưa biết lệnh này/);
    expect(farmer.messages.some((m) => /dangnhap\//.test(m.text ?? ""))).toBe(false);
    await farmer.send("/thongke", /chưa biết lệnh này/);
    const page = await browser.newPage();
    for (const path of ["/canbo", "/canbo/xa.csv", "/canbo/ho.csv", `/canbo?xa=${CHI_LANG}`]) {
      const res = await page.goto(`${bot.url}${path}`).catch(() => null);
      expect(res?.status(), path).toBe(403);
    }
    expect(await page.locator("main").textContent()).not.toContain(getCommune(CHI_LANG)!.name);
    // a made-up link and a made-up cookie get nothing either
    expect((await fetch(`${bot.url}/dangnhap/${"A".repeat(43)}`, { method: "POST" })).status).toBe(403);
    expect((await fetch(`${bot.url}/canbo`, { headers: { cookie: `choso_canbo=${"B".repeat(43)}` } })).status).toBe(403);

    // an officer of Hữu Lũng sees Hữu Lũng only
    const { link } = await officerWithLink([HUU_LUNG], "Tú");
    await logIn(page, link);
    expect(await page.locator("#communes tbody tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-code")))).toEqual([HUU_LUNG]);
    expect(await tableCells(page, HUU_LUNG)).toEqual(expectedCells([HUU_LUNG]));
    expect(await page.locator("main").textContent()).not.toContain(getCommune(CHI_LANG)!.name);
    for (const path of [`/canbo?xa=${CHI_LANG}`, `/canbo/xa.csv?xa=${CHI_LANG}`, `/canbo/ho.csv?xa=${CHI_LANG}`]) {
      const res = await page.goto(`${bot.url}${path}`).catch(() => null);
      expect(res?.status(), path).toBe(403);
    }
    // the households CSV holds Hữu Lũng's households, every one of them, and nobody else
    const [download] = await Promise.all([page.waitForEvent("download"), page.goto(`${bot.url}/canbo`).then(() => page.getByRole("link", { name: /Danh sách hộ/ }).click())]);
    const csv = readFileSync((await download.path())!, "utf8");
    const rows = csv.trim().split("\r\n").slice(1);
    const mine = made.households.filter((h) => h.commune === HUU_LUNG);
    expect(rows).toHaveLength(mine.length);
    for (const h of mine) expect(csv).toContain(`${h.name},`);
    for (const h of made.households.filter((x) => x.commune !== HUU_LUNG)) expect(csv).not.toContain(`${h.name},`);
    await page.close();
  });
});
