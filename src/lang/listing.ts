// Reading a whole listing message: "ban 2 ta hoi 80k" -> product, quantity, price, and what we
// did not understand. Used by the bot and by `npm run parse`.
//
// The parts come from scan.ts (quantities, prices) and product.ts (product names); this module
// decides between them using the catalog: which "hoi" (dried or fresh) fits the price, what a price
// with no unit is for, whether "2 ta" of eggs means 200 kg or two dozen. Whenever the text reads two
// ways the field is left null and listed under `ambiguous` with every reading, so the bot asks.

import { DOZEN, FILLER_WORDS, MONEY_SCALES, CURRENCY_WORDS, PER_WORDS, RANGE_WORDS, UNITS, UNIT_WORDS } from "./lexicon.ts";
import { makePrice, type Price } from "./price.ts";
import { catalogIndex, findPlaces, matchProductTokens, type CatalogIndex, type CatalogItem, type ProductCandidate } from "./product.ts";
import { isCountUnit, isMassUnit, makeQuantity, type Quantity } from "./quantity.ts";
import { scan, type FoundPrice, type FoundQuantity, type PriceReading, type ScanResult } from "./scan.ts";
import { sourceText, tokenize, type Token } from "./tokens.ts";

export interface ProductRef {
  id: string;
  name: string;
}

export interface ListingPrice extends Price {
  /** The unit was not in the text and was inferred (product's default unit, or "total" for a lot price). */
  perAssumed?: true;
}

export type Ambiguity =
  | { field: "product"; text: string; readings: ProductRef[] }
  | { field: "quantity"; text: string; readings: Quantity[] }
  | { field: "price"; text: string; readings: ListingPrice[] };

export interface ListingWarning {
  /** The price is far outside the product's usual range: probably a typo (an extra or missing zero). */
  code: "price_outside_typical_range";
  typical: { min: number; max: number; per: string };
}

/**
 * What a listing message says. One listing per message: when several quantities or prices appear,
 * the first is taken (the "per kg" of a price is not a quantity); the rest show up in `unknown`
 * only if not understood at all.
 */
export interface ListingParse {
  product: ProductRef | null;
  quantity: Quantity | null;
  price: ListingPrice | null;
  /** Words and numbers we did not understand, as typed. */
  unknown: string[];
  ambiguous?: Ambiguity[];
  warnings?: ListingWarning[];
}

/** Beyond [min / 2, max * 2] a price is flagged; a typo is usually a factor of ten. */
const WARN_FACTOR = 2;
/** A stated price more than this many times the usual unit price is checked as a price for the whole lot. */
const LOT_FACTOR = 3;

/**
 * A text already read as a listing would read it: its tokens, their scan, the place names and the
 * product candidates over the tokens the scan left (intent.ts reads a message once for both).
 */
export interface ReadText {
  tokens: readonly Token[];
  found: ScanResult;
  places: readonly [number, number][];
  candidates: readonly ProductCandidate[];
}

/** Tokens, scan, places and product candidates of a text, as parseListingSentence reads them. */
export function readText(text: string, index: CatalogIndex): ReadText {
  const tokens = tokenize(text);
  const found = scan(tokens);
  const places = findPlaces(tokens);
  return { tokens, found, places, candidates: matchProductTokens(tokens, index, (i) => found.claimed[i] === 0, places) };
}

