// The carriers' API end to end over real HTTP: an order accepted by the household gets a pickup request
// (made through the domain, as the chat's "Gọi bưu điện lấy hàng" does); the carrier lists it, reports
// picked up and delivered; the order follows and the household and the buyer hear about each step on
// Telegram. Post offices without an integration download the commune's open pickups as CSV.
import { randomUUID } from "node:crypto";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices } from "../src/core/services.ts";
import { parseApiKeys } from "../src/api-keys.ts";
import { csvDocument, csvField } from "../src/http/api/csv.ts";
import { loadConfig } from "../src/config.ts";
import { CARRIERS } from "../src/core/orders.ts";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { call, CARRIER_KEYS, orderFor, PARTNER_KEYS, sellerWithListing, startApiApp, type ApiApp, type Seller } from "./support/api.ts";
import { startFakeBotApi } from "./support/bot.ts";
import { createTestDatabase, type TestDatabase } from "./support/db.ts";

let database: TestDatabase;
let fake: FakeTelegram;
let app: ApiApp;
let seller: Seller;
const SELLER = 8501;
const BUYER = 8599;
const CHI_LANG = "06463"; // the commune register() picks

beforeAll(async () => {
  database = await createTestDatabase();
  fake = await startFakeBotApi();
  app = await startApiApp(fake, database.url);
  seller = await sellerWithListing(app, fake, { userId: SELLER, phone: "0918 501 501", name: "Nông Văn Dũng", sentence: "ban 2 ta hoi kho 80k" });
});
afterAll(async () => {
  await app?.stop();
  await fake?.close();
  await database?.drop();
});

const asCarrier = (carrier: keyof typeof CARRIER_KEYS) => ({
  list: () => call(app.url, "/api/v1/carrier/pickups?status=open", { key: CARRIER_KEYS[carrier] }),
  update: (pickupId: string, status: unknown) => call(app.url, `/api/v1/carrier/pickups/${pickupId}/status`, { key: CARRIER_KEYS[carrier], body: { status } }),
  csv: (query: string) => call(app.url, `/api/v1/pickups.csv${query}`, { key: CARRIER_KEYS[carrier] }),
});

/** An order from a buyer who ordered in Telegram, accepted, with a pickup request for `carrier`. */
async function orderWithPickup(carrier: "vnpost" | "viettel_post", buyer: { name?: string; address?: string } = {}) {
  const placed = await app.orders.place({
    listingId: seller.listingId,
    quantity: 3,
    buyer: { name: buyer.name ?? "Đặng Thị Hương", phone: "+84987111222", address: buyer.address ?? "Thôn Bản Cưởm, xã Chi Lăng", area: "Lạng Sơn" },
    buyerChannel: "telegram",
    buyerChatKey: String(BUYER),
    source: "chat",
  });
  if (!placed.ok) throw new Error(`order not placed: ${placed.reason}`);
  const services = createServices(app.db);
  expect(await services.orders.accept(placed.order.id, seller.shopId)).not.toBeNull();
  const withPickup = await services.orders.requestPickup(placed.order.id, seller.shopId, { carrier, weightGrams: 3200, codVnd: placed.order.totalVnd });
  return withPickup!;
}

