// The MyVNPost adapter against its loopback fake (no database): the `token` header fetched again after
// a 401, "VNPOST" as the two-level district, COD as the GTG021/PROP0018 add-on, a create that times out
// after VNPost made it (found again by our sale order code: one shipment), cancel by OriginalId, and the
// webhook's RSA signature over the first record of a batch (the records after it are only asked about).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CarrierUnavailable, type BookRequest } from "../src/carriers/port.ts";
import { VnpostAdapter } from "../src/carriers/vnpost/index.ts";
import { rsaSha256Check, vnpostWebhook } from "../src/carriers/vnpost/webhook.ts";
import { startFakeVnpost, type FakeVnpost } from "./fakes/vnpost-server.ts";

let vnp: FakeVnpost;
let adapter: VnpostAdapter;

beforeAll(async () => {
  vnp = await startFakeVnpost();
  adapter = new VnpostAdapter({ apiRoot: vnp.root, ...vnp.creds, contractCode: "HD-2026-01", signatureCheck: rsaSha256Check(vnp.publicKeyPem), timeoutMs: 400 });
});
afterAll(() => vnp?.close());

const request = (reference: string, codVnd = 240_000): BookRequest => ({
  reference,
  service: "CTN007",
  from: { name: "Lăng Văn Tài", phone: "+84918701701", street: "Thôn Bản Cưởm", province: "Lạng Sơn", commune: "Xã Chi Lăng" },
  to: { name: "Đặng Thị Hương", phone: "+84987111222", street: "12 Hàng Bạc", province: "Hà Nội", commune: "Hoàn Kiếm" },
  parcel: { weightGrams: 3000, valueVnd: 240_000, codVnd, productName: "Hoa hồi khô", quantity: 3 },
});

describe("MyVNPost adapter", () => {
  it("quotes with two-level codes and the COD add-on; a revoked token is fetched again", async () => {
    expect(await adapter.quote(request("DHVQ00001"))).toEqual([
      { code: "CTN007", name: "Chuyển phát thường", feeVnd: 22_500 },
      { code: "ETN037", name: "Chuyển phát nhanh", feeVnd: 37_000 },
    ]);
    const charge = vnp.calls.find((c) => c.path === "/ServicesCharge")!.body;
    expect(charge).toMatchObject({ scope: 1, customerCode: "C0123456", contractNumber: "HD-2026-01" });
    expect(charge.data).toMatchObject({ senderProvinceCode: "20", senderDistrictCode: "VNPOST", senderCommuneCode: "06463", receiverProvinceCode: "01", receiverCommuneCode: "00070", weight: 3000 });
    expect(charge.data.addonService).toEqual([{ code: "GTG021", propValue: "PROP0018:240000" }]);
    vnp.revokeTokens();
    expect(await adapter.quote(request("DHVQ00002", 0))).toHaveLength(2);
    expect(vnp.calls.filter((c) => c.path === "/GetAccessToken")).toHaveLength(2);
    expect(vnp.calls.filter((c) => c.path === "/ServicesCharge").at(-1)!.body.data.addonService).toEqual([]);
  });

  it("a create that times out after VNPost made it: found by our code, never a second shipment", async () => {
    vnp.createThenStall(1500);
    await expect(adapter.book(request("DHVSTALL1"))).rejects.toThrow(CarrierUnavailable);
    const again = await adapter.book(request("DHVSTALL1"));
    const made = [...vnp.orders.values()].filter((o) => o.saleOrderCode === "DHVSTALL1");
    expect(made).toHaveLength(1);
    expect(again).toEqual({ kind: "duplicate", waybill: made[0].itemCode });
    expect(made[0].info).toMatchObject({ serviceCode: "CTN007", senderDistrictCode: "VNPOST", weight: "3000", addonService: [{ code: "GTG021", propValue: "PROP0018:240000" }] });
  });

  it("books, and cancels by OriginalId before pickup only", async () => {
    const booked = (await adapter.book(request("DHVBOOK01"))) as { kind: string; waybill: string };
    expect(booked.kind).toBe("booked");
    expect(await adapter.cancel(booked.waybill)).toBe(true);
    expect(vnp.calls.filter((c) => c.path === "/orderCancel").at(-1)!.body).toEqual({ OriginalId: vnp.orders.get(booked.waybill)!.originalID });
    const late = (await adapter.book(request("DHVBOOK02"))) as { waybill: string };
    vnp.orders.get(late.waybill)!.status = 6;
    expect(await adapter.cancel(late.waybill)).toBe(false);
  });

  it("webhook: a batch signed over its first record; a bad signature is 401, a bad body 400", () => {
    const check = rsaSha256Check(vnp.publicKeyPem);
    const sendDate = "07/12/2026 10:30:00";
    const data = [
      { itemCode: "EB1VN", saleOrderCode: "DHA", status: 14 },
      { itemCode: "EB2VN", saleOrderCode: "DHB", status: 3 },
    ];
    const signature = vnp.sign(`MYVNP${sendDate}EB1VN14`);
    // Only the signed record is an event; the record after it is a waybill to ask VNPost about.
    expect(vnpostWebhook(check, { headers: {}, body: { data: [...data, { itemCode: "EB2VN", status: 14 }, { itemCode: "EB1VN", status: 19 }], sendDate, signature } })).toEqual({
      ok: true,
      events: [{ waybill: "EB1VN", reference: "DHA", code: "14", step: "delivered", at: new Date("2026-12-07T03:30:00Z") }],
      unsigned: ["EB2VN", "EB1VN"],
    });
    const forged = vnp.sign(`MYVNP${sendDate}EB1VN19`);
    expect(vnpostWebhook(check, { headers: {}, body: { data, sendDate, signature: forged } })).toEqual({ ok: false, status: 401 });
    expect(vnpostWebhook(check, { headers: {}, body: { data: [], sendDate, signature } })).toEqual({ ok: false, status: 400 });
  });

  it("currentStatus: VNPost's own status of a waybill; an unknown one is null; a 502 is CarrierUnavailable", async () => {
    const booked = (await adapter.book(request("DHVSTAT01"))) as { waybill: string };
    vnp.orders.get(booked.waybill)!.status = 12;
    const now = new Date("2026-12-07T04:00:00Z");
    expect(await adapter.currentStatus(booked.waybill, now)).toEqual({ waybill: booked.waybill, reference: "DHVSTAT01", code: "12", step: "out_for_delivery", at: now });
    expect(await adapter.currentStatus("EB999999999VN", now)).toBeNull();
    vnp.failGetOrders(1);
    await expect(adapter.currentStatus(booked.waybill, now)).rejects.toBeInstanceOf(CarrierUnavailable);
  });
});
