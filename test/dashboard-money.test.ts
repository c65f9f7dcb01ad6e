// The dashboard's money and shipment figures (issue 15 part 4, issue 21 part 5): orders paid by the bank's
// webhook, by the household's tap and by cash on delivery, shipments picked up, delivered and returned by
// each carrier, and transfers that did not pay an order. The page and the communes CSV must show what a
// recount of the rows gives (computed here from the rows, not from the tallies), and an officer of one
// commune sees only that commune's transfers to look at.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../src/app.ts";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { bankMemos, sendSepay, sepayBody } from "./fakes/bank-senders.ts";
import { startBot, startFakeBotApi } from "./support/bot.ts";
import { CHI_LANG, HUU_LUNG, money, officerWithLink, pct, vn } from "./support/dashboard.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();
const SECRET = "sepay-dashboard-secret-0123456789";
const SEPAY = { kind: "hmac" as const, secret: SECRET };

let fake: FakeTelegram;
let bot: App & { url: string };
let seq = 0;

beforeAll(async () => {
  fake = await startFakeBotApi();
  bot = await startBot(fake, testDb.url, "polling", { SEPAY_WEBHOOK_SECRET: SECRET });
});
afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

async function household(commune: string, account: string | null) {
  seq++;
  const h = await testDb.db.household.create({
    data: {
      name: `Hộ ${seq}`, phone: `+8491500${String(seq).padStart(4, "0")}`, provinceCode: "20", communeCode: commune, payment: account ? "bank" : "none",
      payBankBin: account ? "970405" : null, payAccount: account, consentAt: new Date(), openedAt: new Date(), shop: { create: { name: `Shop ${seq}`, slug: `money-${seq}` } },
    },
    include: { shop: true },
  });
  const listing = await testDb.db.listing.create({ data: { shopId: h.shop!.id, title: "Na", unit: "kg", stockMilli: 1_000_000, displayUnit: "kg", priceVnd: 1000 } });
  return { ...h, listingId: listing.id };
}

async function order(h: Awaited<ReturnType<typeof household>>, totalVnd: number, status = "accepted") {
  seq++;
  const code = `DH${"23456789ABCDEFGHJKMN"[seq % 20]}${"PQRSTUVWXYZ"[Math.floor(seq / 20) % 11]}K2F9`;
  return testDb.db.order.create({
    data: {
      code, statusToken: `money-${seq}-0123456789abcdef`, listingId: h.listingId, shopId: h.shop!.id, quantityMilli: 1000, unitPriceVnd: totalVnd, totalVnd,
      buyerName: "B", buyerPhone: "+84987654321", buyerAddress: "A", buyerArea: "A", buyerChannel: "web", source: "web", status, expiresAt: new Date(Date.now() + 3600_000),
    },
  });
}

/** A pickup taken through the carrier's webhook up to `last` (picked_up, delivered, returned). */
async function ship(o: { id: string; totalVnd: number }, carrier: "viettel_post" | "vnpost", commune: string, last: "picked_up" | "delivered" | "returned" | null, cod: boolean) {
  seq++;
  const waybill = `WB${seq}`;
  await testDb.db.pickup.create({ data: { orderId: o.id, carrier, weightGrams: 1000, codVnd: cod ? o.totalVnd : 0, communeCode: commune, booking: "booked", waybill } });
  const at = Date.now() - 60_000;
  const steps = last === null ? [] : last === "picked_up" ? ["picked_up"] : ["picked_up", last];
  await bot.shipments.track(carrier, steps.map((step, i) => ({ waybill, code: step, step: step as "picked_up", at: new Date(at + i * 1000) })));
}

/** The money table's cells of one row, from the page's HTML. */
function moneyCells(page: string, code: string): Record<string, string> {
  const table = /<table id="money">([^]*?)<\/table>/.exec(page)?.[1] ?? "";
  const row = new RegExp(`<tr data-code="${code}">([^]*?)</tr>`).exec(table)?.[1] ?? "";
  return Object.fromEntries([...row.matchAll(/<td data-col="([A-Za-z]+)">([^]*?)<\/td>/g)].map((m) => [m[1], m[2].replace(/&amp;/g, "&")]));
}

