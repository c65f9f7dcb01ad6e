// The campaign dashboard over plain HTTP (no browser, so it always runs): officers take the role in
// chat on the fake Telegram server, log in with the one-time link by GET + POST like a browser's form,
// and the page and both CSVs hold exactly the figures this test computes itself from the rows it
// wrote. Access: used and expired links are refused; an expired session, a revoked officer and logout
// all end in 403; households, strangers and officers of another commune get 403 and no figure, and a
// commune officer sees their own communes only, on the page, in both CSVs and in /thongke.
// What needs rendering (the page in Chromium, downloads by click) is in test/dashboard.e2e.test.ts.
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../src/app.ts";
import { officers } from "../src/broadcast/officers.ts";
import { officerLogins, officerSessions, SESSION_TTL_MS } from "../src/dashboard/auth.ts";
import { getCommune } from "../src/lang/communes.ts";
import type { FakeTelegram, SimUser } from "./fakes/telegram-server.ts";
import { Chat, register, startBot, startFakeBotApi } from "./support/bot.ts";
import {
  BAC_SON,
  barCodes,
  byId,
  CHI_LANG,
  COMMUNES,
  expected,
  expectedCells,
  expectedWeeks,
  HUU_LUNG,
  mainText,
  money,
  officerWithLink,
  pct,
  tableCells,
  tableCodes,
  vn,
  writeData,
  type Made,
} from "./support/dashboard.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();

let fake: FakeTelegram;
let bot: App & { url: string };
let made: Made;
let nextUser = 650_000;
const user = (first_name: string): SimUser => ({ id: ++nextUser, first_name, language_code: "vi" });
const PATHS = ["/canbo", "/canbo/xa.csv", "/canbo/ho.csv"];

beforeAll(async () => {
  fake = await startFakeBotApi();
  bot = await startBot(fake, testDb.url);
  await bot.engine.catalog.get(); // seeds the products listings point to
  const helper = await testDb.db.officer.create({ data: { channel: "telegram", userKey: "555002", chatKey: "555002", name: "Hoàng Thu Trang" } });
  made = await writeData(testDb.db, helper.id);
});
afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

/** GET (as a session cookie, or none) and the body as text. */
async function get(path: string, token?: string): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(`${bot.url}${path}`, { headers: token ? { cookie: `choso_canbo=${token}` } : {}, redirect: "manual" });
  // Buffer keeps the CSVs' byte order mark (res.text() would drop it).
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()).toString("utf8"), headers: res.headers };
}

/** Opens the link (a GET only shows the button), then confirms it (POST) as the page's form does: the session token. */
async function logIn(link: string): Promise<{ token: string; cookie: string }> {
  const page = await fetch(link);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain(`<form method="post" action="${new URL(link).pathname}">`);
  const res = await fetch(link, { method: "POST", redirect: "manual" });
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("/canbo");
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("choso_canbo="));
  expect(cookie).toBeDefined();
  return { token: /^choso_canbo=([^;]+)/.exec(cookie!)![1], cookie: cookie! };
}

const csvLines = (csv: string) => csv.trim().split("\r\n");

