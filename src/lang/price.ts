// Prices: "80k", "80 nghin" / "80 ngan", "80.000d", "80.000 dong", "1tr2", "1 trieu 2", "1,2 trieu",
// "tam muoi nghin", with a unit when given: "80k/kg", "80 nghin mot can", "8 trieu 1 ta".
//
// `vnd` is the amount for ONE `per` unit as stated (8.000.000 for "8 trieu 1 ta"); `vndPerKg`
// brings mass units to a common kg price (80.000) so listings compare. Amounts are whole dong.

import { CURRENCY_SYMBOL, UNITS, unitLabel } from "./lexicon.ts";
import { formatNumberVi } from "./quantity.ts";
import { scan } from "./scan.ts";
import { tokenize } from "./tokens.ts";

export interface Price {
  /** Whole dong for one `per` unit (or for the whole lot when `per` is "total"). */
  vnd: number;
  /** Unit code the price is for ("kg", "ta", "qua"), "total" for the whole lot, null if not said. */
  per: string | null;
  /** Dong per kg when `per` is a mass unit, else null. */
  vndPerKg: number | null;
}

export type PriceResult = Price | { ambiguous: Price[] } | null;

/** The price with its per-kg value filled in. */
export function makePrice(vnd: number, per: string | null): Price {
  // Stryker disable next-line ConditionalExpression: UNITS.get(null) is undefined as well; the test only spares a lookup
  const info = per === null ? undefined : UNITS.get(per);
  const v = Math.round(vnd);
  return { vnd: v, per, vndPerKg: info?.kind === "mass" ? Math.round(v / info.factor) : null };
}

/**
 * The first price in a text: "hoi kho 80k/kg" -> { vnd: 80000, per: "kg", vndPerKg: 80000 }.
 * "1.5tr" -> { ambiguous: [1.500.000, 15.000.000] }; none -> null. Never throws. `per` stays null
 * when the text does not say it; the listing parser fills it in from the product and quantity.
 * `asked`: the text answers a price question, so a bare number is the price ("80" = 80.000 d).
 */
export function parsePrice(text: string, options: { asked?: boolean } = {}): PriceResult {
  const found = scan(tokenize(text), { priceAsked: options.asked }).prices[0];
  if (found === undefined) return null;
  const readings = found.readings.map((r) => makePrice(r.vnd, r.per));
  return readings.length === 1 ? readings[0] : { ambiguous: readings };
}

/** "80.000 d" or "80.000 d/kg" with the dong sign and the unit's Vietnamese name. */
export function formatPrice(p: Pick<Price, "vnd" | "per">): string {
  const amount = `${formatNumberVi(Math.round(p.vnd), 0)} ${CURRENCY_SYMBOL}`;
  return p.per === null || p.per === "total" ? amount : `${amount}/${unitLabel(p.per)}`;
}
