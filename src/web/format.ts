// Dates and quantities as shown on the web pages (Vietnamese local time, Vietnamese numbers).
import { displayPrice, displayQuantity } from "../../flows/listing-card.ts";
import { UNITS } from "../lang/lexicon.ts";
import { formatQuantity } from "../lang/quantity.ts";

const TZ = "Asia/Ho_Chi_Minh";
const dayFormat = new Intl.DateTimeFormat("vi-VN", { day: "numeric", month: "numeric", year: "numeric", timeZone: TZ });
const timeFormat = new Intl.DateTimeFormat("vi-VN", { hour: "2-digit", minute: "2-digit", day: "numeric", month: "numeric", timeZone: TZ });

export const formatDay = (d: Date) => dayFormat.format(d);
export const formatTime = (d: Date) => timeFormat.format(d);

export { displayPrice };

/**
 * What is left: "2 tạ" and, when the household counts in a bigger unit, the stock unit too ("200 kg").
 * Less than one of the household's unit is shown in the stock unit only ("3 kg", not "0,03 tạ").
 */
export function leftParts(l: { unit: string; quantity: number; displayUnit: string }): { quantity: string; base: string | null } {
  const base = formatQuantity({ value: l.quantity, unit: l.unit });
  const display = UNITS.get(l.displayUnit);
  const stock = UNITS.get(l.unit);
  if (display && stock && display.kind === stock.kind && (l.quantity * stock.factor) / display.factor < 1) return { quantity: base, base: null };
  const shown = displayQuantity(l);
  return { quantity: shown, base: shown === base ? null : base };
}