/** The figures of these communes counted here from the rows. */
async function recount(communes: string[]) {
  const monthStart = new Date(new Date().getFullYear(), new Date().getMonth(), 1);
  const hs = await testDb.db.household.findMany({ where: { communeCode: { in: communes } }, include: { shop: true } });
  const paid = await testDb.db.order.findMany({ where: { communeCode: { in: communes }, payState: "paid", paidAt: { gte: monthStart } } });
  const pickups = await testDb.db.pickup.findMany({ where: { communeCode: { in: communes }, createdAt: { gte: monthStart } } });
  const transfer = paid.filter((o) => o.paidBy === "transfer");
  const cod = paid.filter((o) => o.paidBy === "cod");
  const shipped = (carrier: string) => pickups.filter((p) => p.carrier === carrier && p.status !== "open").length;
  return {
    payAccount: vn(hs.filter((h) => h.payAccount !== null).length),
    transferShops: vn(new Set(transfer.map((o) => o.shopId)).size),
    transferShare: paid.length ? pct(transfer.length / paid.length) : "–",
    transferVnd: money(transfer.reduce((s, o) => s + o.totalVnd, 0)),
    codVnd: money(cod.reduce((s, o) => s + o.totalVnd, 0)),
    shippedViettelPost: vn(shipped("viettel_post")),
    shippedVnpost: vn(shipped("vnpost")),
    delivered: vn(pickups.filter((p) => p.status === "delivered").length),
    returned: vn(pickups.filter((p) => p.status === "returned").length),
    raw: { transferOrders: transfer.length, codOrders: cod.length, transferVnd: transfer.reduce((s, o) => s + o.totalVnd, 0), codVnd: cod.reduce((s, o) => s + o.totalVnd, 0) },
  };
}

async function logIn(link: string): Promise<string> {
  const res = await fetch(link, { method: "POST", redirect: "manual" });
  return /^choso_canbo=([^;]+)/.exec(res.headers.getSetCookie().find((c) => c.startsWith("choso_canbo="))!)![1];
}
const get = async (path: string, token: string) => Buffer.from(await (await fetch(`${bot.url}${path}`, { headers: { cookie: `choso_canbo=${token}` } })).arrayBuffer()).toString("utf8");

