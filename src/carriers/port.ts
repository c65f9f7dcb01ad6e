// The carrier port: what Chợ Số needs from a postal company, whoever it is. Viettel Post and Vietnam
// Post (MyVNPost) are reached through their partner APIs (viettel-post/, vnpost/); a post office
// without API access is the "manual" carrier (manual.ts): it polls Chợ Số's carrier API or downloads
// the commune's CSV, as before. Adapters speak the carrier's language (its codes, its byte limits, its
// envelopes); everything above them speaks this one.
import type { Carrier } from "../core/orders.ts";

export type { Carrier };

/** An address as we know it; each adapter maps it to the carrier's own province and ward codes. */
export interface PartyAddress {
  name: string;
  /** E.164 (+84...) */
  phone: string;
  /** the street part, free text */
  street: string;
  /** province name ("Lạng Sơn", "Hà Nội"), matched against the carrier's catalogue */
  province: string;
  /** commune or ward name if known ("Xã Chi Lăng"); two-level addresses since 1/7/2025 */
  commune?: string;
}

export interface Parcel {
  weightGrams: number;
  /** declared value of the goods */
  valueVnd: number;
  /** cash to collect from the buyer for the goods (0: nothing to collect) */
  codVnd: number;
  productName: string;
  quantity: number;
}

export interface QuoteRequest {
  from: PartyAddress;
  to: PartyAddress;
  parcel: Parcel;
}

export interface ServiceQuote {
  /** the carrier's service code (VTP MA_DV_CHINH, VNPost serviceCode) */
  code: string;
  name: string;
  feeVnd: number;
  /** the carrier's delivery promise as it says it ("48 giờ"), if any */
  eta?: string;
}

export interface BookRequest extends QuoteRequest {
  /** our order code, the partner reference: booking the same code twice never makes two shipments */
  reference: string;
  service: string;
  note?: string;
}

export type BookResult =
  | { kind: "booked"; waybill: string; feeVnd?: number }
  /** the carrier already has a shipment for this reference (an earlier answer was lost) */
  | { kind: "duplicate"; waybill?: string }
  /** the carrier refused it (bad address, route not served...): retrying the same request will not help */
  | { kind: "rejected"; message: string };

/** Timeouts, connection errors and 5xx: the call may or may not have reached the carrier. */
export class CarrierUnavailable extends Error {
  constructor(message: string, readonly cause?: unknown) {
    super(message);
    this.name = "CarrierUnavailable";
  }
}

/** Where a shipment is, in our words. The rank orders them: an event never moves a shipment back. */
export type TrackStep = "picked_up" | "in_transit" | "out_for_delivery" | "failed_attempt" | "returning" | "delivered" | "returned" | "cancelled";

export const TRACK_RANK: Record<TrackStep, number> = {
  picked_up: 2,
  in_transit: 3,
  out_for_delivery: 4,
  failed_attempt: 4,
  returning: 6,
  delivered: 9,
  returned: 9,
  cancelled: 9,
};
export const FINAL_RANK = 9;

export interface TrackingEvent {
  waybill: string;
  /** our order code when the carrier echoes it */
  reference?: string;
  /** the carrier's status code, as text */
  code: string;
  step: TrackStep | null;
  at: Date;
}

export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export type WebhookResult =
  | {
      ok: true;
      /** events the sender's signature or secret covers */
      events: TrackingEvent[];
      /**
       * Waybills named by records the signature does not cover (MyVNPost signs a batch's first record
       * only): anyone holding one signed body could append records to it. Their status is asked of the
       * carrier (`currentStatus`) before anything moves; the records' own claims are never applied.
       */
      unsigned?: string[];
    }
  | { ok: false; status: 400 | 401 };

export interface CarrierAdapter {
  readonly name: Carrier;
  /** "api": quoted, booked and tracked through the carrier's API; "manual": the post office polls us */
  readonly mode: "api" | "manual";
  quote(req: QuoteRequest): Promise<ServiceQuote[]>;
  book(req: BookRequest): Promise<BookResult>;
  /** true when cancelled (or already cancelled); false when the carrier says it is too late */
  cancel(waybill: string, note: string): Promise<boolean>;
  /** checks the sender as the carrier documents it and reads the events of one webhook call */
  webhook(req: WebhookRequest): WebhookResult;
  /**
   * The carrier's own word on where a waybill is now (null: it does not know the waybill); for the
   * `unsigned` records of a webhook. Throws CarrierUnavailable when the carrier cannot be asked.
   */
  currentStatus?(waybill: string, now: Date): Promise<TrackingEvent | null>;
  /**
   * A link to the carrier's own printable label for a booked waybill, valid for a short while; absent
   * (or null) where the carrier offers none through its API: Chợ Số then draws its own label page.
   */
  labelLink?(waybill: string): Promise<string | null>;
}
