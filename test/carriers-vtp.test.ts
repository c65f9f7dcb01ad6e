// The Viettel Post adapter against its loopback fake (no database): tokens (Login then ownerconnect,
// fetched again when refused), the bare-array getPriceAll and error:true on HTTP 200, the 150-byte
// text fields cut on whole characters, ORDER_PAYMENT for COD, a create that succeeds but times out
// (the retry with the same code makes no second shipment), cancel, and the webhook's authentication.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CarrierUnavailable, type BookRequest } from "../src/carriers/port.ts";
import { cutUtf8, utf8Bytes } from "../src/carriers/text.ts";
import { ViettelPostAdapter } from "../src/carriers/viettel-post/index.ts";
import { VtpError } from "../src/carriers/viettel-post/client.ts";
import { vtpDate } from "../src/carriers/viettel-post/webhook.ts";
import { startFakeViettelPost, type FakeViettelPost } from "./fakes/viettel-post-server.ts";

const SECRET = "vtp-hook-secret-0123";
let vtp: FakeViettelPost;
let adapter: ViettelPostAdapter;

/** An adapter that holds no token and no province list yet. */
const newAdapter = () => new ViettelPostAdapter({ apiRoot: vtp.root, username: vtp.username, password: vtp.password, webhookSecret: SECRET, timeoutMs: 400 });

beforeAll(async () => {
  vtp = await startFakeViettelPost();
  adapter = newAdapter();
});
afterAll(() => vtp?.close());

const LONG_ADDRESS = "Thôn Khuổi Phầy, đường liên thôn qua suối Nà Lừa, cạnh nhà văn hoá và trường mầm non Hữu Lũng, đối diện cửa hàng tạp hoá bà Hoàng Thị Nguyệt";
const request = (reference: string, codVnd = 240_000): BookRequest => ({
  reference,
  service: "VCN",
  from: { name: "Lăng Văn Tài", phone: "+84918701701", street: LONG_ADDRESS, province: "Lạng Sơn", commune: "Xã Chi Lăng" },
  to: { name: "Đặng Thị Hương", phone: "+84987111222", street: "12 Hàng Bạc", province: "Hà Nội" },
  parcel: { weightGrams: 3000, valueVnd: 240_000, codVnd, productName: "Hoa hồi khô", quantity: 3 },
});
const logins = () => vtp.calls.filter((c) => c.path === "/v2/user/Login").length;

describe("cutUtf8", () => {
  it("keeps at most the bytes allowed, on whole characters, even with combining marks", () => {
    const decomposed = "Nguyễn Thị Hoà".normalize("NFD").repeat(20);
    const cut = cutUtf8(decomposed, 150);
    expect(utf8Bytes(cut)).toBeLessThanOrEqual(150);
    expect(utf8Bytes(cut)).toBeGreaterThan(140);
    expect(cut).toBe(cut.normalize("NFC"));
    expect("Nguyễn Thị Hoà".repeat(20).startsWith(cut)).toBe(true);
    expect(cutUtf8("ngắn", 150)).toBe("ngắn");
  });
});

