// A quantity as the farmer said it ("2 ta") with its weight in kg for mass units (see quantity.ts for
// parsing and formatting). Built by the scanner (scan.ts) and by the listing parser.
import { UNITS } from "./lexicon.ts";

export interface Quantity {
  /** In `unit`, e.g. 2.5 for "2 ta ruoi". */
  value: number;
  /** Canonical unit code from the lexicon: "kg", "ta", "qua"... */
  unit: string;
  /** Weight in kg for mass units, null for counted units and volumes. */
  kg: number | null;
}

/** Round away float noise (0.1 + 0.2) while keeping grams of a tonne. */
export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** A quantity of `value` `unit` with its weight filled in. */
export function makeQuantity(value: number, unit: string): Quantity {
  const info = UNITS.get(unit);
  const v = round6(value);
  return { value: v, unit, kg: info?.kind === "mass" ? round6(v * info.factor) : null };
}