describe("campaign dashboard, figures", () => {
  it("a province officer logs in with the link and sees exactly the figures of the rows written; the communes CSV and /thongke agree", async () => {
    const { chat, link } = await officerWithLink(fake, testDb.db, user("Lâm"), []);
    const { token, cookie } = await logIn(link);
    // session cookie: HttpOnly, SameSite=Strict, for the whole site, with an expiry about 12 h ahead
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Strict/i);
    expect(cookie).toMatch(/; Path=\//);
    const maxAge = Number(/Max-Age=(\d+)/i.exec(cookie)?.[1]);
    expect(maxAge).toBe(SESSION_TTL_MS / 1000);

    const page = await get("/canbo", token);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    for (const code of COMMUNES) expect(tableCells(page.body, code), code).toEqual(expectedCells(made, [code]));
    expect(tableCells(page.body, "total")).toEqual(expectedCells(made, COMMUNES));
    // communes of the province with no household yet are listed too, with zeros
    expect(tableCodes(page.body).length).toBeGreaterThan(60);

    // headline share: over the communes with a total only
    const all = expected(made, COMMUNES);
    expect(byId(page.body, "share")).toBe(pct(all.share!));

    // bars: furthest from the 50% target first; Bắc Sơn (no total) after those with one
    const order = barCodes(page.body);
    const gap = (c: string) => 0.5 - expected(made, [c]).share!;
    const [first, second] = [CHI_LANG, HUU_LUNG].sort((a, b) => gap(b) - gap(a));
    expect(order.indexOf(first)).toBeGreaterThanOrEqual(0);
    expect(order.indexOf(first)).toBeLessThan(order.indexOf(second));
    expect(order.indexOf(second)).toBeLessThan(order.indexOf(BAC_SON));

    // registrations per week, as the table beside the chart
    const weeks = [...(/<table id="weeks">([^]*?)<\/table>/.exec(page.body)?.[1] ?? "").matchAll(/<td data-col="week">([^<]*)<\/td>/g)].map((m) => Number(m[1]));
    expect(weeks).toEqual(expectedWeeks(made));

    // top product and who registered whom
    const top = [...made.products.entries()].sort((a, b) => b[1].size - a[1].size)[0];
    expect(/<ol id="products"><li>([^<]*)<\/li>/.exec(page.body)?.[1]).toContain(`${top[1].size} cửa hàng`);
    const assisted = made.households.filter((h) => h.assisted);
    expect(byId(page.body, "assisted")).toBe(`Hoàng Thu Trang: đăng ký ${assisted.length} hộ, ${assisted.filter((h) => h.opened).length} hộ đã nhận cửa hàng`);

    // the per-commune CSV holds the same figures
    const xa = await get("/canbo/xa.csv", token);
    expect(xa.status).toBe(200);
    expect(xa.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(xa.body.startsWith("\uFEFFMã xã,Xã/phường,Hộ đăng ký")).toBe(true);
    for (const code of [CHI_LANG, HUU_LUNG]) {
      const line = csvLines(xa.body).find((l) => l.startsWith(`${code},`))!.split(",");
      const e = expected(made, [code]);
      expect(line.slice(2, 9).map(Number), code).toEqual([e.registered, e.opened, e.live, e.epay, e.counted, e.households, Math.round(e.share! * 1000) / 10]);
      expect(Number(line[13]), code).toBe(e.sales);
    }
    // the households CSV: every household written, once
    const ho = await get("/canbo/ho.csv", token);
    expect(ho.status).toBe(200);
    expect(csvLines(ho.body)).toHaveLength(1 + made.households.length);
    for (const h of made.households) expect(ho.body).toContain(`${h.name},`);
    // its "listings on sale" column: each household's live listings, counted from the rows here
    const records = parse(ho.body.replace(/^\uFEFF/, ""), { from_line: 2 }) as string[][];
    const phones = new Map(records.map((r) => [r[1].replace(/\D/g, ""), Number(r[8])]));
    const households = await testDb.db.household.findMany({ include: { shop: { include: { listings: true } } } });
    const liveOf = (h: (typeof households)[number]) => h.shop?.listings.filter((l) => l.status === "active" && l.stockMilli > 0).length ?? 0;
    expect(households.some((h) => liveOf(h) > 0)).toBe(true);
    for (const h of households) expect(phones.get(`0${h.phone.slice(3)}`), h.name).toBe(liveOf(h));

    // /thongke in chat: the same headline figures
    await chat.send("/thongke", /Hộ đăng ký/);
    const stats = chat.messages.map((m) => m.text).join("\n");
    expect(stats).toContain(`Hộ đăng ký: ${vn(all.registered)}`);
    expect(stats).toContain(`Cửa hàng đã mở: ${vn(all.opened)}`);
    expect(stats).toContain(`Đạt mục tiêu: ${pct(all.share!)} (mục tiêu 50%)`);
    expect(stats).toContain(`Đơn tháng này: ${vn(all.orders)} · doanh số ${money(all.sales)}`);
  });
});

describe("campaign dashboard, sessions", () => {
  it("logout ends the session on the server", async () => {
    const { link } = await officerWithLink(fake, testDb.db, user("Hải"), []);
    const { token } = await logIn(link);
    expect((await get("/canbo", token)).status).toBe(200);
    const out = await fetch(`${bot.url}/canbo/dangxuat`, { method: "POST", headers: { cookie: `choso_canbo=${token}` } });
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().some((c) => /^choso_canbo=;/.test(c))).toBe(true);
    for (const path of PATHS) expect((await get(path, token)).status, path).toBe(403);
  });

  it("a used or expired link is refused; a link is not used up by just opening it", async () => {
    const { chat, link } = await officerWithLink(fake, testDb.db, user("Hà"), []);
    expect((await fetch(link)).status).toBe(200); // a link preview (GET) does not use the link
    expect((await fetch(link)).status).toBe(200);
    await logIn(link);
    const again = await fetch(link);
    expect(again.status).toBe(403);
    expect(mainText(await again.text())).toContain("đã dùng hoặc đã hết hạn");
    expect((await fetch(link, { method: "POST", redirect: "manual" })).status).toBe(403);

    const officer = await testDb.db.officer.findFirstOrThrow({ where: { userKey: String(chat.user.id) } });
    const old = await officerLogins(testDb.db).create(officer.id, new Date(Date.now() - 11 * 60_000));
    expect((await fetch(`${bot.url}/dangnhap/${old.token}`)).status).toBe(403);
    expect((await fetch(`${bot.url}/dangnhap/${old.token}`, { method: "POST", redirect: "manual" })).status).toBe(403);
    // one made 9 minutes ago still works (the refusal above is about its age)
    const fresh = await officerLogins(testDb.db).create(officer.id, new Date(Date.now() - 9 * 60_000));
    expect((await fetch(`${bot.url}/dangnhap/${fresh.token}`, { method: "POST", redirect: "manual" })).status).toBe(303);
  });

  it("an expired session is logged out, on the page and both CSVs; one about to expire still works", async () => {
    const { chat } = await officerWithLink(fake, testDb.db, user("Khánh"), []);
    const officer = await testDb.db.officer.findFirstOrThrow({ where: { userKey: String(chat.user.id) } });
    const sessions = officerSessions(testDb.db);
    // made 12 h and 1 s ago: expired a second ago; made 11 h 59 min ago: a minute left
    const expired = await sessions.create(officer.id, new Date(Date.now() - SESSION_TTL_MS - 1_000));
    const lastMinute = await sessions.create(officer.id, new Date(Date.now() - SESSION_TTL_MS + 60_000));
    const longAgo = await sessions.create(officer.id, new Date(Date.now() - 30 * 24 * 3600_000));
    for (const path of PATHS) {
      expect((await get(path, lastMinute.token)).status, `${path}, a minute left`).toBe(200);
      for (const [what, s] of [["expired a second ago", expired], ["expired a month ago", longAgo]] as const) {
        const res = await get(path, s.token);
        expect(res.status, `${path}, ${what}`).toBe(403);
        expect(res.body, `${path}, ${what}`).not.toContain(getCommune(CHI_LANG)!.name);
      }
    }
  });

  it("revoking the role logs the officer out at once: page, both CSVs and the chat commands", async () => {
    const { chat, link } = await officerWithLink(fake, testDb.db, user("Nga"), []);
    const { token } = await logIn(link);
    for (const path of PATHS) expect((await get(path, token)).status, path).toBe(200);
    const officer = await testDb.db.officer.findFirstOrThrow({ where: { userKey: String(chat.user.id) } });
    // a second link made before the revocation
    const spare = await officerLogins(testDb.db).create(officer.id);
    expect(await officers(testDb.db).revoke(officer.id)).toBe(true);
    for (const path of PATHS) {
      const res = await get(path, token);
      expect(res.status, path).toBe(403);
      expect(res.body, path).not.toContain(getCommune(CHI_LANG)!.name);
    }
    expect((await fetch(`${bot.url}/dangnhap/${spare.token}`)).status).toBe(403);
    expect((await fetch(`${bot.url}/dangnhap/${spare.token}`, { method: "POST", redirect: "manual" })).status).toBe(403);
    await chat.send("/dangnhap", /chưa biết lệnh này/);
    await chat.send("/thongke", /chưa biết lệnh này/);
  });
});