/** Parse one listing message. Pure, never throws. `read` is readText(text) when the caller has it. */
export function parseListingSentence(text: string, catalog: readonly CatalogItem[] | CatalogIndex, read?: ReadText): ListingParse {
  const index = catalogIndex(catalog);
  const { tokens, found, places, candidates } = read ?? readText(text, index);
  const understood = Uint8Array.from(found.claimed);
  for (const [s, e] of places) understood.fill(1, s, e);
  const ambiguous: Ambiguity[] = [];
  const span = (s: number, e: number) => sourceText(text, tokens, s, e);

  // --- product
  const top: ProductCandidate | undefined = candidates[0];
  const tied = top === undefined ? [] : candidates.filter((c) => c.score === top.score && c.start === top.start && c.end === top.end);
  const priceFound: FoundPrice | undefined = found.prices[0];
  let item: CatalogItem | null = top?.item ?? null;
  if (tied.length > 1) {
    // "hoi" is dried or fresh star anise: a price that fits only one of them decides.
    const reading = priceFound?.readings.length === 1 ? priceFound.readings[0] : undefined;
    const fitting = reading === undefined ? [] : tied.filter((c) => fitsRange(c.item, reading, 1));
    if (fitting.length === 1) item = fitting[0].item;
    else {
      item = null;
      ambiguous.push({ field: "product", text: span(top.start, top.end), readings: tied.map((c) => ref(c.item)) });
    }
  }
  if (top !== undefined) understood.fill(1, top.start, top.end);

  // --- quantity
  // "ba con oi" (folks), "ba ta" (she): only quantities right beside the product, before a price,
  // or at the end of the message.
  const next = (i: number): number => {
    while (tokens[i]?.kind === "sym") i++;
    return i;
  };
  const prev = (i: number): number => {
    while (tokens[i - 1]?.kind === "sym") i--;
    return i;
  };
  const quantities = found.quantities.filter(
    (q) =>
      !q.weak ||
      next(q.end) === tokens.length ||
      (top !== undefined && (top.start === next(q.end) || top.end === prev(q.start))) ||
      found.prices.some((p) => p.start === next(q.end)),
  );
  for (const q of found.quantities) if (!quantities.includes(q)) understood.fill(0, q.start, q.end);
  let quantity: Quantity | null = null;
  // "1 con lon khoang 50 can": one head with its weight is sold by the weight.
  const weighed = quantities.length >= 2 && isOneHead(quantities[0]) ? quantities.slice(1).find((w) => w.readings.length === 1 && w.readings[0].kg !== null) : undefined;
  if (weighed !== undefined) understood.fill(1, quantities[0].start, quantities[0].end);
  const q: FoundQuantity | undefined = weighed ?? quantities[0];
  if (q !== undefined) {
    let readings = q.readings;
    // "2 ta trung": 200 kg, or two dozen eggs ("ta" is both once folded)?
    if (item !== null && isCountUnit(item.unit) && readings.length === 1 && readings[0].unit === "ta") {
      readings = [readings[0], makeQuantity(readings[0].value * DOZEN, item.unit)];
    }
    if (readings.length === 1) quantity = readings[0];
    else ambiguous.push({ field: "quantity", text: span(q.start, q.end), readings });
  } else if (item !== null && top !== undefined && isCountUnit(item.unit)) {
    // "100 trung", "2 chuc trung": a bare count before a product sold by the piece.
    const count = found.bare.find((b) => b.end === top.start && b.readings.length === 1 && Number.isInteger(b.readings[0]) && b.readings[0] > 0);
    if (count !== undefined) {
      quantity = makeQuantity(count.readings[0], item.unit);
      understood.fill(1, count.start, count.end);
    }
  }

  // --- price
  let price: ListingPrice | null = null;
  const warnings: ListingWarning[] = [];
  if (priceFound !== undefined) {
    const readings = priceFound.readings.map((r) => completePrice(r, item, quantity));
    if (readings.length === 1) price = readings[0];
    else ambiguous.push({ field: "price", text: span(priceFound.start, priceFound.end), readings });
  }
  if (price !== null && item !== null) {
    const perUnit = pricePerItemUnit(item, price, quantity);
    const { min, max } = item.priceRange;
    if (perUnit !== null && (perUnit < min / WARN_FACTOR || perUnit > max * WARN_FACTOR)) {
      warnings.push({ code: "price_outside_typical_range", typical: { min, max, per: item.unit } });
    }
  }

  const result: ListingParse = {
    product: item === null ? null : ref(item),
    quantity,
    price,
    unknown: unknownWords(tokens, understood),
  };
  if (ambiguous.length > 0) result.ambiguous = ambiguous;
  if (warnings.length > 0) result.warnings = warnings;
  return result;
}

