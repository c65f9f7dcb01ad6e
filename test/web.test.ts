// The public web pages through the real app (fastify inject, no browser): shop page, order form with
// bad input on every field, order status page, market filters, photos, and the web chat simulator's
// API. Households and listings are made through the domain services, as the chat flows do.
import { mkdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import Fastify from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import type { HouseholdView } from "../src/core/households.ts";
import { createServices } from "../src/core/services.ts";
import { registerWeb } from "../src/web/index.ts";
import { useTestDatabase } from "./support/db.ts";
import { TMP_DIR } from "./support/paths.ts";
import { CAPS_OFF_ENV } from "./support/caps.ts";

const testDb = useTestDatabase();
const MEDIA_DIR = resolve(TMP_DIR, `web-media-${process.pid}`);
const CHI_LANG = "06463";
const DONG_DANG = "06184";

let app: App;
let shop: HouseholdView;
let anise: { id: string };
let persimmons: { id: string };

let nextPhone = 100;
async function household(name: string, shopName: string, communeCode = CHI_LANG): Promise<HouseholdView> {
  const phone = `+8491200${String(++nextPhone).padStart(4, "0")}`;
  return createServices(app.db).households.register({
    name,
    phone,
    provinceCode: "20",
    communeCode,
    shopName,
    payment: "momo",
    identity: { channel: "cli", userKey: phone, chatKey: phone },
    locale: "vi",
  });
}

async function listing(h: HouseholdView, fields: Partial<{ productId: string | null; title: string; unit: string; quantity: number; displayUnit: string; priceVnd: number; availableFrom: Date }> = {}) {
  return createServices(app.db).listings.create({
    shopId: h.shop!.id,
    productId: "hoi-kho",
    title: "Hoa hồi khô",
    unit: "kg",
    quantity: 200,
    displayUnit: "ta",
    priceVnd: 80_000,
    ...fields,
  });
}

beforeAll(async () => {
  mkdirSync(MEDIA_DIR, { recursive: true });
  app = createApp({
    config: loadConfig({ DATABASE_URL: testDb.url, PORT: "3999", LOG_LEVEL: "silent", MEDIA_DIR, PUBLIC_URL: "https://cho.example.vn", RATE_LIMIT_FACTOR: "0", ...CAPS_OFF_ENV }),
    log: pino({ level: process.env.TEST_LOG ?? "silent" }),
  });
  await app.http.ready();
  await app.engine.catalog.get(); // seeds the product table
  shop = await household("Hoàng Văn Lâm", "Hồi Chi Lăng nhà Lâm");
  anise = await listing(shop);
  persimmons = await listing(shop, { productId: "hong-khong-hat", title: "Hồng không hạt", unit: "qua", quantity: 300, displayUnit: "qua", priceVnd: 5_000 });
});

afterAll(async () => {
  await app?.stop();
  rmSync(MEDIA_DIR, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}) => app.http.inject({ method: "GET", url, headers });

const post = (url: string, form: Record<string, string>) =>
  app.http.inject({ method: "POST", url, headers: { "content-type": "application/x-www-form-urlencoded" }, payload: new URLSearchParams(form).toString() });

const orderCount = () => testDb.db.order.count();

/** A complete, valid form for the anise listing; override one field to make it wrong. */
const goodForm = (over: Record<string, string> = {}) => ({
  listing: anise.id,
  quantity: "5",
  name: "Trần Thị Lan",
  phone: "0987 654 321",
  province: "01",
  district: "Phường Hoàn Kiếm",
  address: "12 Hàng Bạc",
  ...over,
});

describe("shop page", () => {
  it("shows the shop, its live listings with price, stock and availability, and an order form each", async () => {
    // A shop of its own: the other tests order from the shared one, whatever order they run in.
    const own = await household("Hoàng Văn Lâm", "Hồi Bắc Sơn nhà Lâm");
    const ownAnise = await listing(own);
    await listing(own, { productId: "hong-khong-hat", title: "Hồng không hạt", unit: "qua", quantity: 300, displayUnit: "qua", priceVnd: 5_000 });
    await listing(own, { title: "Hoa hồi tươi", productId: "hoi-tuoi", quantity: 50, displayUnit: "kg", priceVnd: 30_000, availableFrom: new Date(Date.now() + 20 * 86_400_000) });
    const paused = await listing(own, { title: "Quế khô", productId: null, quantity: 10, displayUnit: "kg" });
    await createServices(app.db).listings.update(own.shop!.id, paused.id, { status: "paused" });

    const res = await get(`/s/${own.shop!.slug}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.headers["content-security-policy"]).toContain("default-src 'none'");
    const body = res.body;
    expect(body).toMatch(/^<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport"/);
    expect(body).toContain("<h1>Hồi Bắc Sơn nhà Lâm</h1>");
    expect(body).toContain("📍 Xã Chi Lăng, Lạng Sơn");
    expect(body).toContain("80.000 đ/kg");
    expect(body).toContain("Còn 2 tạ (200 kg)");
    expect(body).toContain("Có hàng ngay");
    expect(body).toMatch(/Có hàng từ \d{1,2}\/\d{1,2}\/20\d\d/);
    expect(body).toContain("5.000 đ/quả");
    expect(body).toContain("Còn 300 quả");
    expect(body).not.toContain("Quế khô"); // paused
    expect(body).not.toContain("Hoàng Văn Lâm"); // the household's own name stays private
    expect(body).not.toContain("0912");
    // one form per listing, with every field; the province list has the home province first
    expect(body.match(/<form method="post"/g)).toHaveLength(3);
    // each form orders its own listing (the forms share one cached drawing)
    for (const article of body.split("<article").slice(1)) {
      const id = /^ class="card" id="l-([a-z0-9]+)"/.exec(article)![1];
      expect(article).toContain(`<input type="hidden" name="listing" value="${id}">`);
    }
    for (const name of ["quantity", "name", "phone", "province", "district", "address"]) expect(body).toContain(`name="${name}"`);
    expect(body).toContain("Số lượng (kg)");
    expect(body).toContain("Số lượng (quả)");
    const form = body.slice(body.indexOf(`value="${ownAnise.id}"`));
    const options = form.slice(form.indexOf('<select name="province"')).split("</select>")[0];
    expect(options.match(/<option value="\d\d">/g)).toHaveLength(34);
    expect(options).toMatch(/^<select name="province" required><option value="">Chọn tỉnh, thành phố<option value="20">Lạng Sơn<option value="91">An Giang/);
    expect(Buffer.byteLength(body)).toBeLessThan(40_000);
  });

  it("answers an unknown shop with a Vietnamese 404 page", async () => {
    for (const slug of ["khong-co", "UPPER", "a".repeat(90), "%3Cscript%3E"]) {
      const res = await get(`/s/${slug}`);
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain("Không tìm thấy trang");
    }
  });

  it("renders script tags in listing titles as text", async () => {
    const h = await household("Lý Thị Mai", "Mai Văn Quan");
    await listing(h, { productId: null, title: `<script>alert("x")</script> & "quả" 'ngon'`, unit: "kg", displayUnit: "kg" });
    const res = await get(`/s/${h.shop!.slug}`);
    expect(res.body).not.toContain("<script");
    expect(res.body).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quả&quot; &#39;ngon&#39;");
  });

  it("is sent gzipped to browsers that accept it", async () => {
    const res = await get(`/s/${shop.shop!.slug}`, { "accept-encoding": "gzip, deflate, br" });
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(res.headers.vary).toContain("accept-encoding");
    expect(gunzipSync(res.rawPayload).toString("utf8")).toContain("<h1>Hồi Chi Lăng nhà Lâm</h1>");
    expect(res.rawPayload.length).toBeLessThan(6_000);
  });
});

describe("ordering from the shop page", () => {
  it("places the order (source web), reserves the stock and sends the buyer to the status page", async () => {
    const fresh = await listing(shop); // 2 tạ, whatever the other tests ordered from the first one
    const article = (body: string) => body.split("<article").find((a) => a.includes(`id="l-${fresh.id}"`)) ?? "";
    const before = await orderCount();
    const res = await post(`/s/${shop.shop!.slug}`, goodForm({ listing: fresh.id, quantity: "1,5" }));
    expect(res.statusCode).toBe(303);
    const location = res.headers.location as string;
    expect(location).toMatch(/^\/don\/[A-Za-z0-9_-]{32}$/);
    expect(await orderCount()).toBe(before + 1);
    const order = await testDb.db.order.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
    expect(order).toMatchObject({
      listingId: fresh.id,
      quantityMilli: 1500,
      totalVnd: 120_000,
      buyerName: "Trần Thị Lan",
      buyerPhone: "+84987654321",
      buyerAddress: "12 Hàng Bạc",
      buyerArea: "Phường Hoàn Kiếm, Thành phố Hà Nội",
      buyerChannel: "web",
      source: "web",
      status: "pending",
    });
    expect((await testDb.db.listing.findUniqueOrThrow({ where: { id: fresh.id } })).stockMilli).toBe(198_500);
    // the shop page shows the new stock at once (drawn pages are kept only while nothing changed)
    expect(article((await get(`/s/${shop.shop!.slug}`)).body)).toContain("(198,5 kg)");
    expect(article(gunzipSync((await get(`/s/${shop.shop!.slug}`, { "accept-encoding": "gzip" })).rawPayload).toString())).toContain("(198,5 kg)");

    const status = await get(location);
    expect(status.statusCode).toBe(200);
    expect(status.headers["cache-control"]).toBe("no-store");
    expect(status.headers["referrer-policy"]).toBe("no-referrer");
    const body = status.body;
    expect(body).toContain(`Đơn ${order.code}`);
    expect(body).toContain("1,5 kg Hoa hồi khô");
    expect(body).toContain("Tổng tiền: 120.000 đ");
    expect(body).toContain("Cửa hàng: Hồi Chi Lăng nhà Lâm · Xã Chi Lăng");
    expect(body).toContain("Tình trạng: chờ người bán trả lời");
    expect(body).toContain("Trần Thị Lan · 0987 *** 321 · Phường Hoàn Kiếm, Thành phố Hà Nội");
    expect(body).not.toContain("654");
    expect(body).not.toContain("12 Hàng Bạc");
    expect(body).toContain('<meta http-equiv="refresh" content="30">');
    expect(body).toContain('<li class="done">Đã gửi đơn');
    expect(body).toContain('<li class="todo">Người bán nhận đơn</li>');

    // The household accepts and asks for a pickup: the page follows, and stops refreshing once delivered.
    const services = createServices(app.db);
    await services.orders.accept(order.id, shop.shop!.id);
    await services.orders.requestPickup(order.id, shop.shop!.id, { carrier: "vnpost", weightGrams: 1600, codVnd: 120_000 });
    let after = (await get(location)).body;
    expect(after).toContain("Tình trạng: người bán đã nhận đơn");
    expect(after).toContain('<li class="done">Người bán nhận đơn</li>');
    expect(after).toContain("🚚 Vận chuyển: Vietnam Post (Bưu điện)");
    const pickup = await testDb.db.pickup.findUniqueOrThrow({ where: { orderId: order.id } });
    await services.orders.pickupUpdate(pickup.id, "vnpost", "delivered");
    after = (await get(location)).body;
    expect(after).toContain("Tình trạng: đã giao");
    expect(after).toContain('<li class="done">Đã giao hàng</li>');
    expect(after).not.toContain("http-equiv");
  });

  it("keeps a district out of the area when none is typed", async () => {
    const res = await post(`/s/${shop.shop!.slug}`, goodForm({ district: "  ", province: "20" }));
    expect(res.statusCode).toBe(303);
    const order = await testDb.db.order.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
    expect(order.buyerArea).toBe("Lạng Sơn");
  });

  const bad: Array<[string, Record<string, string>, string]> = [
    ["an empty quantity", { quantity: "" }, "Bạn nhập số lượng nhé."],
    ["a negative quantity", { quantity: "-5" }, "Số lượng cần lớn hơn 0."],
    ["a zero quantity", { quantity: "0,0" }, "Số lượng cần lớn hơn 0."],
    ["a quantity that is not a number", { quantity: "năm cân" }, "Số lượng là một số, ví dụ: 5 hoặc 1,5"],
    ["a quantity in exponent form", { quantity: "1e9" }, "Số lượng là một số, ví dụ: 5 hoặc 1,5"],
    ["a huge quantity", { quantity: "999999999999999999999" }, "Cửa hàng chỉ còn"],
    ["more than is left", { quantity: "250" }, "Cửa hàng chỉ còn"],
    ["too many decimals", { quantity: "1,2345" }, "Bạn ghi tối đa 3 số sau dấu phẩy nhé."],
    ["half a persimmon", { listing: "PERSIMMONS", quantity: "2,5" }, "Số lượng cần là số nguyên."],
    ["an empty name", { name: " " }, "Bạn nhập tên nhé."],
    ["a script tag as name", { name: "<script>alert(1)</script>" }, "Tên chỉ gồm chữ cái và dấu cách."],
    ["a 10 kB name", { name: "Lan".repeat(3_400) }, "Tên dài quá, tối đa 60 chữ."],
    ["a one-letter name", { name: "L" }, "Tên ngắn quá."],
    ["digits as name", { name: "12345" }, "Tên cần có chữ cái."],
    ["no phone", { phone: "" }, "Bạn nhập số điện thoại nhé."],
    ["words as phone", { phone: "gọi tôi" }, "Chưa đọc được số điện thoại."],
    ["a landline", { phone: "0205 3870 123" }, "Đây không phải số di động."],
    ["a foreign phone", { phone: "+1 202 555 0143" }, "Chỉ nhận số di động Việt Nam."],
    ["a 10 kB phone", { phone: "0".repeat(10_000) }, "Chưa đọc được số điện thoại."],
    ["no province", { province: "" }, "Bạn chọn tỉnh, thành phố nhé."],
    ["an unknown province", { province: "99" }, "Bạn chọn tỉnh, thành phố nhé."],
    ["a long district", { district: "x".repeat(61) }, "Tên xã dài quá, tối đa 60 chữ."],
    ["a short address", { address: "abc" }, "Địa chỉ ngắn quá."],
    ["a long address", { address: "Thôn Bản Chu ".repeat(20) }, "Địa chỉ dài quá, tối đa 200 chữ."],
  ];

  it.each(bad)("refuses %s with a message next to the field, keeps what was typed, and creates nothing", async (_what, over, message) => {
    const before = await orderCount();
    const form = goodForm(over.listing === "PERSIMMONS" ? { ...over, listing: persimmons.id } : over);
    const res = await post(`/s/${shop.shop!.slug}`, form);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(message);
    expect(res.body).toContain('<p class="err"');
    expect(res.body).toContain("Bạn sửa các ô báo đỏ bên dưới nhé.");
    expect(res.body).toContain(`<details open><summary>`);
    expect(res.body).not.toContain("<script>");
    // the other fields keep the buyer's values
    if (!("address" in over)) expect(res.body).toContain('value="12 Hàng Bạc"');
    if (!("name" in over)) expect(res.body).toContain('value="Trần Thị Lan"');
    if ("name" in over && over.name.includes("<")) expect(res.body).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    if (!("province" in over)) expect(res.body).toContain('<option value="01" selected>');
    expect(await orderCount()).toBe(before);
  });

  it("says how much is left when more is asked than the stock", async () => {
    const res = await post(`/s/${shop.shop!.slug}`, goodForm({ quantity: "1000" }));
    expect(res.statusCode).toBe(400);
    const stock = (await testDb.db.listing.findUniqueOrThrow({ where: { id: anise.id } })).stockMilli / 1000;
    expect(res.body).toContain(`Cửa hàng chỉ còn ${String(stock).replace(".", ",")} kg.`);
  });

  it("refuses control characters and markup in a name or address, and shows the typed values back without them", async () => {
    const before = await orderCount();
    const res = await post(`/s/${shop.shop!.slug}`, goodForm({ name: "Mai\u0000\u001b[31m", address: "<script>alert(1)</script>\u0007 số 5" }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("Tên chỉ gồm chữ cái và dấu cách.");
    expect(res.body).toContain("Địa chỉ chỉ gồm chữ, số và dấu câu thông thường.");
    expect(res.body).toContain('value="Mai\ufffd\ufffd[31m"');
    expect(res.body).toContain("&lt;script&gt;");
    // eslint-disable-next-line no-control-regex
    expect(res.body).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|<script>alert/);
    expect(await orderCount()).toBe(before);
  });

  it("refuses a listing of another shop or one no longer for sale (409), and a form without a listing (400)", async () => {
    const other = await household("Vi Văn Tài", "Tài Đồng Đăng", DONG_DANG);
    const theirs = await listing(other);
    const before = await orderCount();
    let res = await post(`/s/${shop.shop!.slug}`, goodForm({ listing: theirs.id }));
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain("Món này vừa hết hoặc ngừng bán.");
    res = await post(`/s/${shop.shop!.slug}`, goodForm({ listing: "" }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("Yêu cầu không hợp lệ.");
    res = await post(`/s/khong-co-shop`, goodForm());
    expect(res.statusCode).toBe(404);
    expect(await orderCount()).toBe(before);
  });

  it("refuses a body over the limit with a page, not a crash", async () => {
    const before = await orderCount();
    const res = await post(`/s/${shop.shop!.slug}`, goodForm({ name: "Lan".repeat(30_000) }));
    expect(res.statusCode).toBe(413);
    expect(res.headers["content-type"]).toContain("text/html");
    expect(res.body).toContain("Nội dung gửi lên dài quá.");
    expect(await orderCount()).toBe(before);
    // the server is fine afterwards
    expect((await get(`/s/${shop.shop!.slug}`)).statusCode).toBe(200);
  });

  it("tells the buyer what is left when someone else was quicker (place() says not_enough)", async () => {
    // A second server on the same database whose order service loses the race on purpose.
    const http = Fastify();
    registerWeb(http, {
      db: app.db,
      engine: app.engine,
      log: pino({ level: "silent" }),
      mediaDir: MEDIA_DIR,
      provinceCode: "20",
      chat: false,
      orders: {
        async place(input) {
          await testDb.db.listing.update({ where: { id: input.listingId }, data: { stockMilli: 3_000 } });
          return { ok: false, reason: "not_enough", availableQuantity: 3 };
        },
      },
    });
    const h = await household("Hà Văn Nam", "Nam Chi Lăng");
    const l = await listing(h);
    const res = await http.inject({
      method: "POST",
      url: `/s/${h.shop!.slug}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams(goodForm({ listing: l.id, quantity: "10" })).toString(),
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("Hàng vừa được người khác đặt, cửa hàng chỉ còn 3 kg.");
    expect(res.body).toContain("Cửa hàng chỉ còn 3 kg.");
    expect(res.body).toContain('value="10"');
    expect(res.body).toContain("Còn 3 kg");
    await http.close();
  });

  it("gives everyone the last kilos only once", async () => {
    const h = await household("Nông Thị Hoa", "Hoa Chi Lăng");
    const l = await listing(h, { quantity: 10, displayUnit: "kg" });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => post(`/s/${h.shop!.slug}`, goodForm({ listing: l.id, quantity: "3" }))),
    );
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 303)).toHaveLength(3);
    expect(codes.filter((c) => c !== 303).every((c) => c === 400 || c === 409)).toBe(true);
    expect((await testDb.db.listing.findUniqueOrThrow({ where: { id: l.id } })).stockMilli).toBe(1_000);
  });
});

