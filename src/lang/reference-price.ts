// An officer's reference price in one line: "hồi khô 85k chợ Đồng Đăng", "na 35 nghìn/kg tại chợ Chi
// Lăng". The product and the price are read as a listing reads them (the same scanner and catalog
// matcher); what follows them is the source, as typed. Pure, never throws.
import { catalogIndex, matchProduct, type CatalogIndex, type CatalogItem } from "./product.ts";
import { makePrice, type Price } from "./price.ts";
import { scan } from "./scan.ts";
import { tokenize } from "./tokens.ts";
import { UNITS } from "./lexicon.ts";
import { fold } from "./normalize.ts";

export interface ReferencePriceParse {
  product: CatalogItem | null;
  /** the first price read, per its stated unit (null: not said) */
  price: Price | null;
  /** more than one reading ("1.5tr"): ask again rather than guess */
  ambiguous: boolean;
  /** what follows the product and the price ("chợ Đồng Đăng"), "" when nothing */
  source: string;
}

/** Little words between the price and the place: "tại chợ ...", "ở chợ ...", "- chợ ...". */
const LEADING_FILLERS = new Set(["tai", "o", "gia", "nguon"]);

export function parseReferencePrice(text: string, catalog: readonly CatalogItem[] | CatalogIndex): ReferencePriceParse {
  const input = text.normalize("NFC").slice(0, 300);
  const tokens = tokenize(input);
  const found = scan(tokens);
  const first = found.prices[0];
  const products = matchProduct(input, catalogIndex(catalog));
  const product = products?.[0]?.item ?? null;
  const price = first ? makePrice(first.readings[0].vnd, first.readings[0].per) : null;
  const ends = [first?.end ?? 0, products?.[0]?.end ?? 0];
  const after = Math.max(...ends);
  let source = after < tokens.length ? input.slice(tokens[after].at) : "";
  source = source.replace(/^[\s,.;:\-–]+/, "");
  for (;;) {
    const word = /^(\S+)\s+/.exec(source);
    if (!word || !LEADING_FILLERS.has(fold(word[1]))) break;
    source = source.slice(word[0].length);
  }
  return { product, price, ambiguous: (first?.readings.length ?? 0) > 1, source: source.trim() };
}

/**
 * The price per `unit` (the product's catalog unit): as stated, per unit not said, or brought from
 * another mass unit ("8 triệu 1 tạ" is 80.000 đ/kg). Null when the units cannot be compared (a price
 * "per quả" for a product counted by the kg).
 */
export function pricePerUnit(price: Price, unit: string): number | null {
  if (price.per === null || price.per === unit) return price.vnd;
  const from = UNITS.get(price.per);
  const to = UNITS.get(unit);
  if (from?.kind === "mass" && to?.kind === "mass") return Math.round((price.vnd / from.factor) * to.factor);
  return null;
}