describe("campaign dashboard, scope", () => {
  it("households and strangers are refused and see nothing", async () => {
    // a household: /dangnhap is an unknown command, and the dashboard is closed to it
    const farmer = new Chat(fake, user("Vy"));
    await register(farmer, { phone: "0912 777 002", name: "Lý Thị Vy" });
    // a real household now: the figures other tests expect count it too, whatever order they run in
    const h = await testDb.db.household.findUniqueOrThrow({ where: { phone: "+84912777002" } });
    made.households.push({ id: h.id, commune: h.communeCode, phone: h.phone, name: h.name, payment: h.payment, opened: !!h.openedAt, assisted: false, createdAt: h.createdAt, live: false });
    await farmer.send("/dangnhap", /chưa biết lệnh này/);
    expect(farmer.messages.some((m) => /dangnhap\//.test(m.text ?? ""))).toBe(false);
    await farmer.send("/thongke", /chưa biết lệnh này/);
    for (const path of [...PATHS, `/canbo?xa=${CHI_LANG}`]) {
      const res = await get(path);
      expect(res.status, path).toBe(403);
      expect(res.body, path).not.toContain(getCommune(CHI_LANG)!.name);
    }
    // a made-up link and a made-up cookie get nothing either
    expect((await fetch(`${bot.url}/dangnhap/${"A".repeat(43)}`, { method: "POST", redirect: "manual" })).status).toBe(403);
    for (const path of PATHS) expect((await get(path, "B".repeat(43))).status, path).toBe(403);
  });

  it("an officer of Hữu Lũng sees Hữu Lũng only: page, both CSVs and /thongke; any other commune is 403", async () => {
    const { chat, link } = await officerWithLink(fake, testDb.db, user("Tú"), [HUU_LUNG]);
    const { token } = await logIn(link);
    const page = await get("/canbo", token);
    expect(page.status).toBe(200);
    expect(tableCodes(page.body)).toEqual([HUU_LUNG]);
    expect(tableCells(page.body, HUU_LUNG)).toEqual(expectedCells(made, [HUU_LUNG]));
    expect(tableCells(page.body, "total")).toEqual(expectedCells(made, [HUU_LUNG]));
    expect(mainText(page.body)).not.toContain(getCommune(CHI_LANG)!.name);

    for (const path of PATHS) {
      for (const xa of [CHI_LANG, BAC_SON, "99999", "abc", "0638"]) {
        const res = await get(`${path}?xa=${xa}`, token);
        expect(res.status, `${path}?xa=${xa}`).toBe(403);
        expect(res.body, `${path}?xa=${xa}`).not.toContain(getCommune(CHI_LANG)!.name);
      }
      expect((await get(`${path}?xa=${HUU_LUNG}`, token)).status, `${path}?xa=${HUU_LUNG}`).toBe(200);
    }

    // the communes CSV: Hữu Lũng and the total, both Hữu Lũng's figures
    const xa = csvLines((await get("/canbo/xa.csv", token)).body).slice(1);
    expect(xa).toHaveLength(2);
    const e = expected(made, [HUU_LUNG]);
    expect(xa[0].split(",").slice(0, 3)).toEqual([HUU_LUNG, getCommune(HUU_LUNG)!.name, String(e.registered)]);
    expect(xa[1].split(",")[2]).toBe(String(e.registered));

    // the households CSV holds Hữu Lũng's households, every one of them, and nobody else
    const csv = (await get("/canbo/ho.csv", token)).body;
    const mine = made.households.filter((h) => h.commune === HUU_LUNG);
    expect(csvLines(csv).slice(1)).toHaveLength(mine.length);
    for (const h of mine) expect(csv).toContain(`${h.name},`);
    for (const h of made.households.filter((x) => x.commune !== HUU_LUNG)) expect(csv).not.toContain(`${h.name},`);

    // /thongke in chat: Hữu Lũng's figures, not the province's
    await chat.send("/thongke", /Hộ đăng ký/);
    const stats = chat.messages.map((m) => m.text).join("\n");
    expect(stats).toContain(getCommune(HUU_LUNG)!.name);
    expect(stats).toContain(`Hộ đăng ký: ${vn(e.registered)}`);
    expect(stats).toContain(`Đơn tháng này: ${vn(e.orders)} · doanh số ${money(e.sales)}`);
  });

  it("an officer of two communes may narrow to either, not to a third", async () => {
    const { link } = await officerWithLink(fake, testDb.db, user("Lan"), [HUU_LUNG, BAC_SON]);
    const { token } = await logIn(link);
    expect(tableCodes((await get("/canbo", token)).body).sort()).toEqual([BAC_SON, HUU_LUNG].sort());
    const bacSon = await get(`/canbo?xa=${BAC_SON}`, token);
    expect(bacSon.status).toBe(200);
    expect(tableCodes(bacSon.body)).toEqual([BAC_SON]);
    expect(tableCells(bacSon.body, BAC_SON)).toEqual(expectedCells(made, [BAC_SON]));
    const ho = (await get(`/canbo/ho.csv?xa=${BAC_SON}`, token)).body;
    expect(csvLines(ho).slice(1)).toHaveLength(made.households.filter((h) => h.commune === BAC_SON).length);
    for (const path of PATHS) expect((await get(`${path}?xa=${CHI_LANG}`, token)).status, path).toBe(403);
  });
});