function ref(item: CatalogItem): ProductRef {
  return { id: item.id, name: item.name };
}

/**
 * Fill in what a price is for when the text did not say. Farmers quote the unit price ("2 ta hoi
 * 80k" is 80.000 d/kg), in the unit goods are counted in ("10 con ga 150k" is per head) or the
 * product's usual unit; but "2 ta hoi 16 trieu" cannot be 16 million a kg, so a price far above the
 * usual that fits once divided by the quantity is the price of the whole lot.
 */
function completePrice(r: PriceReading, item: CatalogItem | null, quantity: Quantity | null): ListingPrice {
  if (r.per !== null) return makePrice(r.vnd, r.per);
  let per: string | null = null;
  if (quantity !== null && isCountUnit(quantity.unit)) per = quantity.unit;
  else if (item !== null) {
    per = item.unit;
    const amount = quantityIn(quantity, item.unit);
    if (amount !== null && amount > 1 && r.vnd > item.priceRange.max * LOT_FACTOR && fitsRange(item, { vnd: r.vnd / amount, per: item.unit }, WARN_FACTOR)) {
      const vndPerKg = quantity?.kg ? Math.round(r.vnd / quantity.kg) : null;
      return { vnd: Math.round(r.vnd), per: "total", vndPerKg, perAssumed: true };
    }
  } else if (quantity !== null && isMassUnit(quantity.unit)) per = "kg";
  if (per === null) return makePrice(r.vnd, null);
  return { ...makePrice(r.vnd, per), perAssumed: true };
}

/** `quantity` expressed in `unit` (same unit, or both masses), else null. */
function quantityIn(quantity: Quantity | null, unit: string): number | null {
  if (quantity === null) return null;
  if (quantity.unit === unit) return quantity.value;
  const f = UNITS.get(unit);
  return quantity.kg !== null && f?.kind === "mass" ? quantity.kg / f.factor : null;
}

/** The price per the item's own unit, when it can be worked out. */
function pricePerItemUnit(item: CatalogItem, price: Price, quantity: Quantity | null): number | null {
  if (price.per === "total") {
    const amount = quantityIn(quantity, item.unit);
    return amount === null || amount === 0 ? null : price.vnd / amount;
  }
  if (price.per === item.unit) return price.vnd;
  const f = UNITS.get(item.unit);
  return price.vndPerKg !== null && f?.kind === "mass" ? price.vndPerKg * f.factor : null;
}

/** Whether a price reading (unit price; no unit = the item's unit) lies in the item's range, widened by `factor`. */
function fitsRange(item: CatalogItem, r: PriceReading, factor: number): boolean {
  const p = pricePerItemUnit(item, makePrice(r.vnd, r.per ?? item.unit), null);
  if (p === null) return false;
  return p >= item.priceRange.min / factor && p <= item.priceRange.max * factor;
}

/** Words that are neither used nor filler, as typed. Unit and money words on their own ("can" = need) count as filler. */
function unknownWords(tokens: readonly Token[], understood: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (understood[i] === 1 || t.kind === "sym") continue;
    if (t.kind === "word" && isFunctionWord(t.text)) continue;
    out.push(t.surface);
  }
  return out;
}

function isFunctionWord(w: string): boolean {
  return FILLER_WORDS.has(w) || UNIT_WORDS.has(w) || MONEY_SCALES.has(w) || CURRENCY_WORDS.has(w) || PER_WORDS.has(w) || RANGE_WORDS.has(w);
}

/** One head counted ("1 con"), whose weight may follow. */
function isOneHead(q: FoundQuantity): boolean {
  return q.readings.length === 1 && q.readings[0].value === 1 && q.readings[0].unit === "con";
}
