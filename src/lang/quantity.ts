// Quantities: "2 ta" (200 kg), "1,5 ta", "2 ta ruoi" (250 kg), "nam chuc can" (50 kg),
// "2 can 3 lang" (2,3 kg), "hai ta 5" (250 kg), "3 qua" (counted, no weight).
//
// A quantity keeps the unit the farmer used (so the bot can echo "2 ta" back) and adds its weight in
// kg for mass units. Counted units (qua, con, chai, hop, bo...) and volumes have no weight: a "qua"
// of persimmon and a "qua" of custard apple are not the same mass, and guessing would be wrong.

import { UNITS, unitLabel } from "./lexicon.ts";
import type { Quantity } from "./quantity-value.ts";
import { scan } from "./scan.ts";
import { tokenize } from "./tokens.ts";

// The value itself lives apart so that the scanner, which builds quantities, does not import the parser
// that calls it; everyone else keeps importing it from here.
export { makeQuantity, round6, type Quantity } from "./quantity-value.ts";

export type QuantityResult = Quantity | { ambiguous: Quantity[] } | null;

/** True for units that are counted rather than weighed (qua, con, chai...). */
export function isCountUnit(unit: string): boolean {
  return UNITS.get(unit)?.kind === "count";
}

/** True for mass units (g, lang, kg, yen, ta, tan). */
export function isMassUnit(unit: string): boolean {
  return UNITS.get(unit)?.kind === "mass";
}

/**
 * The first quantity in a text, e.g. "ban 2 ta hoi 80k" -> { value: 2, unit: "ta", kg: 200 }.
 * "1.5 ta" -> { ambiguous: [150 kg, 1500 kg] }; no quantity -> null. Never throws.
 * The "per" part of a price ("80k/kg") is not a quantity.
 */
export function parseQuantity(text: string): QuantityResult {
  const tokens = tokenize(text);
  // "ba con oi" (folks), "ba ta ban" (she sells): such a pair is a quantity only at the end.
  const found = scan(tokens).quantities.find((q) => !q.weak || tokens.slice(q.end).every((t) => t.kind === "sym"));
  if (found === undefined) return null;
  return found.readings.length === 1 ? found.readings[0] : { ambiguous: found.readings };
}

const FORMATTERS = new Map<number, Intl.NumberFormat>();

/** Vietnamese number formatting: 1.500 / 1,5. Formatters are cached: building one is slow. */
export function formatNumberVi(value: number, maxFractionDigits: number): string {
  let f = FORMATTERS.get(maxFractionDigits);
  // Stryker disable next-line ConditionalExpression: always building a new formatter gives the same text (the cache is for speed)
  if (f === undefined) {
    f = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: maxFractionDigits });
    FORMATTERS.set(maxFractionDigits, f);
  }
  return f.format(value);
}

/**
 * "1,5 ta", "2 kg", "1.200 qua" with the unit's Vietnamese name. At most two decimals: a third one
 * ("1,255") would read as English thousands and come back ambiguous.
 */
export function formatQuantity(q: Pick<Quantity, "value" | "unit">): string {
  return `${formatNumberVi(q.value, 2)} ${unitLabel(q.unit)}`;
}
