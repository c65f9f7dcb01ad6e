// The Vietnam Post (MyVNPost) adapter. Two-level addresses use the constant "VNPOST" as the district;
// COD is the add-on GTG021 with property PROP0018; our order code is the sale order code, looked up
// before creating again so a lost answer never makes a second shipment.
import { findArea } from "../areas.ts";
import { cutUtf8 } from "../text.ts";
import type { BookRequest, BookResult, CarrierAdapter, PartyAddress, QuoteRequest, ServiceQuote, TrackingEvent, WebhookRequest } from "../port.ts";
import { VnpostClient, VnpostError, type VnpostOptions } from "./client.ts";
import { vnpostEvent, vnpostWebhook, type SignatureCheck } from "./webhook.ts";

export const VNPOST_TWO_LEVEL_DISTRICT = "VNPOST";
/** Sent as "CODE:value" — every property of the add-on present (here it has one). */
export const codAddon = (codVnd: number) => ({ code: "GTG021", propValue: `PROP0018:${codVnd}` });
const TEXT_BYTES = 250;
const text = (s: string) => cutUtf8(s, TEXT_BYTES);

export interface VnpostAdapterOptions extends VnpostOptions {
  signatureCheck: SignatureCheck;
}

export class VnpostAdapter implements CarrierAdapter {
  readonly name = "vnpost" as const;
  readonly mode = "api" as const;
  readonly client: VnpostClient;

  constructor(private readonly opts: VnpostAdapterOptions) {
    this.client = new VnpostClient(opts);
  }

  private async codes(a: PartyAddress, role: string) {
    const province = await this.client.provinceCode(a.province, findArea);
    if (!province) throw new VnpostError(`unknown ${role} province: ${a.province}`);
    const commune = (await this.client.communeCode(province, a.commune, findArea)) ?? "";
    return { province, district: VNPOST_TWO_LEVEL_DISTRICT, commune };
  }

  private async route(req: QuoteRequest) {
    const [s, r] = await Promise.all([this.codes(req.from, "sender"), this.codes(req.to, "receiver")]);
    return {
      senderProvinceCode: s.province,
      senderDistrictCode: s.district,
      senderCommuneCode: s.commune,
      receiverProvinceCode: r.province,
      receiverDistrictCode: r.district,
      receiverCommuneCode: r.commune,
    };
  }

  async quote(req: QuoteRequest): Promise<ServiceQuote[]> {
    const items = await this.client.servicesCharge({
      ...(await this.route(req)),
      receiverNational: "VN",
      weight: req.parcel.weightGrams,
      width: 0,
      length: 0,
      height: 0,
      serviceCode: "",
      addonService: req.parcel.codVnd > 0 ? [codAddon(req.parcel.codVnd)] : [],
      additionRequest: [],
      vehicle: "BO",
    });
    return items.map((i) => ({ code: i.serviceCode, name: i.serviceName ?? i.serviceCode, feeVnd: Math.round(i.totalFee) }));
  }

  async book(req: BookRequest): Promise<BookResult> {
    const existing = await this.client.getOrder(2, req.reference);
    if (existing?.itemCode) return { kind: "duplicate", waybill: existing.itemCode };
    try {
      const created = await this.client.createOrder({
        senderName: text(req.from.name),
        senderPhone: req.from.phone.replace(/^\+84/, "0"),
        senderAddress: text(req.from.street),
        receiverName: text(req.to.name),
        receiverPhone: req.to.phone.replace(/^\+84/, "0"),
        receiverAddress: text(req.to.street),
        ...(await this.route(req)),
        serviceCode: req.service,
        addonService: req.parcel.codVnd > 0 ? [codAddon(req.parcel.codVnd)] : [],
        additionRequest: [],
        saleOrderCode: req.reference,
        contentNote: text(`${req.parcel.productName} x ${req.parcel.quantity}`),
        weight: String(req.parcel.weightGrams),
        width: 0,
        length: 0,
        height: 0,
        vehicle: "BO",
        sendType: "1",
        isBroken: "0",
        deliveryInstruction: text(req.note ?? ""),
      });
      return { kind: "booked", waybill: created.itemCode!, feeVnd: created.totalFee ?? undefined };
    } catch (e) {
      if (e instanceof VnpostError) return { kind: "rejected", message: e.message };
      throw e;
    }
  }

  /** MyVNPost cancels by OriginalId, read from the item code's record. */
  async cancel(waybill: string): Promise<boolean> {
    const record = await this.client.getOrder(1, waybill);
    return record?.originalID ? this.client.cancel(record.originalID) : false;
  }

  webhook(req: WebhookRequest) {
    return vnpostWebhook(this.opts.signatureCheck, req);
  }

  /** getOrder by item code: the status MyVNPost holds now (the webhook's code set). */
  async currentStatus(waybill: string, now: Date): Promise<TrackingEvent | null> {
    const record = await this.client.getOrder(1, waybill);
    return record?.itemCode && record.status != null ? vnpostEvent(record.itemCode, record.saleOrderCode, record.status, now) : null;
  }
}
