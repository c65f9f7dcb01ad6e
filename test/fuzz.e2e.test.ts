// Every public route and both webhooks under random input (fast-check), over real HTTP against the
// whole app: random bytes, broken UTF-8, bodies too large, 5,000-character texts, control characters
// and markup, and JSON of any type and shape where an object was expected. The answer is always a 2xx,
// 3xx or 4xx (never a 5xx), no turn fails on its input, and nothing is half written: every stored
// order has a clean name and address, and every listing's stock plus what its open orders reserve is
// what it started with.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasUnsafeChars } from "../src/core/rules.ts";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import type { FakeZalo } from "./fakes/zalo-server.ts";
import { CARRIER_KEYS, PARTNER_KEYS, sellerWithListing, type Seller } from "./support/api.ts";
import { startFakeBotApi, WEBHOOK_SECRET } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";
import { send, startSecApp, type SecApp } from "./support/security.ts";
import { startFakeZaloBot, ZALO_WEBHOOK_SECRET } from "./support/zalo.ts";

const testDb = useTestDatabase();
/** runs per property: a few hundred requests in all, a few seconds */
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_206);
const JSON_TYPE = "application/json";

let tg: FakeTelegram;
let zalo: FakeZalo;
let app: SecApp;
/** the app with no bot token: the web chat is served */
let web: SecApp;
let seller: Seller;
let slug: string;
let stockBefore: number;

beforeAll(async () => {
  [tg, zalo] = await Promise.all([startFakeBotApi(), startFakeZaloBot()]);
  app = await startSecApp(testDb.url, { telegram: tg, zalo, webhook: true, env: { LOG_LEVEL: "info" } });
  web = await startSecApp(testDb.url, { env: { LOG_LEVEL: "info" } });
  seller = await sellerWithListing(app, tg, { userId: 6_200_001, phone: "84912000222", name: "Hoàng Văn Sơn", sentence: "ban 10 kg hoi kho 80k" });
  slug = (await testDb.db.shop.findUniqueOrThrow({ where: { id: seller.shopId } })).slug;
  stockBefore = (await testDb.db.listing.findUniqueOrThrow({ where: { id: seller.listingId } })).stockMilli;
}, 60_000);

afterAll(async () => {
  await web?.stop();
  await app?.stop();
  await tg?.close();
  await zalo?.close();
});

// ---- what people and programs might send ----

const nasty = fc.constantFrom("\u0000", "\u0007", "\u001b[31m", "<script>", "</b>", ">", "\u202e", "\u200b", "\ufeff", "\ud800", "'", '"', "\\", "%00", "\r\n", "ă", "Đ", "😀", "0912 345 678");
/** Text of every kind: plain, accented, control characters and markup mixed in, lone surrogates, 5,000 characters. */
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.array(fc.oneof(nasty, fc.string({ maxLength: 5 })), { maxLength: 12 }).map((parts) => parts.join("")),
  fc.constantFrom("a".repeat(5000), "ă ".repeat(2500), "<".repeat(5000), "\u0000".repeat(5000)),
);
/** Any JSON value where an object was expected. */
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(null, 0, -1, 1e308, "", [], {}, true));
const field = (valid: fc.Arbitrary<unknown>) => fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: anyJson });

const tgUser = fc.record({ id: field(fc.integer({ min: 6_300_000, max: 6_300_020 })), is_bot: field(fc.boolean()), first_name: field(text), language_code: field(fc.constantFrom("vi", "en", "xx")) }, { requiredKeys: [] });
const tgUpdate = fc.record(
  {
    update_id: field(fc.nat()),
    message: field(
      fc.record(
        {
          message_id: field(fc.nat()),
          date: field(fc.nat()),
          chat: field(fc.record({ id: field(fc.integer({ min: 6_300_000, max: 6_300_020 })), type: field(fc.constantFrom("private", "group")) })),
          from: field(tgUser),
          text: field(text),
          contact: field(fc.record({ phone_number: field(text), user_id: field(fc.integer()) })),
          photo: field(fc.array(fc.record({ file_id: field(text), width: field(fc.nat()), height: field(fc.nat()) }), { maxLength: 3 })),
        },
        { requiredKeys: [] },
      ),
    ),
    callback_query: field(fc.record({ id: field(fc.string()), from: field(tgUser), data: field(text) }, { requiredKeys: [] })),
  },
  { requiredKeys: [] },
);