describe("Viettel Post adapter", () => {
  it("quotes with the long-lived token; a bare array becomes services; an unserved route is refused", async () => {
    // An adapter of its own, so that its first calls are this quote's (the shared one logs in at its first use).
    const fresh = newAdapter();
    const from = vtp.calls.length;
    const quotes = await fresh.quote(request("DHQUOTE01"));
    expect(quotes).toEqual([
      { code: "VCN", name: "Chuyển phát nhanh", feeVnd: 37_000, eta: "24 giờ" },
      { code: "VTK", name: "Tiết kiệm", feeVnd: 25_000, eta: "72 giờ" },
    ]);
    const calls = vtp.calls.slice(from);
    const paths = calls.map((c) => c.path);
    expect(paths.filter((p) => p.startsWith("/v2/")).slice(0, 3)).toEqual(["/v2/user/Login", "/v2/user/ownerconnect", "/v2/order/getPriceAll"]);
    expect(paths.filter((p) => p === "/v3/categories/listProvinceNew")).toHaveLength(1);
    // Orders use the long token from ownerconnect, not the short one ownerconnect was called with.
    const shortToken = calls.find((c) => c.path === "/v2/user/ownerconnect")!.token;
    expect(shortToken).toMatch(/^ey/);
    expect(calls.find((c) => c.path === "/v2/order/getPriceAll")!.token).not.toBe(shortToken);
    const priced = calls.find((c) => c.path === "/v2/order/getPriceAll")!;
    expect(priced.body).toMatchObject({ SENDER_PROVINCE: 22, SENDER_WARD: 22001, RECEIVER_PROVINCE: 1, RECEIVER_WARD: 0, PRODUCT_WEIGHT: 3000, MONEY_COLLECTION: "240000", TYPE: 1 });
    await expect(fresh.quote({ ...request("DHQUOTE02"), to: { ...request("x").to, province: "Tỉnh Cao Bằng" } })).rejects.toThrow(VtpError);
  });

  it("fetches a new token once when the old one is refused (expired)", async () => {
    const before = logins();
    vtp.advance(1001 * 24 * 3600_000); // past the ownerconnect token's 1000 days
    expect(await adapter.quote(request("DHQUOTE03"))).toHaveLength(2);
    expect(logins()).toBe(before + 1);
    vtp.revokeTokens();
    expect(await adapter.quote(request("DHQUOTE04"))).toHaveLength(2);
    expect(logins()).toBe(before + 2);
  });

  it("books within 150 bytes per field, with COD as ORDER_PAYMENT 3 and none as 1", async () => {
    const booked = await adapter.book(request("DHBOOK001"));
    expect(booked).toMatchObject({ kind: "booked", waybill: expect.stringMatching(/^PKE\d+$/) });
    const body = vtp.orders.get((booked as { waybill: string }).waybill)!.body;
    expect(utf8Bytes(body.SENDER_ADDRESS)).toBeLessThanOrEqual(150);
    expect(utf8Bytes(LONG_ADDRESS)).toBeGreaterThan(150);
    expect(LONG_ADDRESS.startsWith(body.SENDER_ADDRESS)).toBe(true);
    expect(body).toMatchObject({ ORDER_NUMBER: "DHBOOK001", CHECK_UNIQUE: true, ORDER_PAYMENT: 3, MONEY_COLLECTION: 240_000, SENDER_PHONE: "0918701701" });
    const paid = await adapter.book(request("DHBOOK002", 0));
    expect(vtp.orders.get((paid as { waybill: string }).waybill)!.body).toMatchObject({ ORDER_PAYMENT: 1, MONEY_COLLECTION: 0 });
  });

  it("a create that times out after Viettel Post made it: the retry is a duplicate, one shipment only", async () => {
    vtp.createThenStall(1500);
    await expect(adapter.book(request("DHSTALL01"))).rejects.toThrow(CarrierUnavailable);
    expect(await adapter.book(request("DHSTALL01"))).toEqual({ kind: "duplicate" });
    expect([...vtp.orders.values()].filter((o) => o.reference === "DHSTALL01")).toHaveLength(1);
  });

  it("a refusal on HTTP 200 (error:true, message as a list) is rejected with its text", async () => {
    vtp.failNextCreate(["Invalid [RECEIVER_WARD]", "Invalid [SENDER_WARD]"]);
    expect(await adapter.book(request("DHREFUSE1"))).toEqual({ kind: "rejected", message: "Invalid [RECEIVER_WARD]; Invalid [SENDER_WARD]" });
  });

  it("cancels before pickup only", async () => {
    const a = (await adapter.book(request("DHCANCEL1"))) as { waybill: string };
    expect(await adapter.cancel(a.waybill, "huỷ")).toBe(true);
    const b = (await adapter.book(request("DHCANCEL2"))) as { waybill: string };
    vtp.orders.get(b.waybill)!.status = 200;
    expect(await adapter.cancel(b.waybill, "huỷ")).toBe(false);
  });

  it("webhook: the secret in TOKEN or in Authorization; anything else is 401; dates are Vietnam time", () => {
    const body = { DATA: { ORDER_NUMBER: "PKE1", ORDER_REFERENCE: "DHX", ORDER_STATUS: 501, ORDER_STATUSDATE: "07/12/2026 10:30:00" }, TOKEN: SECRET };
    const viaBody = adapter.webhook({ headers: {}, body });
    expect(viaBody).toEqual({ ok: true, events: [{ waybill: "PKE1", reference: "DHX", code: "501", step: "delivered", at: new Date("2026-12-07T03:30:00Z") }] });
    expect(adapter.webhook({ headers: { authorization: SECRET }, body: { ...body, TOKEN: undefined } }).ok).toBe(true);
    expect(adapter.webhook({ headers: { authorization: "wrong" }, body: { ...body, TOKEN: "wrong" } })).toEqual({ ok: false, status: 401 });
    expect(adapter.webhook({ headers: {}, body: { DATA: {}, TOKEN: SECRET } })).toEqual({ ok: false, status: 400 });
    expect(vtpDate("31/02/2026")).not.toBeNull(); // Date rolls over; the event still has a time
    expect(vtpDate("2026-12-07")).toBeNull();
  });
});
