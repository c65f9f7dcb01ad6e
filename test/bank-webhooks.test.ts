// Money in, confirmed by the bank (issue 21 part 4): the signatures exactly as SePay and Casso document
// them (Casso's published sample; a SePay vector computed with `openssl dgst -sha256 -hmac`), memos as
// banks deliver them, and every kind of transfer over real HTTP into a real database: exact and more
// pay the order, less, late, early, twice, into another account or with no code are recorded and told
// to the household, duplicates (even at the same moment) change nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderCodesIn } from "../src/core/bank-transfers.ts";
import { households } from "../src/core/households.ts";
import { sortedJson, verifyCasso } from "../src/http/bank/casso.ts";
import { verifySepay } from "../src/http/bank/sepay.ts";
import { hmacHex } from "../src/http/bank/signature.ts";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { bankMemos, cassoBody, sendCasso, sendSepay, sepayBody, sepayHeaders } from "./fakes/bank-senders.ts";
import { Chat, startBot, startFakeBotApi } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();
const SEPAY_SECRET = "sepay-test-secret-0123456789";
const SEPAY_KEY = "sepay-api-key-0123456789abcdef";
const CASSO_KEY = "casso-checksum-key-0123456789abcdef";
const ACCOUNT = "8888123456789";

describe("order codes in bank memos", () => {
  it.each([
    ["MBVCB.3278907687.DH7K2F9Q.CT tu 0123456789 NGUYEN VAN A toi 8888", ["DH7K2F9Q"]],
    ["dh 7k2f 9q chuyen tien", ["DH7K2F9Q"]],
    ["416235 061226 142237 DH7K2F9Q FT26340512345678", ["DH7K2F9Q"]],
    ["IBFT DH-7K2F9Q TRAN THI LAN", ["DH7K2F9Q"]],
    ["Đh7k2f9q", ["DH7K2F9Q"]],
    ["chuyen tien mua hang", []],
    // letters orders never use (0, 1, I, L, O) end the code: no candidate
    ["DH7K2F0Q", []],
  ])("%s", (memo, codes) => {
    expect(orderCodesIn([memo])).toEqual(codes);
  });
});

