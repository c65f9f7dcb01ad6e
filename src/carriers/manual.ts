// The "manual" carrier: a post office without API access. Nothing is quoted or booked by us; the
// pickup stays open for the carrier to poll (GET /api/v1/carrier/pickups) or download as CSV, and it
// reports progress through POST /api/v1/carrier/pickups/<id>/status.
import type { BookResult, Carrier, CarrierAdapter, ServiceQuote, WebhookResult } from "./port.ts";

export class ManualCarrier implements CarrierAdapter {
  readonly mode = "manual" as const;
  constructor(readonly name: Carrier) {}
  async quote(): Promise<ServiceQuote[]> {
    return [];
  }
  async book(): Promise<BookResult> {
    return { kind: "rejected", message: "manual carrier: the post office collects open pickups itself" };
  }
  async cancel(): Promise<boolean> {
    return true;
  }
  webhook(): WebhookResult {
    return { ok: false, status: 401 };
  }
}
