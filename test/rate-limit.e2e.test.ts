// Rate limits over real HTTP with the default limits (RATE_LIMIT_FACTOR=1): each limited route answers
// 429 with Retry-After and a Vietnamese page or JSON once one address (or key, or chat session) is over
// its limit, while another client goes on normally. Behind a trusted proxy the client is the address
// the proxy forwards; without one, a forwarded header anyone can send changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIMITS } from "../src/http/rate-limit.ts";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import type { FakeZalo } from "./fakes/zalo-server.ts";
import { CARRIER_KEYS, sellerWithListing, type Seller } from "./support/api.ts";
import { startFakeBotApi, WEBHOOK_SECRET } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";
import { send, startSecApp, telegramText, type SecApp } from "./support/security.ts";
import { startFakeZaloBot } from "./support/zalo.ts";

const testDb = useTestDatabase();
let tg: FakeTelegram;
let zalo: FakeZalo;
let direct: SecApp;
let proxied: SecApp;

beforeAll(async () => {
  [tg, zalo] = await Promise.all([startFakeBotApi(), startFakeZaloBot()]);
  direct = await startSecApp(testDb.url, { telegram: tg, zalo, webhook: true, env: { RATE_LIMIT_FACTOR: "1", LOG_LEVEL: "info" } });
  proxied = await startSecApp(testDb.url, { env: { RATE_LIMIT_FACTOR: "1", TRUST_PROXY: "127.0.0.1", LOG_LEVEL: "info" } });
}, 60_000);
afterAll(async () => {
  for (const app of [direct, proxied]) await app?.stop();
  await tg?.close();
  await zalo?.close();
});

const FORM = "application/x-www-form-urlencoded";
const form = (seller: Seller, over: Record<string, string> = {}) =>
  new URLSearchParams({ listing: seller.listingId, quantity: "1", name: "Trần Thị Mai", phone: "0987 654 321", province: "20", district: "", address: "Số 12 Phố Huế, Hà Nội", ...over }).toString();

/** Sends `n` requests one after another; the statuses. */
async function burst(n: number, one: () => Promise<{ status: number }>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await one()).status);
  return out;
}

function expectRetryAfter(headers: Headers): void {
  const after = Number(headers.get("retry-after"));
  expect(after).toBeGreaterThanOrEqual(1);
  expect(after).toBeLessThanOrEqual(600);
}

/** A household's listing of its own, and its shop page's slug: each test counts the orders of its own. */
async function listed(userId: number, phone: string, name: string): Promise<{ seller: Seller; slug: string }> {
  const seller = await sellerWithListing(direct, tg, { userId, phone, name, sentence: "ban 10 kg hoi kho 80k" });
  const { slug } = await testDb.db.shop.findUniqueOrThrow({ where: { id: seller.shopId } });
  return { seller, slug };
}

describe("the order form", () => {
  it("takes the limit from one address, then answers 429 with a Vietnamese page; a forwarded header from a stranger changes nothing", async () => {
    const { seller, slug } = await listed(6_400_001, "84912000333", "Hoàng Văn Sơn");
    const bad = () => send(direct.url, `/s/${slug}`, { body: form(seller, { address: "x" }), type: FORM, headers: { "x-forwarded-for": `203.0.113.${Math.floor(Math.random() * 250)}` } });
    const statuses = await burst(LIMITS.orderForm.max, bad);
    expect(statuses.every((s) => s === 400)).toBe(true);
    const over = await bad();
    expect(over.status).toBe(429);
    expectRetryAfter(over.headers);
    expect(over.headers.get("content-type")).toMatch(/^text\/html/);
    expect(over.text).toContain("Bạn gửi nhanh quá");
    // what was refused created nothing
    expect(await testDb.db.order.count({ where: { listingId: seller.listingId } })).toBe(0);
  });

  it("behind a trusted proxy counts each forwarded client on its own: a buyer from another address still orders", async () => {
    const { seller, slug } = await listed(6_400_002, "84912000334", "Lục Văn Tài");
    const from = (ip: string, body: string) => send(proxied.url, `/s/${slug}`, { body, type: FORM, headers: { "x-forwarded-for": ip } });
    const flood = await burst(LIMITS.orderForm.max + 5, () => from("198.51.100.7", form(seller, { address: "x" })));
    expect(flood.filter((s) => s === 429)).toHaveLength(5);
    const buyer = await from("198.51.100.8", form(seller));
    expect(buyer.status).toBe(303);
    expect(await testDb.db.order.count({ where: { listingId: seller.listingId } })).toBe(1);
  });
});