const zaloId = fc.constantFrom("a0a0a0a0a0a0a0a0a0a1", "a0a0a0a0a0a0a0a0a0a2");
const zaloUpdate = fc.record(
  {
    event_name: field(fc.constantFrom("message.text.received", "message.image.received", "message.sticker.received", "message.unsupported.received", "x")),
    message: field(
      fc.record(
        {
          from: field(fc.record({ id: field(zaloId), display_name: field(text), is_bot: field(fc.boolean()) }, { requiredKeys: [] })),
          chat: field(fc.record({ id: field(zaloId), chat_type: field(fc.constantFrom("PRIVATE", "GROUP")) }, { requiredKeys: [] })),
          message_id: field(fc.uuid()),
          date: field(fc.nat()),
          text: field(text),
          photo_url: field(fc.oneof(text, fc.webUrl())),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
).map((u) => ({ ok: true, result: u }));

/** Bytes that are not JSON, or JSON with broken UTF-8 inside. */
const rawBytes = fc.oneof(
  fc.uint8Array({ maxLength: 600 }),
  fc.uint8Array({ minLength: 1, maxLength: 8 }).map((b) => Buffer.concat([Buffer.from('{"update_id":1,"message":{"text":"'), Buffer.from(b.map((x) => x | 0x80)), Buffer.from('"}}')])),
);

// ---- checks ----

let requests = 0;
async function expectNo5xx(what: string, res: Promise<{ status: number; text: string }>): Promise<void> {
  const r = await res;
  requests += 1;
  if (r.status >= 500) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 200)}`);
  expect(r.status).toBeGreaterThanOrEqual(200);
}

const tgPost = (body: string | Uint8Array) => send(app.url, "/webhook/telegram", { body, type: JSON_TYPE, headers: { "x-telegram-bot-api-secret-token": WEBHOOK_SECRET } });
const zaloPost = (body: string | Uint8Array) => send(app.url, "/webhook/zalo", { body, type: JSON_TYPE, headers: { "x-bot-api-secret-token": ZALO_WEBHOOK_SECRET } });
/** Percent-encoded bytes: any text (lone surrogates too) or bytes that are not UTF-8 at all. */
const pct = (v: string | Uint8Array) => [...Buffer.from(v)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
const options = (n = RUNS) => ({ numRuns: n, seed: SEED, endOnFailure: true });

describe("fuzz: webhooks", () => {
  it("Telegram: any update shape, any bytes", async () => {
    await fc.assert(fc.asyncProperty(tgUpdate, async (u) => expectNo5xx(`telegram ${JSON.stringify(u).slice(0, 300)}`, tgPost(JSON.stringify(u)))), options(RUNS * 2));
    await fc.assert(fc.asyncProperty(rawBytes, async (b) => expectNo5xx("telegram bytes", tgPost(b))), options());
  }, 120_000);

  it("Zalo: any update shape, any bytes", async () => {
    await fc.assert(fc.asyncProperty(zaloUpdate, async (u) => expectNo5xx(`zalo ${JSON.stringify(u).slice(0, 300)}`, zaloPost(JSON.stringify(u)))), options(RUNS * 2));
    await fc.assert(fc.asyncProperty(rawBytes, async (b) => expectNo5xx("zalo bytes", zaloPost(b))), options());
  }, 120_000);
});

describe("fuzz: web pages and APIs", () => {
  it("the order form: any field values, any bytes", async () => {
    const form = fc.record(
      {
        listing: fc.oneof(fc.constant(seller.listingId), text),
        quantity: fc.oneof(fc.constantFrom("1", "0,5", "-1", "1e9", "10000", "0.0001"), text),
        name: fc.oneof(fc.constant("Trần Thị Mai"), text),
        phone: fc.oneof(fc.constant("0912 345 678"), text),
        province: fc.oneof(fc.constantFrom("20", "01", "", "99"), text),
        district: text,
        address: fc.oneof(fc.constant("Số 12 Phố Huế, Hà Nội"), text),
      },
      { requiredKeys: [] },
    );
    const path = () => `/s/${slug}`;
    await fc.assert(
      fc.asyncProperty(form, async (f) => expectNo5xx(`form ${JSON.stringify(f).slice(0, 300)}`, send(app.url, path(), { body: new URLSearchParams(f as Record<string, string>).toString(), type: "application/x-www-form-urlencoded" }))),
      options(RUNS * 2),
    );
    await fc.assert(fc.asyncProperty(rawBytes, async (b) => expectNo5xx("form bytes", send(app.url, path(), { body: b, type: "application/x-www-form-urlencoded" }))), options());
  }, 120_000);

  it("the partner and carrier APIs: any JSON, any bytes", async () => {
    const buyer = fc.record({ name: field(text), phone: field(fc.oneof(fc.constant("0987654321"), text)), address: field(text), area: field(text) }, { requiredKeys: [] });
    const order = fc.record({ listingId: field(fc.constant(seller.listingId)), quantity: field(fc.oneof(fc.double(), fc.constantFrom(1, 0.5, 1e9))), buyer: field(buyer), note: field(text) }, { requiredKeys: [] });
    const partner = (key: string) => ({ authorization: `Bearer ${PARTNER_KEYS.postmart}`, "idempotency-key": key });
    await fc.assert(
      fc.asyncProperty(order, fc.uuid(), async (o, key) => expectNo5xx(`order ${JSON.stringify(o).slice(0, 300)}`, send(app.url, "/api/v1/orders", { body: JSON.stringify(o), type: JSON_TYPE, headers: partner(key) }))),
      options(RUNS * 2),
    );
    await fc.assert(fc.asyncProperty(rawBytes, fc.uuid(), async (b, key) => expectNo5xx("order bytes", send(app.url, "/api/v1/orders", { body: b, type: JSON_TYPE, headers: partner(key) }))), options());
    const carrier = { authorization: `Bearer ${CARRIER_KEYS.viettel_post}` };
    await fc.assert(
      fc.asyncProperty(text, anyJson, async (id, body) =>
        expectNo5xx("carrier status", send(app.url, `/api/v1/carrier/pickups/${pct(id)}/status`, { body: JSON.stringify(body), type: JSON_TYPE, headers: carrier })),
      ),
      options(),
    );
  }, 120_000);

  it("the web chat: any text, taps and sessions, any JSON, any bytes", async () => {
    // A few sessions, so that texts and taps land in the middle of conversations, not only at their start.
    const session = fc.oneof({ weight: 4, arbitrary: fc.constantFrom("fuzz-session-000000000001", "fuzz-session-000000000002") }, { weight: 1, arbitrary: text });
    const steps = fc.constantFrom("/start", "đồng ý", "1", "2", "huỷ", "quay lại", "ban 2 ta hoi kho 80k", "0912345678", "Trần Thị Mai");
    const body = fc.record({ session: field(session), text: field(fc.oneof(steps, text)), choiceId: field(fc.oneof(text, fc.constantFrom("c1", "0", "-1"))) }, { requiredKeys: [] });
    const chat = (b: string | Uint8Array) => send(web.url, "/chat/api/send", { body: b, type: JSON_TYPE });
    await fc.assert(fc.asyncProperty(body, async (b) => expectNo5xx(`chat ${JSON.stringify(b).slice(0, 300)}`, chat(JSON.stringify(b)))), options(RUNS * 2));
    await fc.assert(fc.asyncProperty(rawBytes, async (b) => expectNo5xx("chat bytes", chat(b))), options());
    expect((await send(web.url, "/chat/api/send", { body: Buffer.alloc(2 * 1024 * 1024, 0x61), type: JSON_TYPE })).status).toBe(413);
  }, 120_000);

  it("paths and queries of every page: any text", async () => {
    const paths = fc.tuple(
      fc.constantFrom("/s/", "/don/", "/media/", "/dangnhap/", "/cho?product=", "/cho?page=", "/canbo?xa=", "/api/v1/pickups.csv?commune=", "/chat/api/poll?session=", "/"),
      fc.oneof(text, fc.uint8Array({ maxLength: 40 })),
    );
    await fc.assert(
      fc.asyncProperty(paths, fc.constantFrom("GET", "POST"), async ([prefix, rest], method) =>
        expectNo5xx(`${method} ${prefix}`, send(app.url, prefix + pct(rest), { method, headers: { authorization: `Bearer ${CARRIER_KEYS.vnpost}` } })),
      ),
      options(RUNS * 2),
    );
  }, 120_000);

  it("bodies too large are refused before they are read, on every POST route", async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 0x61);
    const routes: Array<[string, string, Record<string, string>]> = [
      ["/webhook/telegram", JSON_TYPE, { "x-telegram-bot-api-secret-token": WEBHOOK_SECRET }],
      ["/webhook/zalo", JSON_TYPE, { "x-bot-api-secret-token": ZALO_WEBHOOK_SECRET }],
      [`/s/${slug}`, "application/x-www-form-urlencoded", {}],
      ["/api/v1/orders", JSON_TYPE, { authorization: `Bearer ${PARTNER_KEYS.voso}`, "idempotency-key": "big" }],
      ["/api/v1/carrier/pickups/x/status", JSON_TYPE, { authorization: `Bearer ${CARRIER_KEYS.vnpost}` }],
    ];
    for (const [path, type, headers] of routes) expect((await send(app.url, path, { body: big, type, headers })).status, path).toBe(413);
    // a wrong webhook secret is refused before the size is looked at
    expect((await send(app.url, "/webhook/telegram", { body: big, type: JSON_TYPE, headers: { "x-telegram-bot-api-secret-token": "nope" } })).status).toBe(401);
  });
});

describe("after the fuzzing", () => {
  it("no turn failed, nothing was half written", async () => {
    await app.engine.idle();
    expect(requests).toBeGreaterThan(RUNS * 10);
    await web.engine.idle();
    const failures = [...app.lines, ...web.lines].filter((l) => /"level":50/.test(l)).map((l) => JSON.parse(l) as { msg: string; err?: { type: string; message: string } });
    expect(failures.filter((f) => f.msg !== "send failed"), JSON.stringify(failures.slice(0, 3))).toEqual([]);
    const orders = await testDb.db.order.findMany({ where: { listingId: seller.listingId } });
    for (const o of orders) {
      for (const v of [o.buyerName, o.buyerAddress, o.buyerArea]) expect(hasUnsafeChars(v), v).toBe(false);
    }
    const open = orders.filter((o) => ["pending", "accepted"].includes(o.status)).reduce((sum, o) => sum + (o.status === "pending" ? (o.heldMilli ?? o.quantityMilli) : o.quantityMilli), 0);
    const listing = await testDb.db.listing.findUniqueOrThrow({ where: { id: seller.listingId } });
    expect(listing.stockMilli + open).toBe(stockBefore);
  });
});