describe("carrier pickups", () => {
  it("lists a carrier's open pickups with what the postman needs; the other carrier sees none of them", async () => {
    const order = await orderWithPickup("vnpost");
    const { status, json } = await asCarrier("vnpost").list();
    expect(status).toBe(200);
    const mine = json.pickups.find((p: { orderCode: string }) => p.orderCode === order.code);
    expect(mine).toEqual({
      id: order.pickup!.id,
      status: "open",
      carrier: "vnpost",
      orderCode: order.code,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      weightGrams: 3200,
      codVnd: 240_000,
      product: { title: "Hoa hồi khô", quantity: 3, unit: "kg" },
      sender: { name: "Nông Văn Dũng", shopName: "Cửa hàng Nông Văn Dũng", phone: "+84918501501", commune: { code: CHI_LANG, name: "Xã Chi Lăng" } },
      buyer: { name: "Đặng Thị Hương", phone: "+84987111222", address: "Thôn Bản Cưởm, xã Chi Lăng", area: "Lạng Sơn" },
      payment: { state: "unpaid" },
    });
    const other = await asCarrier("viettel_post").list();
    expect(other.status).toBe(200);
    expect(other.json.pickups.some((p: { id: string }) => p.id === order.pickup!.id)).toBe(false);
  });

  it("moves the order on with picked up then delivered, telling the household and the buyer each time", async () => {
    const order = await orderWithPickup("vnpost");
    const pickupId = order.pickup!.id;
    const sellerBefore = fake.sentTexts(SELLER).length;
    const buyerBefore = fake.sentTexts(BUYER).length;

    // The other carrier cannot touch it: it does not exist for them.
    const foreign = await asCarrier("viettel_post").update(pickupId, "picked_up");
    expect([foreign.status, foreign.json.error]).toEqual([404, "pickup_not_found"]);

    const picked = await asCarrier("vnpost").update(pickupId, "picked_up");
    expect(picked.status).toBe(200);
    expect(picked.json).toEqual({ pickup: { id: pickupId, status: "picked_up" }, order: { code: order.code, status: "picked_up", payment: { state: "unpaid", buyerPaidAt: null, paidAt: null, paidBy: null } }, changed: true });
    expect((await app.db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("picked_up");
    expect(fake.sentTexts(SELLER).slice(sellerBefore)).toEqual([`📦 Đơn ${order.code}: bưu điện đã lấy hàng.`]);
    expect(fake.sentTexts(BUYER).slice(buyerBefore)).toEqual([`📦 Đơn ${order.code}: bưu điện đã lấy hàng.`]);
    // No longer open.
    expect((await asCarrier("vnpost").list()).json.pickups.some((p: { id: string }) => p.id === pickupId)).toBe(false);

    // A retry of the same update (e.g. after a timeout) answers the same and tells nobody again.
    const retry = await asCarrier("vnpost").update(pickupId, "picked_up");
    expect([retry.status, retry.json.changed]).toEqual([200, false]);

    const delivered = await asCarrier("vnpost").update(pickupId, "delivered");
    // The whole price was collected on delivery: the post office has the money, the order is paid (by cod).
    expect(delivered.json).toMatchObject({ pickup: { status: "delivered" }, order: { status: "delivered", payment: { state: "paid", paidBy: "cod" } }, changed: true });
    expect((await app.db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("delivered");
    expect(fake.sentTexts(SELLER).slice(sellerBefore)).toEqual([`📦 Đơn ${order.code}: bưu điện đã lấy hàng.`, `📦 Đơn ${order.code}: đã giao.`]);
    expect(fake.sentTexts(BUYER).slice(buyerBefore)).toEqual([`📦 Đơn ${order.code}: bưu điện đã lấy hàng.`, `📦 Đơn ${order.code}: đã giao.`]);

    // Delivered is final.
    const back = await asCarrier("vnpost").update(pickupId, "returned");
    expect([back.status, back.json.error, back.json.status]).toEqual([409, "transition_not_allowed", "delivered"]);
    expect(fake.sentTexts(SELLER)).toHaveLength(sellerBefore + 2);
  });

  it("tells a household about an order from a partner marketplace and its pickup (the buyer follows it on the status page)", async () => {
    const res = await call(app.url, "/api/v1/orders", { key: PARTNER_KEYS.voso, idempotencyKey: randomUUID(), body: orderFor(seller.listingId, 1) });
    expect(res.status).toBe(201);
    const services = createServices(app.db);
    await services.orders.accept(res.json.order.id, seller.shopId);
    const order = await services.orders.requestPickup(res.json.order.id, seller.shopId, { carrier: "viettel_post", weightGrams: 1100, codVnd: 0 });
    const before = fake.sentTexts(SELLER).length;
    const returned = await asCarrier("viettel_post").update(order!.pickup!.id, "returned");
    expect(returned.json).toMatchObject({ order: { code: res.json.order.code, status: "returned" } });
    expect(fake.sentTexts(SELLER).slice(before)).toEqual([`📦 Đơn ${res.json.order.code}: đã hoàn trả.`]);
  });

  it("refuses bad updates with JSON errors", async () => {
    const order = await orderWithPickup("viettel_post");
    const id = order.pickup!.id;
    for (const status of ["open", "lost", 3, null]) {
      const res = await asCarrier("viettel_post").update(id, status);
      expect([res.status, res.json.error, res.json.field]).toEqual([400, "invalid_body", "status"]);
    }
    expect((await asCarrier("viettel_post").update("nosuchpickup", "delivered")).status).toBe(404);
    expect((await asCarrier("viettel_post").update("../../x", "delivered")).status).toBe(404);
    expect((await call(app.url, `/api/v1/carrier/pickups/${id}/status`, { key: CARRIER_KEYS.viettel_post, raw: "{" })).json.error).toBe("invalid_json");
    expect((await call(app.url, "/api/v1/carrier/pickups?status=delivered", { key: CARRIER_KEYS.viettel_post })).status).toBe(400);
    expect((await app.db.pickup.findUniqueOrThrow({ where: { id } })).status).toBe("open");
  });

  it("answers 401 without a carrier key (a partner key is not one)", async () => {
    const order = await orderWithPickup("vnpost");
    for (const key of [null, PARTNER_KEYS.postmart, "vnp_wrong_key_0000000000000000"]) {
      expect((await call(app.url, "/api/v1/carrier/pickups", { key })).status).toBe(401);
      expect((await call(app.url, `/api/v1/carrier/pickups/${order.pickup!.id}/status`, { key, body: { status: "delivered" } })).status).toBe(401);
      expect((await call(app.url, `/api/v1/pickups.csv?commune=${CHI_LANG}`, { key })).status).toBe(401);
    }
    expect((await app.db.pickup.findUniqueOrThrow({ where: { id: order.pickup!.id } })).status).toBe("open");
  });
});

describe("CSV export of open pickups", () => {
  it("has a BOM, Vietnamese headers and the commune's open pickups, quoted where needed", async () => {
    const order = await orderWithPickup("vnpost", { name: "Đặng Thị Hương", address: 'Nhà "Cô Ba", thôn Bản Cưởm, xã Chi Lăng\n(gần chợ)' });
    const res = await asCarrier("vnpost").csv(`?commune=${CHI_LANG}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(new RegExp(`^attachment; filename="pickups-${CHI_LANG}-\\d{8}\\.csv"$`));
    expect(res.text.charCodeAt(0)).toBe(0xfeff);
    expect(res.text).toContain("\r\n");

    const rows: string[][] = parse(res.text, { bom: true });
    expect(rows[0]).toEqual([
      "Mã yêu cầu", "Mã đơn", "Hãng", "Thời gian tạo", "Xã/phường", "Mã xã", "Người gửi", "Cửa hàng", "SĐT người gửi", "Hàng",
      "Số lượng", "Khối lượng (gam)", "Thu hộ (đồng)", "Người nhận", "SĐT người nhận", "Địa chỉ nhận", "Tỉnh/huyện nhận",
    ]);
    const row = rows.find((r) => r[1] === order.code);
    expect(row).toEqual([
      order.pickup!.id, order.code, "Vietnam Post (Bưu điện)", expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d$/), "Xã Chi Lăng", CHI_LANG,
      "Nông Văn Dũng", "Cửa hàng Nông Văn Dũng", "0918 501 501", "Hoa hồi khô", "3 kg", "3200", "240000",
      "Đặng Thị Hương", "0987 111 222", 'Nhà "Cô Ba", thôn Bản Cưởm, xã Chi Lăng\n(gần chợ)', "Lạng Sơn",
    ]);
    // Raw quoting: the address with quotes, commas and a line break is one quoted field, quotes doubled.
    expect(res.text).toContain(',"Nhà ""Cô Ba"", thôn Bản Cưởm, xã Chi Lăng\n(gần chợ)",');
    // Only this carrier's open pickups: none of viettel_post's, none already picked up.
    const open = await app.db.pickup.findMany({ where: { carrier: "vnpost", status: "open", communeCode: CHI_LANG } });
    expect(rows.length - 1).toBe(open.length);

    const en = await asCarrier("vnpost").csv(`?commune=${CHI_LANG}&lang=en`);
    expect(parse(en.text, { bom: true })[0].slice(0, 3)).toEqual(["Pickup ID", "Order code", "Carrier"]);
  });

  it("is only a header for a commune without open pickups, and refuses a missing or unknown commune", async () => {
    const empty = await asCarrier("viettel_post").csv("?commune=05977");
    expect(empty.status).toBe(200);
    expect(parse(empty.text, { bom: true })).toHaveLength(1);
    for (const q of ["", "?commune=", "?commune=abc", "?commune=99999"]) {
      const res = await asCarrier("viettel_post").csv(q);
      expect([res.status, res.json?.error, res.json?.field], q).toEqual([400, "invalid_query", "commune"]);
    }
  });

  it("quotes by RFC 4180 and defuses spreadsheet formulas", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField(" padded ")).toBe('" padded "');
    expect(csvField("=HYPERLINK(\"http://x\")")).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField("+84912345678")).toBe("'+84912345678");
    expect(csvField("-1")).toBe("'-1");
    expect(csvField(-1)).toBe("-1");
    expect(csvField(null)).toBe("");
    const doc = csvDocument(["a", "b"], [["x,y", 2]]);
    expect(doc).toBe('\uFEFFa,b\r\n"x,y",2\r\n');
    expect(parse(doc, { bom: true })).toEqual([["a", "b"], ["x,y", "2"]]);
  });
});

describe("API key configuration", () => {
  const base = { DATABASE_URL: "file:./data/x.db" };
  const good = "k".repeat(24);

  it("reads name:key lists", () => {
    const cfg = loadConfig({ ...base, PARTNER_API_KEYS: ` postmart:${good}1 , voso:${good}2 `, CARRIER_API_KEYS: `vnpost:${good}3,vnpost:${good}4` }, "/nonexistent");
    expect(cfg.PARTNER_API_KEYS).toEqual([{ name: "postmart", key: `${good}1` }, { name: "voso", key: `${good}2` }]);
    // Two keys for one carrier: rotation.
    expect(cfg.CARRIER_API_KEYS.map((k) => k.name)).toEqual(["vnpost", "vnpost"]);
    expect(loadConfig(base, "/nonexistent").PARTNER_API_KEYS).toEqual([]);
    expect(loadConfig({ ...base, CARRIER_API_KEYS: "  " }, "/nonexistent").CARRIER_API_KEYS).toEqual([]);
  });

  it("accepts every carrier of the domain and nothing else", () => {
    for (const c of CARRIERS) expect(parseApiKeys(`${c}:${good}`, { names: ["viettel_post", "vnpost"] }).problems).toEqual([]);
    expect(loadConfig({ ...base, CARRIER_API_KEYS: CARRIERS.map((c, i) => `${c}:${good}${i}`).join(",") }, "/nonexistent").CARRIER_API_KEYS).toHaveLength(CARRIERS.length);
  });

  it("names each problem without echoing the key", () => {
    const secret = "short-secret";
    const attempt = (env: NodeJS.ProcessEnv) => {
      try {
        loadConfig({ ...base, ...env }, "/nonexistent");
        return "";
      } catch (e) {
        return (e as Error).message;
      }
    };
    const msg = attempt({ PARTNER_API_KEYS: `postmart:${secret},voso,,Bad Name:${good},dup:${good},dup2:${good}` });
    expect(msg).toContain("PARTNER_API_KEYS: entry 1 (postmart): key must be 24-256 characters, it has 12");
    expect(msg).toContain("PARTNER_API_KEYS: entry 2 must look like name:key");
    expect(msg).toContain("PARTNER_API_KEYS: entry 3 is empty");
    expect(msg).toContain('PARTNER_API_KEYS: entry 4: name "Bad Name" must be');
    expect(msg).toContain("PARTNER_API_KEYS: entry 6 (dup2): the same key is listed twice");
    expect(msg).not.toContain(secret);
    expect(msg).not.toContain(good);
    expect(attempt({ CARRIER_API_KEYS: `ghn:${good}` })).toContain('CARRIER_API_KEYS: entry 1: unknown name "ghn" (expected one of viettel_post, vnpost)');
    expect(attempt({ CARRIER_API_KEYS: `vnpost:${good} x` })).toContain("printable ASCII without spaces or commas");
    expect(attempt({ PARTNER_API_KEYS: `postmart:${good}`, CARRIER_API_KEYS: `vnpost:${good}` })).toContain("also in PARTNER_API_KEYS");
  });
});
