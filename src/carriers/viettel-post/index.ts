// The Viettel Post adapter: our port in Viettel Post's words (ids from its catalogues, 150-byte text
// fields, ORDER_PAYMENT, CHECK_UNIQUE with our order code as the partner reference).
import { fold } from "../../lang/normalize.ts";
import { findArea } from "../areas.ts";
import { cutUtf8 } from "../text.ts";
import { CarrierUnavailable, type BookRequest, type BookResult, type CarrierAdapter, type PartyAddress, type QuoteRequest, type ServiceQuote, type WebhookRequest } from "../port.ts";
import { VtpClient, VtpError, type VtpOptions } from "./client.ts";
import { vtpWebhook } from "./webhook.ts";

/** Every string field: at most 150 bytes of UTF-8 (VTPDOC §5). */
export const VTP_TEXT_BYTES = 150;
const text = (s: string) => cutUtf8(s, VTP_TEXT_BYTES);

/** ORDER_PAYMENT: 1 nothing to collect; 3 collect the goods only (the shop pays the fee, deducted from the COD). */
export const vtpPayment = (codVnd: number) => (codVnd > 0 ? 3 : 1);

/** The duplicate-reference refusal under CHECK_UNIQUE: its exact text is not documented (carriers.md §3). */
const DUPLICATE = /exist|duplicate|ton tai|trung/;

export interface VtpAdapterOptions extends VtpOptions {
  webhookSecret: string;
  /** Viettel Post's print site (default: the sandbox's for partnerdev, else production's) */
  printRoot?: string;
}

/** How long a label link works: enough to open it and print, short enough not to matter if forwarded. */
const LABEL_LINK_MS = 30 * 60_000;

/** The print site that goes with an API root (VTPDOC §9.2: dev-print for the sandbox). */
export const vtpPrintRoot = (apiRoot: string) => (/partnerdev/.test(apiRoot) ? "https://dev-print.viettelpost.vn" : "https://digitalize.viettelpost.vn");

export class ViettelPostAdapter implements CarrierAdapter {
  readonly name = "viettel_post" as const;
  readonly mode = "api" as const;
  readonly client: VtpClient;

  constructor(private readonly opts: VtpAdapterOptions) {
    this.client = new VtpClient(opts);
  }

  private async ids(a: PartyAddress, role: "sender" | "receiver") {
    const province = await this.client.provinceId(a.province, findArea);
    if (province === undefined) throw new VtpError(undefined, `unknown ${role} province: ${a.province}`);
    const ward = (await this.client.wardId(province, a.commune, findArea)) ?? 0;
    // Two-level addresses (since 1/7/2025): no district. Which value VTP wants here is an open question (carriers.md §1.3).
    return { province, district: 0, ward };
  }

  private async route(req: QuoteRequest) {
    const [s, r] = await Promise.all([this.ids(req.from, "sender"), this.ids(req.to, "receiver")]);
    return {
      SENDER_PROVINCE: s.province,
      SENDER_DISTRICT: s.district,
      SENDER_WARD: s.ward,
      RECEIVER_PROVINCE: r.province,
      RECEIVER_DISTRICT: r.district,
      RECEIVER_WARD: r.ward,
    };
  }

  async quote(req: QuoteRequest): Promise<ServiceQuote[]> {
    const items = await this.client.getPriceAll({
      ...(await this.route(req)),
      PRODUCT_TYPE: "HH",
      PRODUCT_WEIGHT: req.parcel.weightGrams,
      PRODUCT_PRICE: req.parcel.valueVnd,
      MONEY_COLLECTION: String(req.parcel.codVnd),
      TYPE: 1,
    });
    return items.map((i) => ({ code: i.MA_DV_CHINH, name: i.TEN_DICHVU, feeVnd: Math.round(i.GIA_CUOC), eta: i.THOI_GIAN ?? undefined }));
  }

  async book(req: BookRequest): Promise<BookResult> {
    let route;
    try {
      route = await this.route(req);
    } catch (e) {
      if (e instanceof VtpError) return { kind: "rejected", message: e.message };
      throw e;
    }
    const { parcel } = req;
    const body = {
      ORDER_NUMBER: req.reference,
      CHECK_UNIQUE: true,
      GROUPADDRESS_ID: 0,
      SENDER_FULLNAME: text(req.from.name),
      SENDER_PHONE: req.from.phone.replace(/^\+84/, "0"),
      SENDER_ADDRESS: text([req.from.street, req.from.commune, req.from.province].filter(Boolean).join(", ")),
      RECEIVER_FULLNAME: text(req.to.name),
      RECEIVER_PHONE: req.to.phone.replace(/^\+84/, "0"),
      RECEIVER_ADDRESS: text([req.to.street, req.to.commune, req.to.province].filter(Boolean).join(", ")),
      ...route,
      PRODUCT_NAME: text(parcel.productName),
      PRODUCT_DESCRIPTION: text(`${parcel.productName} x ${parcel.quantity}`),
      PRODUCT_QUANTITY: 1,
      PRODUCT_PRICE: parcel.valueVnd,
      PRODUCT_WEIGHT: parcel.weightGrams,
      PRODUCT_TYPE: "HH",
      ORDER_PAYMENT: vtpPayment(parcel.codVnd),
      MONEY_COLLECTION: parcel.codVnd,
      ORDER_SERVICE: req.service,
      ORDER_SERVICE_ADD: "",
      ORDER_NOTE: text(req.note ?? ""),
      LIST_ITEM: [{ PRODUCT_NAME: text(parcel.productName), PRODUCT_QUANTITY: 1, PRODUCT_PRICE: parcel.valueVnd, PRODUCT_WEIGHT: parcel.weightGrams }],
    };
    try {
      const created = await this.client.createOrder(body);
      return { kind: "booked", waybill: created.ORDER_NUMBER, feeVnd: created.MONEY_TOTAL };
    } catch (e) {
      if (!(e instanceof VtpError)) throw e;
      if (DUPLICATE.test(fold(e.message))) return { kind: "duplicate" };
      if (e.status === 401) throw new CarrierUnavailable(`createOrder: ${e.message}`);
      return { kind: "rejected", message: e.message };
    }
  }

  async cancel(waybill: string, note: string): Promise<boolean> {
    try {
      await this.client.updateOrder(waybill, 4, text(note));
      return true;
    } catch (e) {
      if (e instanceof VtpError) return false;
      throw e;
    }
  }

  webhook(req: WebhookRequest) {
    return vtpWebhook(this.opts.webhookSecret, req);
  }

  /** A4/A6 label on Viettel Post's print site (type a6_1: the small sticker; showPostage=1 shows the fee). */
  async labelLink(waybill: string): Promise<string | null> {
    try {
      const code = await this.client.printingCode([waybill], (this.opts.now ?? Date.now)() + LABEL_LINK_MS);
      const url = new URL("/DigitalizePrint/report.do", this.opts.printRoot ?? vtpPrintRoot(this.opts.apiRoot));
      url.search = new URLSearchParams({ type: "a6_1", bill: code, showPostage: "1" }).toString();
      return url.toString();
    } catch (e) {
      if (e instanceof VtpError) return null;
      throw e;
    }
  }
}