describe("APIs, webhooks, token lookups, the web chat", () => {
  it("API calls without a valid key are limited per address; a client with its key goes on", async () => {
    const guess = () => send(direct.url, "/api/v1/carrier/pickups", { headers: { authorization: "Bearer not-a-key-000000000000000000" } });
    expect((await burst(LIMITS.apiWithoutKey.max, guess)).every((s) => s === 401)).toBe(true);
    const over = await guess();
    expect(over.status).toBe(429);
    expectRetryAfter(over.headers);
    expect(JSON.parse(over.text)).toMatchObject({ error: "rate_limited" });
    expect((await send(direct.url, "/api/v1/carrier/pickups", { headers: { authorization: `Bearer ${CARRIER_KEYS.vnpost}` } })).status).toBe(200);
  });

  it("a client with a valid key is limited per key; another client goes on", async () => {
    const call = (key: string) => send(direct.url, "/api/v1/carrier/pickups", { headers: { authorization: `Bearer ${key}` } });
    expect((await burst(LIMITS.apiPerClient.max, () => call(CARRIER_KEYS.viettel_post))).every((s) => s === 200)).toBe(true);
    const over = await call(CARRIER_KEYS.viettel_post);
    expect(over.status).toBe(429);
    expectRetryAfter(over.headers);
    expect((await call(CARRIER_KEYS.vnpost)).status).toBe(200);
  });

  it("webhook calls with a wrong secret are limited; the platform's own calls are never counted", async () => {
    const forged = () => send(direct.url, "/webhook/telegram", { body: "{}", type: "application/json", headers: { "x-telegram-bot-api-secret-token": "wrong-secret-0000000" } });
    expect((await burst(LIMITS.webhookWrongSecret.max, forged)).every((s) => s === 401)).toBe(true);
    const over = await forged();
    expect(over.status).toBe(429);
    expectRetryAfter(over.headers);
    const real = await send(direct.url, "/webhook/telegram", { body: JSON.stringify(telegramText(7_000_001, 6_400_009, "/start")), type: "application/json", headers: { "x-telegram-bot-api-secret-token": WEBHOOK_SECRET } });
    expect(real.status).toBe(200);
  });

  it("order status and login links are limited per address", async () => {
    const status = () => send(direct.url, `/don/${"B".repeat(22)}`);
    expect((await burst(LIMITS.orderStatus.max, status)).every((s) => s === 404)).toBe(true);
    const overStatus = await status();
    expect(overStatus.status).toBe(429);
    expect(overStatus.headers.get("cache-control")).toBe("no-store");
    const login = () => send(direct.url, `/dangnhap/${"C".repeat(43)}`);
    expect((await burst(LIMITS.loginLink.max, login)).every((s) => s === 403)).toBe(true);
    const overLogin = await send(direct.url, `/dangnhap/${"C".repeat(43)}`, { method: "POST" });
    expect(overLogin.status).toBe(429);
    expectRetryAfter(overLogin.headers);
    expect(overLogin.text).toContain("Bạn gửi nhanh quá");
  });

  it("the web chat is limited per session, with a JSON answer the page shows", async () => {
    const session = "session-flood-000001";
    // Through the trusted proxy from an address of its own: the address's limit (next test) never answers here.
    const one = (s: string) => send(proxied.url, "/chat/api/send", { body: JSON.stringify({ session: s }), type: "application/json", headers: { "x-forwarded-for": "198.51.100.20" } });
    expect((await burst(LIMITS.chatSendPerSession.max, () => one(session))).every((s) => s === 400)).toBe(true);
    const over = await one(session);
    expect(over.status).toBe(429);
    expectRetryAfter(over.headers);
    expect(JSON.parse(over.text)).toEqual({ ok: false, error: "Bạn gửi nhanh quá. Bạn đợi một lát rồi thử lại nhé." });
    expect((await one("session-other-000002")).status).toBe(400); // another chat goes on
  });

  it("the web chat is limited per address too: new sessions from one address, sending or polling, end in 429", async () => {
    // A session each time, so that only the address's limit can answer 429; an address no other test uses.
    let n = 0;
    const fresh = () => `session-rotate-${String(++n).padStart(6, "0")}`;
    const headers = { "x-forwarded-for": "198.51.100.21" };
    const sends = await burst(LIMITS.chatSendPerIp.max + 1, () => send(proxied.url, "/chat/api/send", { body: JSON.stringify({ session: fresh() }), type: "application/json", headers }));
    expect(sends.indexOf(429)).toBe(LIMITS.chatSendPerIp.max);
    expect(sends.slice(0, sends.indexOf(429)).every((s) => s === 400)).toBe(true);
    const polls = await burst(LIMITS.chatPoll.max + 1, () => send(proxied.url, `/chat/api/poll?session=${fresh()}`, { headers }));
    expect(polls.indexOf(429)).toBe(LIMITS.chatPoll.max);
    expect(polls.slice(0, polls.indexOf(429)).every((s) => s < 400)).toBe(true);
  });
});
