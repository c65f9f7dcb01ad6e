// The shipping fee a buyer sees before confirming an order (issue 21): the configured carrier's cheapest
// service for the route (the household's commune → the buyer's area) and the weight. Answers are kept a
// few minutes per route and weight, so a page drawn again or a chat asked again does not ask again.
//
// Never asked inside a database transaction and never in the way of an order:
// - the web order form waits a bounded time (`get`), outside any transaction;
// - a chat turn runs in a transaction, so it only reads what is known (`peek`), which starts the request
//   in the background when nothing is known yet; the buy flow asks early (at the area question) so the
//   fee is there by the summary.
// A carrier that cannot answer (timeout, error, a route it does not serve) gives "unavailable": the
// buyer is told the household will confirm the fee, and the order goes ahead.
import { getCommune, getProvince } from "../lang/communes.ts";
import { fold } from "../lang/normalize.ts";
import type { Logger } from "../log.ts";
import { splitArea } from "../carriers/areas.ts";
import type { CarrierAdapter, QuoteRequest } from "../carriers/port.ts";
import { CARRIERS, type Carrier } from "./orders.ts";
import type { BuyerShippingQuote } from "./shipping-quote.ts";

export type { BuyerShippingQuote };

export interface ShippingRoute {
  /** the household's commune code (lang/communes; its province follows) */
  fromCommuneCode: string;
  /** the buyer's area as the forms keep it ("Chi Lăng, Lạng Sơn", "Hà Nội") */
  toArea: string;
  /** null when the listing is not sold by weight: the household weighs and tells the fee */
  weightGrams: number | null;
  valueVnd: number;
}

export type QuoteLookup =
  | { state: "quoted"; quote: BuyerShippingQuote }
  /** the carrier could not quote (or the weight is unknown): the household confirms the fee */
  | { state: "unavailable" }
  /** asked, no answer yet */
  | { state: "pending" }
  /** no carrier with an API in this deployment: nothing to quote, the household arranges shipping */
  | { state: "off" };

/** What a chat turn may use: memory only, never waits for the carrier. */
export interface QuotePeek {
  peek(route: ShippingRoute): QuoteLookup;
}

interface Entry {
  until: number;
  value: QuoteLookup;
  pending?: Promise<QuoteLookup>;
}

export interface BuyerQuotesOptions {
  /** which carrier quotes for buyers (default: the first with an API, Viettel Post before VNPost) */
  carrier?: Carrier;
  /** how long an answer is kept (default 10 minutes) and a failure (default 1 minute) */
  ttlMs?: number;
  failTtlMs?: number;
  now?: () => number;
  log?: Logger;
}

const MAX_ENTRIES = 2000;

export class BuyerQuotes implements QuotePeek {
  private readonly cache = new Map<string, Entry>();
  private readonly adapter: CarrierAdapter | undefined;
  private readonly now: () => number;

  constructor(carriers: ReadonlyMap<Carrier, CarrierAdapter>, private readonly opts: BuyerQuotesOptions = {}) {
    const api = (c: Carrier | undefined) => (c && carriers.get(c)?.mode === "api" ? carriers.get(c) : undefined);
    this.adapter = api(opts.carrier) ?? CARRIERS.map(api).find((a) => a !== undefined);
    this.now = opts.now ?? Date.now;
  }

  /** Is there a carrier to quote in this deployment? (The web form shows a summary step only then.) */
  get enabled(): boolean {
    return this.adapter !== undefined;
  }

  private key(route: ShippingRoute): string {
    return [this.adapter?.name, route.fromCommuneCode, fold(route.toArea).replace(/\s+/g, " ").trim(), route.weightGrams].join("|");
  }

  /** What is known now; starts asking the carrier when nothing is. */
  peek(route: ShippingRoute): QuoteLookup {
    return this.lookup(route).value;
  }

  /** The fee, waiting at most `waitMs` for the carrier (then "unavailable" for now; the answer is still kept when it comes). */
  async get(route: ShippingRoute, waitMs: number): Promise<QuoteLookup> {
    const entry = this.lookup(route);
    if (!entry.pending) return entry.value;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<QuoteLookup>((resolve) => (timer = setTimeout(() => resolve({ state: "unavailable" }), waitMs)));
    try {
      return await Promise.race([entry.pending, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private lookup(route: ShippingRoute): Entry {
    if (!this.adapter) return { until: Infinity, value: { state: "off" } };
    if (route.weightGrams === null || !(route.weightGrams > 0)) return { until: Infinity, value: { state: "unavailable" } };
    const key = this.key(route);
    const hit = this.cache.get(key);
    if (hit && (hit.pending || hit.until > this.now())) return hit;
    if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
    const entry: Entry = { until: Infinity, value: { state: "pending" } };
    entry.pending = this.ask(this.adapter, route).then((value) => {
      entry.value = value;
      entry.until = this.now() + (value.state === "quoted" ? (this.opts.ttlMs ?? 10 * 60_000) : (this.opts.failTtlMs ?? 60_000));
      entry.pending = undefined;
      return value;
    });
    this.cache.set(key, entry);
    return entry;
  }

  private async ask(adapter: CarrierAdapter, route: ShippingRoute): Promise<QuoteLookup> {
    const home = getCommune(route.fromCommuneCode);
    const commune = home?.name;
    const to = splitArea(route.toArea);
    // Names and phones do not change a price: only the route, the weight and the value are sent.
    const req: QuoteRequest = {
      from: { name: "", phone: "", street: commune ?? "", province: (home && getProvince(home.provinceCode)?.name) ?? "", commune },
      to: { name: "", phone: "", street: "", province: to.province, commune: to.commune },
      parcel: { weightGrams: route.weightGrams!, valueVnd: route.valueVnd, codVnd: 0, productName: "", quantity: 1 },
    };
    try {
      const quotes = await adapter.quote(req);
      const cheapest = [...quotes].sort((a, b) => a.feeVnd - b.feeVnd)[0];
      if (!cheapest) return { state: "unavailable" };
      return { state: "quoted", quote: { carrier: adapter.name, service: cheapest.code, name: cheapest.name, feeVnd: cheapest.feeVnd, ...(cheapest.eta ? { eta: cheapest.eta } : {}) } };
    } catch (err) {
      this.opts.log?.warn({ err, carrier: adapter.name }, "buyer shipping quote failed");
      return { state: "unavailable" };
    }
  }
}

/** The route of an order about to be placed: from the listing's household to the buyer's area. */
export function routeOf(listing: { communeCode: string; unit: string; priceVnd: number }, quantity: number, toArea: string): ShippingRoute {
  return {
    fromCommuneCode: listing.communeCode,
    toArea,
    weightGrams: listing.unit === "kg" ? Math.round(quantity * 1000) : null,
    valueVnd: Math.round(quantity * listing.priceVnd),
  };
}
