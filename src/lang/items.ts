// Several listings in one message: "ban 2 ta hoi kho 80k, 50kg na 35k", "3 yen thach den 25k va 1
// ta hoi 90k", or one per line. Each becomes its own ListingParse, read by parseListingSentence.
//
// The message is cut where a listing detail repeats: products, quantities and prices are found line
// by line (scan.ts, product.ts; a line break ends a price, so "80k" then "1 ta na" on the next line
// is no "80k per ta"), then walked in order; a second product, quantity or price starts the next
// item, at the start of its line when a line break lies between, else at its own first token. Words
// before it (",", "va", "voi") stay with the item before, where they are filler. A product name that
// is also an everyday word ("lon": pig or big) or was read through a typo only counts when a
// quantity or price sits right beside it. A message with one item is parsed whole, exactly as
// parseListingSentence reads it.

import { COLLIDING_ALIASES } from "./lexicon.ts";
import { parseListingSentence, readText, type ListingParse, type ReadText } from "./listing.ts";
import type { Quantity } from "./quantity-value.ts";
import { catalogIndex, type CatalogIndex, type CatalogItem } from "./product.ts";

/** At most this many items are cut from one message; the last one takes the rest of the text. */
export const MAX_ITEMS = 12;
/** Animals are counted by the head: "1 con lon". */
const HEAD_UNIT = "con";

type FieldKind = "product" | "quantity" | "price";

interface Field {
  kind: FieldKind;
  /** Character offsets in the NFC text [from, to), and the offset of the line it is on. */
  from: number;
  to: number;
  line: number;
  /** A product name that is also an everyday word, or read through a typo. */
  doubtful: boolean;
  /** A quantity of one head ("1 con"), whose weight may follow ("1 con lon khoang 50 can"). */
  oneHead?: boolean;
  /** A quantity that weighs (kg known). */
  weighs?: boolean;
}

/** Character offsets (NFC text) where each item after the first starts. `read` is readText(text) of a one-line text. */
export function itemCuts(text: string, catalog: readonly CatalogItem[] | CatalogIndex, read?: ReadText): number[] {
  const index = catalogIndex(catalog);
  const nfc = text.normalize("NFC");
  const fields: Field[] = [];
  const lines = nfc.split("\n");
  let line = 0;
  for (const part of lines) {
    fields.push(...lineFields(lines.length === 1 && read !== undefined ? read : readText(part, index), line));
    line += part.length + 1;
  }
  fields.sort((a, b) => a.from - b.from);
  const cuts: number[] = [];
  let seen = new Set<FieldKind>();
  let last: Field | undefined;
  // A doubtful name after the item's product waits: it starts the next item only if the detail
  // right after it does ("na 30k 1 ta, hoi 85k"), else it is a word of this one ("thach den phoi kho").
  let pending: Field | undefined;
  // A count of one head ("1 con") waiting for its weight, after its product and before any other.
  let head: Field | undefined;
  for (const [k, f] of fields.entries()) {
    // "mua 1 con lon khoang 50 can": the weight of the one head is that item's quantity, unless a
    // product follows the weight ("1 con ga, 5 can na": the weight is the next item's).
    if (f.kind === "quantity" && f.weighs === true && head !== undefined && seen.has("product") && fields[k + 1]?.kind !== "product") {
      head = undefined;
      continue;
    }
    if (f.kind === "product" && f.doubtful && seen.has("product")) {
      pending = f;
      continue;
    }
    if (seen.has(f.kind) && last !== undefined) {
      if (cuts.length + 1 >= MAX_ITEMS) break;
      const from = pending ?? f;
      cuts.push(from.line > last.line ? from.line : from.from);
      seen = new Set(pending === undefined ? [] : ["product"]);
      head = undefined;
    }
    pending = undefined;
    if (f.kind === "quantity") head = f.oneHead === true && !seen.has("quantity") ? f : undefined;
    seen.add(f.kind);
    last = f;
  }
  return cuts;
}

/** Whether a quantity is one head ("1 con") or weighs ("50 can"). */
function heads(readings: readonly Quantity[] | undefined): { oneHead?: boolean; weighs?: boolean } {
  if (readings === undefined || readings.length !== 1) return {};
  const [q] = readings;
  return { oneHead: q.value === 1 && q.unit === HEAD_UNIT, weighs: q.kg !== null };
}

/** The products, quantities and prices of one line, at character offsets from `base`. */
function lineFields({ tokens, found, candidates }: ReadText, base: number): Field[] {
  const at = (start: number, end: number) => ({ from: base + tokens[start].at, to: base + tokens[end - 1].at + tokens[end - 1].surface.length, line: base });
  const details = [
    ...found.quantities.filter((q) => !q.weak).map((q) => ({ kind: "quantity" as const, start: q.start, end: q.end, readings: q.readings })),
    ...found.prices.map((p) => ({ kind: "price" as const, start: p.start, end: p.end, readings: undefined })),
  ];
  const beside = (start: number, end: number) => details.some((d) => d.end === start || d.start === end);
  const products: { start: number; end: number; doubtful: boolean }[] = [];
  for (const c of candidates) {
    if (products.some((t) => c.start < t.end && t.start < c.end)) continue;
    const doubtful = c.typos > 0 || (c.end - c.start === 1 && COLLIDING_ALIASES.has(c.alias));
    if (!doubtful || beside(c.start, c.end)) products.push({ start: c.start, end: c.end, doubtful });
  }
  return [
    ...details.map((d) => ({ kind: d.kind, ...at(d.start, d.end), doubtful: false, ...heads(d.readings) })),
    // "..., 2 chuc trung": a bare count right before a product is that product's ("100 trung"), so an
    // item cut there starts at the count, and the item before does not end on a number of its own.
    ...products.map((p) => ({ kind: "product" as const, ...at(found.bare.find((b) => b.end === p.start)?.start ?? p.start, p.end), doubtful: p.doubtful })),
  ];
}

/**
 * The listings in a message, in order. One item (the usual case) is parseListingSentence of the
 * whole text; items that say nothing at all (no product, quantity, price or question) are dropped.
 * Pure, never throws.
 */
export function parseListingItems(text: string, catalog: readonly CatalogItem[] | CatalogIndex, read?: ReadText): ListingParse[] {
  const index = catalogIndex(catalog);
  const cuts = itemCuts(text, index, read);
  if (cuts.length === 0) return keep([parseListingSentence(text, index, read !== undefined && !text.includes("\n") ? read : undefined)]);
  const nfc = text.normalize("NFC");
  const bounds = [0, ...cuts, nfc.length];
  const items: ListingParse[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) items.push(parseListingSentence(nfc.slice(bounds[k], bounds[k + 1]), index));
  return keep(items);
}

function keep(items: ListingParse[]): ListingParse[] {
  return items.filter((i) => i.product !== null || i.quantity !== null || i.price !== null || (i.ambiguous?.length ?? 0) > 0);
}
