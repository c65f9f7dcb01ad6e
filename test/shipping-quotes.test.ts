// BuyerQuotes (core/shipping-quotes.ts): one carrier call per route and weight while the answer is kept,
// failures kept briefly, a bounded wait that never holds an order, and nothing asked where no carrier can.
import { describe, expect, it } from "vitest";
import type { CarrierAdapter, QuoteRequest, ServiceQuote } from "../src/carriers/port.ts";
import { CarrierUnavailable } from "../src/carriers/port.ts";
import { ManualCarrier } from "../src/carriers/manual.ts";
import { BuyerQuotes, routeOf, type ShippingRoute } from "../src/core/shipping-quotes.ts";
import type { Carrier } from "../src/core/orders.ts";

/** A carrier whose answers the test releases by hand. */
function scriptedCarrier() {
  const asked: QuoteRequest[] = [];
  const waiting: Array<(answer: ServiceQuote[] | Error) => void> = [];
  const adapter: CarrierAdapter = {
    name: "viettel_post",
    mode: "api",
    quote: (req) => {
      asked.push(req);
      return new Promise((resolve, reject) => waiting.push((a) => (a instanceof Error ? reject(a) : resolve(a))));
    },
    book: async () => ({ kind: "rejected", message: "" }),
    cancel: async () => true,
    webhook: () => ({ ok: false, status: 401 }),
  };
  return { adapter, asked, answer: (a: ServiceQuote[] | Error) => waiting.shift()!(a) };
}

const HA_NOI: ShippingRoute = routeOf({ communeCode: "06463", unit: "kg", priceVnd: 80_000 }, 3, "Hà Nội");
const SERVICES: ServiceQuote[] = [
  { code: "VCN", name: "Chuyển phát nhanh", feeVnd: 37_000, eta: "24 giờ" },
  { code: "VTK", name: "Tiết kiệm", feeVnd: 25_000, eta: "72 giờ" },
];

describe("buyer shipping quotes", () => {
  it("asks once per route and weight, gives the cheapest service, asks again after it expires", async () => {
    let now = 1_000_000;
    const vtp = scriptedCarrier();
    const quotes = new BuyerQuotes(new Map<Carrier, CarrierAdapter>([["viettel_post", vtp.adapter]]), { now: () => now, ttlMs: 60_000 });
    expect(quotes.peek(HA_NOI)).toEqual({ state: "pending" });
    const got = quotes.get(HA_NOI, 10_000);
    vtp.answer(SERVICES);
    expect(await got).toEqual({ state: "quoted", quote: { carrier: "viettel_post", service: "VTK", name: "Tiết kiệm", feeVnd: 25_000, eta: "72 giờ" } });
    expect(quotes.peek({ ...HA_NOI, toArea: "  hà nội " })).toMatchObject({ state: "quoted" });
    expect(vtp.asked).toHaveLength(1);
    expect(vtp.asked[0]).toMatchObject({ from: { province: "Lạng Sơn", commune: "Xã Chi Lăng" }, to: { province: "Hà Nội" }, parcel: { weightGrams: 3000, valueVnd: 240_000 } });

    expect(quotes.peek({ ...HA_NOI, weightGrams: 5000 })).toEqual({ state: "pending" }); // another weight: asked
    expect(vtp.asked).toHaveLength(2);
    now += 60_001;
    expect(quotes.peek(HA_NOI)).toEqual({ state: "pending" }); // expired: asked again
    expect(vtp.asked).toHaveLength(3);
  });

  it("a carrier error or a slow answer is 'unavailable' (the household tells the fee); the late answer is still kept", async () => {
    const vtp = scriptedCarrier();
    const quotes = new BuyerQuotes(new Map<Carrier, CarrierAdapter>([["viettel_post", vtp.adapter]]), { failTtlMs: 60_000 });
    const failed = quotes.get(HA_NOI, 10_000);
    vtp.answer(new CarrierUnavailable("getPriceAll: timed out"));
    expect(await failed).toEqual({ state: "unavailable" });
    expect(quotes.peek(HA_NOI)).toEqual({ state: "unavailable" }); // kept a minute, not asked again at once
    expect(vtp.asked).toHaveLength(1);

    const other = { ...HA_NOI, toArea: "Chi Lăng, Lạng Sơn" };
    expect(await quotes.get(other, 5)).toEqual({ state: "unavailable" }); // no answer within 5 ms
    vtp.answer(SERVICES);
    await quotes.get(other, 10_000);
    expect(quotes.peek(other)).toMatchObject({ state: "quoted", quote: { feeVnd: 25_000 } });
  });

  it("nothing to ask: no carrier with an API ('off'), or a listing not sold by weight ('unavailable')", () => {
    const manual = new BuyerQuotes(new Map<Carrier, CarrierAdapter>([["viettel_post", new ManualCarrier("viettel_post")]]));
    expect(manual.enabled).toBe(false);
    expect(manual.peek(HA_NOI)).toEqual({ state: "off" });
    const vtp = scriptedCarrier();
    const quotes = new BuyerQuotes(new Map<Carrier, CarrierAdapter>([["viettel_post", vtp.adapter]]));
    expect(quotes.peek(routeOf({ communeCode: "06463", unit: "qua", priceVnd: 5_000 }, 10, "Hà Nội"))).toEqual({ state: "unavailable" });
    expect(vtp.asked).toHaveLength(0);
  });
});