describe("order status page", () => {
  it("answers an unknown or malformed token with a Vietnamese 404 page", async () => {
    for (const token of ["A".repeat(32), "short", "../../etc/passwd", "x".repeat(100)]) {
      const res = await get(`/don/${encodeURIComponent(token)}`);
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain("Không tìm thấy trang");
      expect(res.body).toContain('<html lang="vi">');
    }
  });
});

describe("market page", () => {
  it("lists live listings of every shop, newest first, filtered by product and commune, page by page", async () => {
    const far = await household("Dương Văn Khánh", "Khánh Đồng Đăng", DONG_DANG);
    const old = await listing(far, { title: "Hoa hồi khô loại 1" });
    await listing(far, { productId: null, title: "Măng khô Bình Gia", displayUnit: "kg", quantity: 30 });
    await testDb.db.listing.update({ where: { id: old.id }, data: { updatedAt: new Date(Date.now() - 86_400_000) } });

    let res = await get("/cho");
    expect(res.statusCode).toBe(200);
    let body = res.body;
    expect(body).toContain("<h1>Chợ nông sản</h1>");
    expect(body).toContain("Hàng đang bán ở Lạng Sơn, mới nhất trước.");
    expect(body.indexOf("Măng khô Bình Gia")).toBeLessThan(body.indexOf("Hoa hồi khô loại 1"));
    expect(body).toContain(`href="/s/${far.shop!.slug}#l-${old.id}"`);
    expect(body).toContain("🏪 Khánh Đồng Đăng · Xã Đồng Đăng");
    expect(body).toContain('<option value="khac">Khác</option>');

    body = (await get(`/cho?product=khac&commune=${DONG_DANG}`)).body;
    expect(body).toContain("<h2>Măng khô Bình Gia<span class=\"origin\"> — Đồng Đăng, Lạng Sơn</span></h2>");
    expect(body).not.toContain("<h2>Hoa hồi khô");
    expect(body).toContain('<option value="khac" selected>');
    expect(body).toContain(`<option value="${DONG_DANG}" selected>`);

    body = (await get(`/cho?product=hoi-kho&commune=${CHI_LANG}`)).body;
    expect(body).not.toContain("Khánh Đồng Đăng");
    expect(body).toContain("🏪 Hồi Chi Lăng nhà Lâm · Xã Chi Lăng");

    body = (await get(`/cho?product=hoi-kho&commune=`)).body; // "all communes" submits an empty value
    expect(body).toContain("Hoa hồi khô loại 1");

    body = (await get(`/cho?product=na-chi-lang`)).body;
    expect(body).toContain("Chưa có hàng nào khớp.");

    // 35 more listings: two pages of 30, links carry the filters
    const many = await household("Hà Thị Nhung", "Nhung Đồng Đăng", DONG_DANG);
    for (let i = 0; i < 35; i++) await listing(many, { productId: null, title: `Rau cải ${i}`, displayUnit: "kg", quantity: 5 });
    body = (await get(`/cho?product=khac`)).body;
    expect(body.match(/<article/g)).toHaveLength(30);
    expect(body).toContain('href="/cho?product=khac&amp;page=2" rel="next"');
    const others = await testDb.db.listing.count({ where: { productId: null, status: "active", stockMilli: { gt: 0 } } });
    expect(others).toBeGreaterThan(30);
    expect(others).toBeLessThanOrEqual(60);
    body = (await get(`/cho?product=khac&page=2`)).body;
    expect(body.match(/<article/g)).toHaveLength(others - 30);
    expect(body).toContain('href="/cho?product=khac" rel="prev"');
    expect(body).not.toContain('rel="next"');
  });

  it("refuses malformed filters with a 400 page", async () => {
    for (const q of ["page=0", "page=abc", "commune=123", "product=%3Cscript%3E", "page=-1"]) {
      const res = await get(`/cho?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.body).toContain("Yêu cầu không hợp lệ.");
    }
  });
});

describe("photos", () => {
  it("serves media files by their listing name with cache headers, and nothing else", async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
    writeFileSync(join(MEDIA_DIR, `${anise.id}.jpg`), jpeg);
    utimesSync(join(MEDIA_DIR, `${anise.id}.jpg`), new Date("2026-01-01"), new Date("2026-01-01"));
    writeFileSync(resolve(MEDIA_DIR, "..", "secret.jpg"), "TOP-SECRET-CONTENT");
    await testDb.db.listing.update({ where: { id: anise.id }, data: { photoFile: `${anise.id}.jpg` } });

    const res = await get(`/media/${anise.id}.jpg`);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("image/jpeg");
    expect(res.headers["cache-control"]).toBe("public, max-age=86400");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.rawPayload).toEqual(jpeg);
    const again = await get(`/media/${anise.id}.jpg`, { "if-modified-since": res.headers["last-modified"] as string });
    expect(again.statusCode).toBe(304);

    const page = (await get(`/s/${shop.shop!.slug}`)).body;
    expect(page).toContain(`<img src="/media/${anise.id}.jpg" width="96" height="96" loading="lazy" alt="Hoa hồi khô">`);

    for (const path of ["../secret.jpg", "..%2Fsecret.jpg", "%2e%2e%2fsecret.jpg", "..%5Csecret.jpg", `${anise.id.toUpperCase()}.jpg`, `${anise.id}.gif`, "missing.jpg", `${anise.id}.jpg%00.png`]) {
      const r = await get(`/media/${path}`);
      expect([400, 404], path).toContain(r.statusCode);
      expect(r.body).not.toContain("TOP-SECRET-CONTENT");
    }
    rmSync(resolve(MEDIA_DIR, "..", "secret.jpg"), { force: true });
  });
});

describe("web chat simulator API", () => {
  const session = "test-session-0123456789abcdef";
  const send = (body: Record<string, unknown>) => app.http.inject({ method: "POST", url: "/chat/api/send", payload: body });
  type Msg = { seq: number; text: string; choices?: Array<Array<{ id: string; label: string }>> };
  const messagesOf = (res: { json(): unknown }) => (res.json() as { messages: Msg[] }).messages;
  const choice = (msgs: Msg[], label: string) => {
    const found = msgs.flatMap((m) => (m.choices ?? []).flat()).find((c) => c.label === label);
    if (!found) throw new Error(`no button ${label} in ${JSON.stringify(msgs)}`);
    return found.id;
  };

  /** A whole registration in the simulator, through its buttons; ends at the main menu. */
  async function registerOnWeb(session: string, name: string, phone: string): Promise<Msg[]> {
    let msgs = messagesOf(await send({ session, text: "/start" }));
    expect(msgs.map((m) => m.text).join("\n")).toMatch(/đồng ý chứ/);
    msgs = messagesOf(await send({ session, choiceId: choice(msgs, "✅ Đồng ý") }));
    expect(msgs.at(-1)!.text).toMatch(/Tên chủ hộ/);
    msgs = messagesOf(await send({ session, text: name }));
    expect(msgs.at(-1)!.text).toMatch(/Số điện thoại di động của bạn là gì/); // no contact button on the web
    msgs = messagesOf(await send({ session, text: phone }));
    msgs = messagesOf(await send({ session, text: "chi lang" }));
    msgs = messagesOf(await send({ session, choiceId: choice(msgs, "Xã Chi Lăng") }));
    msgs = messagesOf(await send({ session, choiceId: choice(msgs, `Cửa hàng ${name}`) }));
    msgs = messagesOf(await send({ session, choiceId: choice(msgs, "Viettel Money") }));
    expect(msgs.at(-1)!.text).toMatch(/Bạn muốn làm gì/);
    return msgs;
  }

  it("holds a registration with real buttons, and the shop card carries the shop link", async () => {
    expect((await get("/chat")).statusCode).toBe(200);
    let msgs = await registerOnWeb(session, "Lương Văn Bình", "0913 222 444");
    msgs = messagesOf(await send({ session, choiceId: choice(msgs, "🏪 Cửa hàng của tôi") }));
    const card = msgs.map((m) => m.text).join("\n");
    const slug = (await testDb.db.shop.findFirstOrThrow({ where: { name: "Cửa hàng Lương Văn Bình" } })).slug;
    expect(card).toContain(`🔗 Trang cửa hàng để gửi cho khách: https://cho.example.vn/s/${slug}`);

    // poll returns what came after a given message, and nothing is lost or repeated
    const all = messagesOf(await get(`/chat/api/poll?session=${session}&after=0`));
    expect(all.map((m) => m.seq)).toEqual(all.map((_, i) => i + 1));
    expect(messagesOf(await get(`/chat/api/poll?session=${session}&after=${all.at(-1)!.seq}`))).toEqual([]);
  });

  it("delivers a new order to a household on the web simulator through poll", async () => {
    const session = "test-session-orders-0123456789";
    await registerOnWeb(session, "Lộc Văn Tâm", "0913 222 555");
    const account = await testDb.db.channelAccount.findFirstOrThrow({ where: { channel: "web", userKey: session } });
    const h = await testDb.db.household.findUniqueOrThrow({ where: { id: account.householdId! }, include: { shop: true } });
    const l = await createServices(app.db).listings.create({ shopId: h.shop!.id, productId: "hoi-kho", title: "Hoa hồi khô", unit: "kg", quantity: 20, displayUnit: "kg", priceVnd: 80_000 });
    const last = messagesOf(await get(`/chat/api/poll?session=${session}`)).at(-1)!.seq;
    expect((await post(`/s/${h.shop!.slug}`, goodForm({ listing: l.id, quantity: "2" }))).statusCode).toBe(303);
    const fresh = messagesOf(await get(`/chat/api/poll?session=${session}&after=${last}`));
    expect(fresh).toHaveLength(1);
    expect(fresh[0].text).toMatch(/^🛒 Đơn mới DH[0-9A-Z]+: 2 kg Hoa hồi khô, tổng 160\.000 đ/);
    expect(fresh[0].choices!.flat().map((c) => c.label)).toEqual(["✅ Nhận đơn", "Từ chối", "📞 Gọi người mua", "🚫 Chặn người mua này"]);
  });

  it("refuses bad requests", async () => {
    const cases: Array<Record<string, unknown>> = [
      { session: "short", text: "hi" },
      { session: "bad session with spaces!!", text: "hi" },
      { session, text: "hi", choiceId: "1.yes" },
      { session },
      { session, text: "   " },
      { session, text: 42 },
    ];
    for (const body of cases) expect((await send(body)).statusCode, JSON.stringify(body)).toBe(400);
    const long = await send({ session, text: "a".repeat(2001) });
    expect(long.statusCode).toBe(400);
    expect(long.json()).toMatchObject({ ok: false, error: "Tin nhắn dài quá." });
    expect((await send({ session, text: "a".repeat(20_000) })).statusCode).toBe(413);
    expect((await get("/chat/api/poll?session=x")).statusCode).toBe(400);
  });

  it("is not served when a bot token is configured", async () => {
    const withBot = createApp({
      config: loadConfig({ DATABASE_URL: testDb.url, PORT: "3998", LOG_LEVEL: "silent", MEDIA_DIR, TELEGRAM_BOT_TOKEN: "7000000001:AAFakeTokenForChoSoTests_0123456789" }),
      log: pino({ level: "silent" }),
    });
    await withBot.http.ready();
    expect((await withBot.http.inject({ method: "GET", url: "/chat" })).statusCode).toBe(404);
    expect((await withBot.http.inject({ method: "POST", url: "/chat/api/send", payload: { session, text: "hi" } })).statusCode).toBe(404);
    expect((await withBot.http.inject({ method: "GET", url: `/s/${shop.shop!.slug}` })).statusCode).toBe(200);
    await withBot.stop();
  });
});

describe("drawn page cache", () => {
  it("keeps pages by fingerprint and drops the least recently used beyond its size", async () => {
    const { PageCache } = await import("../src/web/page-cache.ts");
    const cache = new PageCache(4_000);
    const page = (n: number) => ({ body: Buffer.alloc(900, n) });
    expect(PageCache.key({ a: 1 }, [0])).not.toBe(PageCache.key({ a: 1 }, [1]));
    for (let i = 0; i < 4; i++) cache.set(`p${i}`, page(i));
    expect(cache.get("p0")).toBeDefined(); // p0 is now the most recent
    cache.set("p4", page(4)); // 5 × 900 > 4,000: the least recently used (p1) goes
    expect(cache.get("p1")).toBeUndefined();
    expect(cache.get("p0")?.body[0]).toBe(0);
    expect(cache.get("p4")?.body[0]).toBe(4);
    cache.set("huge", { body: Buffer.alloc(2_000) }); // more than a quarter of the cache: not kept
    expect(cache.get("huge")).toBeUndefined();
  });
});