describe("Casso v2 signature", () => {
  // Casso's "gọi thử" sample, with the checksum key and header it was published with (bank-webhooks.md §2).
  const sample = {
    error: 0,
    data: {
      id: 0, reference: "MA_GIAO_DICH_THU_NGHIEM", description: "giao dich thu nghiem", amount: 599000, runningBalance: 25000000,
      transactionDateTime: "2024-10-03 15:06:37", accountNumber: "88888888", bankName: "VPBank", bankAbbreviation: "VPB", virtualAccountNumber: "",
      virtualAccountName: "", counterAccountName: "NGUYEN VAN A", counterAccountNumber: "8888888888", counterAccountBankId: "970415", counterAccountBankName: "VietinBank",
    },
  };
  const key = "mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs";
  const headers = { "x-casso-signature": "t=1727948258788,v1=ed0a4bd2e826d5cb69988cdb141e6c1a080e21f3b57eb72cd78192220042b9e7dde0868fc667faea8e224900fa7904e7c88dfa098032fb2d6b6996856e8b7ff3" };
  const at = 1727948258788 + 2000;

  it("verifies the published sample (keys sorted at every level, compact)", () => {
    expect(sortedJson({ b: 1, a: { d: 2, c: [{ f: 1, e: 2 }] } })).toBe('{"a":{"c":[{"e":2,"f":1}],"d":2},"b":1}');
    expect(verifyCasso(headers, sample, { checksumKey: key }, at)).toEqual({ ok: true });
  });

  it("refuses a changed amount, another key, a malformed header, a replay a day later, and no header", () => {
    expect(verifyCasso(headers, { ...sample, data: { ...sample.data, amount: 599001 } }, { checksumKey: key }, at)).toEqual({ ok: false, reason: "bad_signature" });
    expect(verifyCasso(headers, sample, { checksumKey: key.replace("m", "n") }, at)).toEqual({ ok: false, reason: "bad_signature" });
    expect(verifyCasso({ "x-casso-signature": "t=1727948258788,v1=zz" }, sample, { checksumKey: key }, at)).toEqual({ ok: false, reason: "bad_signature" });
    expect(verifyCasso(headers, sample, { checksumKey: key }, 1727948258788 + 24 * 3600_000 + 1)).toEqual({ ok: false, reason: "stale" });
    expect(verifyCasso({}, sample, { checksumKey: key }, at)).toEqual({ ok: false, reason: "unsigned" });
  });

  it("refuses a correctly signed timestamp more than five minutes ahead of our clock", () => {
    const signedAt = (t: number) => ({ "x-casso-signature": `t=${t},v1=${hmacHex("sha512", key, `${t}.${sortedJson(sample)}`)}` });
    expect(verifyCasso(signedAt(at + 5 * 60_000), sample, { checksumKey: key }, at)).toEqual({ ok: true });
    expect(verifyCasso(signedAt(at + 5 * 60_000 + 1), sample, { checksumKey: key }, at)).toEqual({ ok: false, reason: "stale" });
  });

  it("refuses a signature one byte short (a mismatch, not a thrown comparison)", () => {
    const short = headers["x-casso-signature"].slice(0, -2);
    expect(verifyCasso({ "x-casso-signature": short }, sample, { checksumKey: key }, at)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("takes a legacy Secure-Token only when one is configured", () => {
    expect(verifyCasso({ "secure-token": "legacy-token-0123456789" }, sample, { secureToken: "legacy-token-0123456789" }, at)).toEqual({ ok: true });
    expect(verifyCasso({ "secure-token": "legacy-token-0123456788" }, sample, { secureToken: "legacy-token-0123456789" }, at)).toEqual({ ok: false, reason: "bad_signature" });
    expect(verifyCasso({ "secure-token": "legacy-token-0123456789" }, sample, { checksumKey: key }, at)).toEqual({ ok: false, reason: "unsigned" });
  });
});

describe("SePay signature", () => {
  // Computed independently: printf '%s' "<ts>.<raw>" | openssl dgst -sha256 -hmac "$SECRET"
  const raw =
    '{"id":92704,"gateway":"MBBank","transactionDate":"2026-12-06 14:02:37","accountNumber":"8888123456789","subAccount":null,"code":null,"content":"DH7K2F9Q chuyen tien","description":"MBVCB.123.DH7K2F9Q chuyen tien.CT tu 0123456789 NGUYEN VAN A","transferType":"in","transferAmount":80000,"accumulated":1919000,"referenceCode":"FT26340512345678"}';
  const ts = 1796547757;
  const headers = { "x-sepay-timestamp": String(ts), "x-sepay-signature": "sha256=ac32eb17c940b7c1828593c190fca25044fe323511af8de8cce3c8a6daa189bf" };
  const auth = { secret: SEPAY_SECRET };

  it("verifies HMAC-SHA256 over \"<timestamp>.<raw body>\" within five minutes", () => {
    expect(verifySepay(headers, raw, auth, ts * 1000)).toEqual({ ok: true });
    expect(verifySepay(headers, raw, auth, (ts + 300) * 1000)).toEqual({ ok: true });
    expect(verifySepay(headers, raw, auth, (ts + 301) * 1000)).toEqual({ ok: false, reason: "stale" });
    expect(verifySepay(headers, raw, auth, (ts - 301) * 1000)).toEqual({ ok: false, reason: "stale" });
  });

  it("refuses the same body with one byte changed, reformatted, or another timestamp", () => {
    expect(verifySepay(headers, raw.replace("80000", "80001"), auth, ts * 1000)).toEqual({ ok: false, reason: "bad_signature" });
    expect(verifySepay(headers, JSON.stringify(JSON.parse(raw), null, 1), auth, ts * 1000)).toEqual({ ok: false, reason: "bad_signature" });
    expect(verifySepay({ ...headers, "x-sepay-timestamp": String(ts + 1) }, raw, auth, ts * 1000)).toEqual({ ok: false, reason: "bad_signature" });
    expect(verifySepay({}, raw, auth, ts * 1000)).toEqual({ ok: false, reason: "unsigned" });
  });

  it("refuses a signature one byte short, and a timestamp that is not unix seconds even when signed with the secret", () => {
    expect(verifySepay({ ...headers, "x-sepay-signature": headers["x-sepay-signature"].slice(0, -2) }, raw, auth, ts * 1000)).toEqual({ ok: false, reason: "bad_signature" });
    // Not a number: no age can be computed, so no replay window would hold; refused before the HMAC.
    const notSeconds = { "x-sepay-timestamp": "now", "x-sepay-signature": `sha256=${hmacHex("sha256", SEPAY_SECRET, `now.${raw}`)}` };
    expect(verifySepay(notSeconds, raw, auth, ts * 1000)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("takes \"Authorization: Apikey <key>\" when an API key is configured", () => {
    expect(verifySepay({ authorization: `Apikey ${SEPAY_KEY}` }, raw, { apiKey: SEPAY_KEY }, 0)).toEqual({ ok: true });
    expect(verifySepay({ authorization: `Apikey ${SEPAY_KEY}x` }, raw, { apiKey: SEPAY_KEY }, 0)).toEqual({ ok: false, reason: "bad_signature" });
    expect(verifySepay({ authorization: `Bearer ${SEPAY_KEY}` }, raw, { apiKey: SEPAY_KEY }, 0)).toEqual({ ok: false, reason: "bad_signature" });
  });
});

describe("bank webhooks over HTTP", () => {
  let fake: FakeTelegram;
  let bot: Awaited<ReturnType<typeof startBot>>;
  let household: Chat;
  let buyer: Chat;
  /** the household most tests sell for (chat 9911, bank account ACCOUNT) */
  let seller: Seller;
  let seq = 0;

  interface Seller {
    householdId: string;
    shopId: string;
    listingId: string;
  }

  /** A household paid by bank transfer to `account`, with a shop, a listing of hồi and a Telegram chat. */
  async function bankSeller(o: { name: string; phone: string; account: string; chat: number; slug: string }): Promise<Seller> {
    const h = await testDb.db.household.create({
      data: {
        name: o.name, phone: o.phone, provinceCode: "20", communeCode: "06463", payment: "bank", payBankBin: "970405", payAccount: o.account,
        payAccountName: o.name.toUpperCase(), consentAt: new Date(), openedAt: new Date(), lastChannel: "telegram",
        shop: { create: { name: `Cửa hàng ${o.name.split(" ").at(-1)}`, slug: o.slug } },
        accounts: { create: { channel: "telegram", userKey: String(o.chat), chatKey: String(o.chat), locale: "vi" } },
      },
      include: { shop: true },
    });
    const shopId = h.shop!.id;
    const listingId = (await testDb.db.listing.create({ data: { shopId, title: "Hồi khô", unit: "kg", stockMilli: 1_000_000, displayUnit: "kg", priceVnd: 80_000 } })).id;
    return { householdId: h.id, shopId, listingId };
  }

  beforeAll(async () => {
    fake = await startFakeBotApi();
    bot = await startBot(fake, testDb.url, "polling", { SEPAY_WEBHOOK_SECRET: SEPAY_SECRET, SEPAY_API_KEY: SEPAY_KEY, CASSO_CHECKSUM_KEY: CASSO_KEY });
    seller = await bankSeller({ name: "Hoàng Văn Sinh", phone: "+84917300911", account: ACCOUNT, chat: 9911, slug: "cua-hang-sinh" });
    await testDb.db.channelAccount.create({ data: { channel: "telegram", userKey: "9912", chatKey: "9912", locale: "vi" } });
    household = new Chat(fake, { id: 9911, first_name: "Sinh", language_code: "vi" });
    buyer = new Chat(fake, { id: 9912, first_name: "Lan", language_code: "vi" });
  });

  afterAll(async () => {
    await bot?.stop();
    await fake?.close();
  });

  /** An order of 80.000 đ in the given state, followed by the buyer in chat 9912. */
  async function order(status = "accepted", payState = "unpaid", shippingFeeVnd = 0, from = seller) {
    seq++;
    const code = `DH${"23456789ABCDEFGH"[seq % 16]}K2F9${"QRSTUVWXYZ"[seq % 10]}`;
    return testDb.db.order.create({
      data: {
        code, statusToken: `bank-${seq}-0123456789abcdef0123`, listingId: from.listingId, shopId: from.shopId, quantityMilli: 1000, unitPriceVnd: 80_000, totalVnd: 80_000,
        buyerName: "Trần Thị Lan", buyerPhone: "+84987654321", buyerAddress: "12 Hàng Bạc", buyerArea: "Hà Nội", buyerChannel: "telegram", buyerChatKey: "9912",
        source: "chat", status, payState, expiresAt: new Date(Date.now() + 3600_000), ...(payState === "paid" && { paidAt: new Date(), paidBy: "transfer" }),
        ...(shippingFeeVnd > 0 && { shippingQuote: JSON.stringify({ carrier: "viettel_post", service: "VCN", name: "Chuyển phát nhanh", feeVnd: shippingFeeVnd }) }),
      },
    });
  }
  const sepayUrl = () => `${bot.url}/webhook/bank/sepay`;
  const cassoUrl = () => `${bot.url}/webhook/bank/casso`;
  const state = async (id: string) => testDb.db.order.findUniqueOrThrow({ where: { id } });
  const recorded = async (orderId: string) => (await testDb.db.bankTransfer.findMany({ where: { orderId } })).map((t) => t.outcome);

  it("pays the order on an exact transfer (SePay HMAC, MB memo), tells household and buyer, and the order page shows it", async () => {
    const o = await order();
    const delivery = await sendSepay(sepayUrl(), sepayBody({ amount: 80_000, memo: bankMemos.mb(o.code), accountNumber: ACCOUNT }), { kind: "hmac", secret: SEPAY_SECRET });
    expect(delivery.statuses).toEqual([200]);
    expect(delivery.bodies).toEqual([{ success: true }]);
    expect(await state(o.id)).toMatchObject({ payState: "paid", paidBy: "transfer" });
    expect(await recorded(o.id)).toEqual(["paid"]);
    await household.act(async () => undefined, new RegExp(`Ngân hàng báo đã nhận 80\\.000 đ cho đơn ${o.code}\\. Đơn đã trả tiền`));
    await buyer.act(async () => undefined, new RegExp(`Ngân hàng đã báo hộ bán nhận 80\\.000 đ cho đơn ${o.code}`));
    const page = await (await fetch(`${bot.url}/don/${o.statusToken}`)).text();
    expect(page).toMatch(/đã trả tiền lúc/);
  });

  it("answers SePay once the transfer is recorded, while the household's chat is slow to take a message: no retry", async () => {
    const o = await order();
    // Telegram holds the household's next message for 8 s; this sender gives up on an answer after 3 s.
    fake.failNext("sendMessage", { kind: "timeout", ms: 8000 }, { chatId: 9911 });
    const delivery = await sendSepay(sepayUrl(), sepayBody({ amount: 80_000, memo: bankMemos.vcb(o.code), accountNumber: ACCOUNT }), { kind: "hmac", secret: SEPAY_SECRET }, { timeoutMs: 3000 });
    expect(delivery.statuses).toEqual([200]);
    expect(await state(o.id)).toMatchObject({ payState: "paid", paidBy: "transfer" });
    await fake.waitFor(() => fake.sentTexts(9911).some((t) => t.includes(`Ngân hàng báo đã nhận 80.000 đ cho đơn ${o.code}`)), { timeoutMs: 30_000 });
    await fake.waitFor(() => fake.sentTexts(9912).some((t) => t.includes(`Ngân hàng đã báo hộ bán nhận 80.000 đ cho đơn ${o.code}`)), { timeoutMs: 30_000 });
  });

  it("records the same transaction once, even delivered twice at the same moment", async () => {
    const o = await order();
    const body = sepayBody({ amount: 80_000, memo: bankMemos.vcb(o.code), accountNumber: ACCOUNT });
    const results = await Promise.all([1, 2, 3].map(() => sendSepay(sepayUrl(), body, { kind: "apikey", key: SEPAY_KEY })));
    expect(results.map((r) => r.statuses)).toEqual([[200], [200], [200]]);
    expect(await recorded(o.id)).toEqual(["paid"]);
    // A retry later: still nothing new, and the household heard it once.
    expect((await sendSepay(sepayUrl(), body, { kind: "hmac", secret: SEPAY_SECRET })).statuses).toEqual([200]);
    await household.act(async () => undefined, new RegExp(`đã nhận 80\\.000 đ cho đơn ${o.code}`));
    expect(household.all.filter((m) => (m.text ?? "").includes(`cho đơn ${o.code}. Đơn đã trả tiền`))).toHaveLength(1);
  });

  it("records an underpaid transfer (Casso v2, split lower-case code) without confirming, and tells both sides what is missing", async () => {
    const o = await order("accepted", "buyer_paid");
    expect(await sendCasso(cassoUrl(), cassoBody({ amount: 50_000, memo: bankMemos.splitLower(o.code), accountNumber: ACCOUNT }), CASSO_KEY)).toBe(200);
    expect(await state(o.id)).toMatchObject({ payState: "buyer_paid", paidBy: null });
    expect(await recorded(o.id)).toEqual(["underpaid"]);
    await household.act(async () => undefined, new RegExp(`nhận 50\\.000 đ cho đơn ${o.code}, còn thiếu 30\\.000 đ`));
    expect(household.buttons).toEqual(["💰 Đã nhận tiền", "Chưa nhận"]);
    await buyer.act(async () => undefined, new RegExp(`mới nhận 50\\.000 đ cho đơn ${o.code}, còn thiếu 30\\.000 đ`));
  });

  it("asks goods plus the shipping fee the buyer was shown: the goods alone are short by the fee, the whole is paid", async () => {
    const o = await order("accepted", "unpaid", 32_000);
    const page = await (await fetch(`${bot.url}/don/${o.statusToken}`)).text();
    expect(page).toContain("112.000"); // the amount to transfer (VietQR) is 80.000 + 32.000
    expect(await sendCasso(cassoUrl(), cassoBody({ amount: 80_000, memo: bankMemos.mb(o.code), accountNumber: ACCOUNT }), CASSO_KEY)).toBe(200);
    expect(await recorded(o.id)).toEqual(["underpaid"]);
    await household.act(async () => undefined, new RegExp(`nhận 80\\.000 đ cho đơn ${o.code}, còn thiếu 32\\.000 đ`));
    expect(await sendCasso(cassoUrl(), cassoBody({ amount: 112_000, memo: bankMemos.mb(o.code), accountNumber: ACCOUNT }), CASSO_KEY)).toBe(200);
    expect(await state(o.id)).toMatchObject({ payState: "paid", paidBy: "transfer" });
  });

  it("pays and flags an overpaid transfer; records late, early, repeated and wrong-account money without paying", async () => {
    const over = await order();
    await sendSepay(sepayUrl(), sepayBody({ amount: 100_000, memo: bankMemos.dashed(over.code), accountNumber: ACCOUNT }), { kind: "hmac", secret: SEPAY_SECRET });
    expect(await state(over.id)).toMatchObject({ payState: "paid", paidBy: "transfer" });
    await household.act(async () => undefined, new RegExp(`đơn ${over.code} \\(đơn 80\\.000 đ, thừa 20\\.000 đ\\)`));

    const expired = await order("expired");
    await sendSepay(sepayUrl(), sepayBody({ amount: 80_000, memo: bankMemos.mb(expired.code), accountNumber: ACCOUNT }), { kind: "hmac", secret: SEPAY_SECRET });
    await household.act(async () => undefined, new RegExp(`đơn ${expired.code}, nhưng đơn đã huỷ hoặc hết hạn`));

    const pending = await order("pending");
    await sendSepay(sepayUrl(), sepayBody({ amount: 80_000, memo: bankMemos.mb(pending.code), accountNumber: ACCOUNT }), { kind: "hmac", secret: SEPAY_SECRET });
    await household.act(async () => undefined, new RegExp(`đơn ${pending.code}, nhưng bạn chưa nhận đơn này`));

    const paid = await order("accepted", "paid");
    await sendSepay(sepayUrl(), sepayBody({ amount: 80_000, memo: bankMemos.mb(paid.code), accountNumber: ACCOUNT }), { kind: "hmac", secret: SEPAY_SECRET });
    await household.act(async () => undefined, new RegExp(`nhận thêm 80\\.000 đ cho đơn ${paid.code}, đơn này đã trả tiền rồi`));

    const elsewhere = await order();
    await sendSepay(sepayUrl(), sepayBody({ amount: 80_000, memo: bankMemos.mb(elsewhere.code), accountNumber: "1900123456" }), { kind: "hmac", secret: SEPAY_SECRET });
    expect(await state(elsewhere.id)).toMatchObject({ payState: "unpaid" });
    await household.act(async () => undefined, new RegExp(`ghi đơn ${elsewhere.code} nhưng chuyển vào một tài khoản khác`));

    expect({
      over: await recorded(over.id), expired: await recorded(expired.id), pending: await recorded(pending.id), paid: await recorded(paid.id), elsewhere: await recorded(elsewhere.id),
    }).toEqual({ over: ["overpaid"], expired: ["late"], pending: ["early"], paid: ["again"], elsewhere: ["other_account"] });
    for (const o of [expired, pending, elsewhere]) expect((await state(o.id)).payState).toBe("unpaid");
  });

  it("keeps money with no order code for the household whose account received it, and its commune", async () => {
    const body = sepayBody({ amount: 35_000, memo: bankMemos.none(), accountNumber: ACCOUNT });
    await sendSepay(sepayUrl(), body, { kind: "hmac", secret: SEPAY_SECRET });
    const row = await testDb.db.bankTransfer.findFirstOrThrow({ where: { providerTxId: String(body.id) } });
    expect(row).toMatchObject({ outcome: "unmatched", orderId: null, communeCode: "06463", amountVnd: 35_000 });
    await household.act(async () => undefined, /Tài khoản của bạn nhận 35\.000 đ, nội dung không có mã đơn nào/);
  });

  it("money with no order code into an account two households both gave is told to neither", async () => {
    const shared = "6666123456789";
    for (const [i, chat] of [[1, "9923"], [2, "9924"]] as const) {
      await testDb.db.household.create({
        data: {
          name: `Hộ chung ${i}`, phone: `+8491730093${i}`, provinceCode: "20", communeCode: "06463", payment: "bank", payBankBin: "970405", payAccount: shared,
          consentAt: new Date(), openedAt: new Date(), lastChannel: "telegram", accounts: { create: { channel: "telegram", userKey: chat, chatKey: chat, locale: "vi" } },
        },
      });
    }
    const body = sepayBody({ amount: 45_000, memo: bankMemos.none(), accountNumber: shared });
    expect((await sendSepay(sepayUrl(), body, { kind: "hmac", secret: SEPAY_SECRET })).statuses).toEqual([200]);
    const row = await testDb.db.bankTransfer.findFirstOrThrow({ where: { providerTxId: String(body.id) } });
    expect(row).toMatchObject({ outcome: "unmatched", orderId: null, householdId: null, communeCode: null, amountVnd: 45_000 });
    await bot.engine.idle();
    expect([...fake.sent(9923), ...fake.sent(9924)]).toEqual([]);
      });

  it("refuses wrong or stale signatures and foreign bodies; acknowledges money going out without recording it", async () => {
    const o = await order();
    const body = sepayBody({ amount: 80_000, memo: o.code, accountNumber: ACCOUNT });
    const raw = JSON.stringify(body);
    const post = (headers: Record<string, string>, text = raw, url = sepayUrl()) => fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: text }).then((r) => r.status);
    expect(await post(sepayHeaders(raw, { kind: "hmac", secret: `${SEPAY_SECRET}x` }))).toBe(401);
    expect(await post(sepayHeaders(raw, { kind: "hmac", secret: SEPAY_SECRET, skewSeconds: -301 }))).toBe(401);
    expect(await post(sepayHeaders(raw, { kind: "hmac", secret: SEPAY_SECRET }), raw.replace("80000", "8000"))).toBe(401);
    expect(await post({})).toBe(401);
    expect(await post(sepayHeaders("{}", { kind: "hmac", secret: SEPAY_SECRET }), "{}")).toBe(400);
    const out = JSON.stringify(sepayBody({ amount: 80_000, memo: o.code, accountNumber: ACCOUNT, transferType: "out" }));
    expect(await post(sepayHeaders(out, { kind: "hmac", secret: SEPAY_SECRET }), out)).toBe(200);
    const casso = cassoBody({ amount: 80_000, memo: o.code, accountNumber: ACCOUNT });
    expect(await post({ "x-casso-signature": "t=1,v1=00" }, JSON.stringify(casso), cassoUrl())).toBe(401);
    expect(await recorded(o.id)).toEqual([]);
    expect((await state(o.id)).payState).toBe("unpaid");
  });

  it("marks a cash-on-delivery order paid when the carrier's webhook says delivered (COD collected), not one with less COD", async () => {
    const cash = await order("picked_up");
    const partial = await order("picked_up");
    for (const [o, cod, waybill] of [[cash, 80_000, "VTP100"], [partial, 20_000, "VTP101"]] as const) {
      await testDb.db.pickup.create({ data: { orderId: o.id, carrier: "viettel_post", weightGrams: 1000, codVnd: cod, communeCode: "06463", status: "picked_up", booking: "booked", waybill, trackStep: "picked_up", trackRank: 2 } });
    }
    const at = new Date();
    await bot.shipments.track("viettel_post", [
      { waybill: "VTP100", code: "501", step: "delivered", at },
      { waybill: "VTP101", code: "501", step: "delivered", at },
    ]);
    expect(await state(cash.id)).toMatchObject({ status: "delivered", payState: "paid", paidBy: "cod" });
    expect(await state(partial.id)).toMatchObject({ status: "delivered", payState: "unpaid", paidBy: null });
  });

  it("forgets the household's transfers when it deletes its account", async () => {
    // A household of its own, so that the others' tests keep theirs whatever the order: one transfer for
    // an order of its shop, one with no order code to its account.
    const account = "7777123456789";
    const leaving = await bankSeller({ name: "Nông Văn Tư", phone: "+84917300922", account, chat: 9913, slug: "cua-hang-tu" });
    const sold = await order("accepted", "unpaid", 0, leaving);
    await sendSepay(sepayUrl(), sepayBody({ amount: 80_000, memo: bankMemos.mb(sold.code), accountNumber: account }), { kind: "hmac", secret: SEPAY_SECRET });
    await sendSepay(sepayUrl(), sepayBody({ amount: 35_000, memo: bankMemos.none(), accountNumber: account }), { kind: "hmac", secret: SEPAY_SECRET });
    const theirs = await testDb.db.bankTransfer.findMany({ where: { OR: [{ householdId: leaving.householdId }, { orderId: sold.id }] } });
    expect(theirs.map((t) => t.outcome).sort()).toEqual(["paid", "unmatched"]);
    // told of both before it leaves (nothing for it still on its way)
    await fake.waitFor(() => fake.sentTexts(9913).filter((t) => /nhận (80|35)\.000 đ/.test(t)).length === 2, { timeoutMs: 20_000 });
    await fake.waitFor(() => fake.sentTexts(9912).some((t) => t.includes(`nhận 80.000 đ cho đơn ${sold.code}`)), { timeoutMs: 20_000 });

    await testDb.db.$transaction((tx) => households(tx).remove(leaving.householdId));
    // deleted, not just unlinked
    expect(await testDb.db.bankTransfer.count({ where: { id: { in: theirs.map((t) => t.id) } } })).toBe(0);
  });
});
