// Reading a quantity or a price the way farmers type it ("2 tạ rưỡi", "80k", "8 triệu 1 tạ"),
// shared by "Đăng bán" and "Hàng của tôi". Ambiguous answers ("1.5 tạ": 1,5 or 15?) are never
// guessed: the caller asks back with one button per reading.
import type { FlowContext } from "../../src/engine/flow.ts";
import { UNITS } from "../../src/lang/lexicon.ts";
import { parseNumber } from "../../src/lang/numbers.ts";
import { formatPrice, parsePrice, type Price } from "../../src/lang/price.ts";
import { formatQuantity, parseQuantity, type Quantity } from "../../src/lang/quantity.ts";

const MAX_KG = 1_000_000; // 1.000 tấn: anything above is a typo
const MAX_COUNT = 1_000_000;
const MIN_VND = 500;
const MAX_VND = 1_000_000_000;

/** Stock in listing terms: weights in kg, volumes in litres, counted units as they are. */
export interface Stock {
  unit: string;
  quantity: number;
  displayUnit: string;
}

export type Read<T> = { ok: true; value: T } | { ok: false; error: string } | { ok: "ambiguous"; readings: T[] };

export function toStock(q: Quantity): Stock {
  const info = UNITS.get(q.unit)!;
  if (info.kind === "mass") return { unit: "kg", quantity: q.kg ?? q.value * info.factor, displayUnit: q.unit };
  if (info.kind === "volume") return { unit: "lit", quantity: q.value * info.factor, displayUnit: q.unit };
  return { unit: q.unit, quantity: q.value, displayUnit: q.unit };
}

export function quantityExample(ctx: FlowContext, unit: string): string {
  return UNITS.get(unit)?.kind === "count"
    ? ctx.t("sell:quantityExampleCount", { unit: formatQuantity({ value: 1, unit }).replace(/^1 /, "") })
    : ctx.t("sell:quantityExampleMass");
}

export function checkQuantity(ctx: FlowContext, q: Quantity): string | null {
  const info = UNITS.get(q.unit);
  if (!info || !(q.value > 0)) return ctx.t("sell:quantityZero");
  const stock = toStock(q);
  if (info.kind === "count" && !Number.isInteger(q.value)) {
    return ctx.t("sell:quantityWhole", { unit: formatQuantity({ value: 1, unit: q.unit }).replace(/^1 /, "") });
  }
  if (stock.quantity > (info.kind === "count" ? MAX_COUNT : MAX_KG)) return ctx.t("sell:quantityTooBig");
  return null;
}

export function readQuantity(ctx: FlowContext, text: string, exampleUnit: string): Read<Quantity> {
  const example = quantityExample(ctx, exampleUnit);
  const bare = /^\s*(\d+(?:[.,]\d+)?)\s*$/.exec(text);
  if (bare) return { ok: false, error: ctx.t("sell:quantityNoUnit", { value: bare[1] }) };
  const parsed = parseQuantity(text.slice(0, 200));
  if (parsed === null) return { ok: false, error: ctx.t("sell:quantityNotUnderstood", { example }) };
  if ("ambiguous" in parsed) return { ok: "ambiguous", readings: parsed.ambiguous.filter((q) => !checkQuantity(ctx, q)) };
  const problem = checkQuantity(ctx, parsed);
  return problem ? { ok: false, error: problem } : { ok: true, value: parsed };
}

export const unitName = (unit: string) => formatQuantity({ value: 1, unit }).replace(/^1 /, "");

/** A price as VND per one listing unit (per kg for weights), from whatever unit the farmer quoted. */
export function pricePerUnit(price: Price, stock: Pick<Stock, "unit" | "quantity">): number | "mismatch" {
  if (price.per === null) return price.vnd;
  if (price.per === "total") return Math.round(price.vnd / stock.quantity);
  const quoted = UNITS.get(price.per);
  const base = UNITS.get(stock.unit);
  if (!quoted || !base) return "mismatch";
  if (quoted.kind !== base.kind) return "mismatch";
  if (quoted.kind === "count") return price.per === stock.unit ? price.vnd : "mismatch";
  return Math.round((price.vnd / quoted.factor) * base.factor);
}

/** "80000", "80.000" typed at the price question: dong for one unit (a number that small is no price). */
const BARE_DONG = /^\s*(\d{1,3}(?:\.\d{3})+|\d{4,10})\s*$/;

/** The whole text is one number said in digits and number words ("1 tram 2", "2 van 5"). */
function spokenNumber(text: string): boolean {
  const n = parseNumber(text.slice(0, 60));
  return typeof n === "number";
}

export function readPrice(ctx: FlowContext, text: string, stock: Pick<Stock, "unit" | "quantity">): Read<number> {
  const unit = unitName(stock.unit);
  const bare = BARE_DONG.exec(text);
  // A bare number answering the question is the price ("80" = 80.000 d), as after "gia"; but not a
  // text with several numbers or a leading zero, which is a phone number or a date, not a price.
  const numbers = text.match(/\d+(?:[.,]\d+)*/g) ?? [];
  // Numbers joined by number words are one amount said aloud ("1 tram 2" = 120, "2 van 5"), not several.
  const asked = (numbers.length <= 1 || spokenNumber(text)) && !numbers.some((n) => /^0\d/.test(n));
  const parsed = bare ? { vnd: Number(bare[1].replace(/\./g, "")), per: null, vndPerKg: null } : parsePrice(text.slice(0, 200), { asked });
  if (parsed === null) return { ok: false, error: ctx.t("sell:priceNotUnderstood", { unit }) };
  const readings = "ambiguous" in parsed ? parsed.ambiguous : [parsed];
  const perUnit = readings.map((p) => pricePerUnit(p, stock));
  if (perUnit.every((p) => p === "mismatch")) return { ok: false, error: ctx.t("sell:priceUnitMismatch", { unit }) };
  const valid = perUnit.filter((p): p is number => p !== "mismatch");
  if (valid.every((p) => p < MIN_VND)) return { ok: false, error: ctx.t("sell:priceTooLow") };
  if (valid.every((p) => p > MAX_VND)) return { ok: false, error: ctx.t("sell:priceTooHigh") };
  const sane = valid.filter((p) => p >= MIN_VND && p <= MAX_VND);
  return sane.length === 1 ? { ok: true, value: sane[0] } : { ok: "ambiguous", readings: [...new Set(sane)] };
}

export const showPrice = (vnd: number, unit: string) => formatPrice({ vnd, per: unit });