describe("dashboard: payments and shipments this month", () => {
  it("shows on the page and in the CSV what a recount of the rows gives, and each officer the transfers of its communes", async () => {
    const a = await household(CHI_LANG, "1111222201");
    const b = await household(CHI_LANG, "1111222202");
    await household(CHI_LANG, null);
    const c = await household(HUU_LUNG, "1111222203");
    const url = `${bot.url}/webhook/bank/sepay`;

    // Chi Lăng: a paid twice by the bank (one household counted once), b underpaid then confirmed by hand,
    // one cash order delivered by Viettel Post (COD collected), one returned by VNPost.
    const a1 = await order(a, 120_000);
    const a2 = await order(a, 80_000);
    await sendSepay(url, sepayBody({ amount: 120_000, memo: bankMemos.mb(a1.code), accountNumber: a.payAccount! }), SEPAY);
    await sendSepay(url, sepayBody({ amount: 90_000, memo: bankMemos.splitLower(a2.code), accountNumber: a.payAccount! }), SEPAY);
    const b1 = await order(b, 50_000);
    await sendSepay(url, sepayBody({ amount: 30_000, memo: bankMemos.vcb(b1.code), accountNumber: b.payAccount! }), SEPAY);
    await testDb.db.order.update({ where: { id: b1.id }, data: { payState: "paid", paidAt: new Date(), paidBy: "transfer" } });
    const cash = await order(b, 70_000);
    await ship(cash, "viettel_post", CHI_LANG, "delivered", true);
    const back = await order(a, 40_000);
    await ship(back, "vnpost", CHI_LANG, "returned", true);
    await ship(await order(a, 10_000), "viettel_post", CHI_LANG, "picked_up", false);
    await ship(await order(b, 10_000), "vnpost", CHI_LANG, null, false);
    // Hữu Lũng: money with no code into c's account, one order paid by the bank.
    await sendSepay(url, sepayBody({ amount: 25_000, memo: bankMemos.none(), accountNumber: c.payAccount! }), SEPAY);
    const c1 = await order(c, 60_000);
    await sendSepay(url, sepayBody({ amount: 60_000, memo: bankMemos.dashed(c1.code), accountNumber: c.payAccount! }), SEPAY);

    expect((await testDb.db.order.findUniqueOrThrow({ where: { id: cash.id } })).paidBy).toBe("cod");
    const chiLang = await recount([CHI_LANG]);
    // The data above must give real figures, not zeros everywhere.
    expect(chiLang.raw).toEqual({ transferOrders: 3, codOrders: 1, transferVnd: 250_000, codVnd: 70_000 });

    const province = await logIn((await officerWithLink(fake, testDb.db, { id: 660_001, first_name: "Lâm", language_code: "vi" }, [])).link);
    const page = await get("/canbo", province);
    const { raw: _chi, ...chiCells } = chiLang;
    expect(moneyCells(page, CHI_LANG)).toEqual(chiCells);
    const { raw: huu, ...huuCells } = await recount([HUU_LUNG]);
    expect(moneyCells(page, HUU_LUNG)).toEqual(huuCells);
    const { raw: all, ...allCells } = await recount([CHI_LANG, HUU_LUNG]);
    expect(moneyCells(page, "total")).toEqual(allCells);
    // Transfers to look at: the underpaid one and the one with no code (a plain payment is not listed).
    const listed = [...(/<ul id="transfers">([^]*?)<\/ul>/.exec(page)?.[1] ?? "").matchAll(/data-outcome="([a-z_]+)"/g)].map((m) => m[1]).sort();
    expect(listed).toEqual(["overpaid", "underpaid", "unmatched"]);

    // The communes CSV: the same figures, plain numbers.
    const csv = (await get("/canbo/xa.csv", province)).trim().split("\r\n");
    const header = csv[0].replace(/^\uFEFF/, "").split(",");
    const col = (line: string, name: string) => line.split(",")[header.indexOf(name)];
    const line = csv.find((l) => l.startsWith(`${CHI_LANG},`))!;
    expect(["Đơn trả bằng chuyển khoản tháng này", "Đơn thu hộ (COD) tháng này", "Tiền chuyển khoản tháng này (đồng)", "Tiền thu hộ tháng này (đồng)"].map((h) => Number(col(line, h)))).toEqual([
      _chi.transferOrders, _chi.codOrders, _chi.transferVnd, _chi.codVnd,
    ]);
    expect(Number(col(line, "Tỷ lệ đơn chuyển khoản (%)"))).toBe(75);
    const total = csv.at(-1)!;
    expect([Number(col(total, "Tiền chuyển khoản tháng này (đồng)")), Number(col(total, "Tiền thu hộ tháng này (đồng)"))]).toEqual([all.transferVnd, all.codVnd]);
    expect(huu.transferOrders).toBe(1);

    // An officer of Chi Lăng sees Chi Lăng's transfers only.
    const local = await logIn((await officerWithLink(fake, testDb.db, { id: 660_002, first_name: "Hà", language_code: "vi" }, [CHI_LANG])).link);
    const localPage = await get("/canbo", local);
    const localListed = [...(/<ul id="transfers">([^]*?)<\/ul>/.exec(localPage)?.[1] ?? "").matchAll(/data-outcome="([a-z_]+)"/g)].map((m) => m[1]).sort();
    expect(localListed).toEqual(["overpaid", "underpaid"]);
  });
});
