// One left-to-right pass over the tokens that finds quantities and prices.
//
// Both start with a number, so they are told apart by what follows it: a money word or currency
// ("80k", "80 nghin", "80.000d") makes a price, a unit ("2 ta", "nam chuc can") a quantity, and
// after a price a unit is what the price is for ("80k/kg", "80 nghin mot can", "8 trieu 1 ta").
// Units are only read right after a number, which is what keeps "can ban" (need to sell), "ga ta"
// (local chicken) and "Lang Son" from becoming weights.

import {
  BARE_PRICE_THOUSANDS_BELOW,
  CURRENCY_WORDS,
  HALF_AFTER_WORD,
  HALF_BEFORE_WORD,
  MIN_REAL_VND,
  MIN_VND_PER_KG,
  PER_WORDS,
  PRICE_WORDS,
  PRICE_WORD_REACH,
  RANGE_WORDS,
  SLANG_MONEY,
  UNITS,
  UNIT_NOT_BEFORE,
  UNIT_PHRASES,
  UNIT_WORDS,
  WEAK_QUANTITY_PAIRS,
} from "./lexicon.ts";
import { readNumberPhrase, type NumberPhrase } from "./numbers.ts";
import { makeQuantity, round6, type Quantity } from "./quantity-value.ts";
import type { Token } from "./tokens.ts";

export interface Found<T> {
  /** Readings; more than one means the text is ambiguous and the user should be asked. */
  readings: T[];
  /** Token range [start, end). */
  start: number;
  end: number;
}

export interface FoundQuantity extends Found<Quantity> {
  /** "ba con", "ba ta", "hai ta": also everyday phrases; kept only before a product or price. */
  weak: boolean;
  /** Spelled "mot" (one): "mot can 80 nghin" states a unit price, not a quantity. */
  wordOne: boolean;
  /** Written as a range ("1-2 ta"). */
  range: boolean;
}

export interface PriceReading {
  vnd: number;
  per: string | null;
}

export interface FoundPrice extends Found<PriceReading> {
  /** A bare number after "gia" read in thousands ("gia 80" = 80.000). */
  assumedThousands: boolean;
  range: boolean;
}

export interface ScanResult {
  tokens: readonly Token[];
  quantities: FoundQuantity[];
  prices: FoundPrice[];
  /** Numbers with no unit or money word, e.g. "100 trung" (a count the listing may attach to a product) or a phone number. */
  bare: Found<number>[];
  /** 1 for every token consumed by a quantity or price. */
  claimed: Uint8Array;
}

interface UnitMatch {
  code: string;
  end: number;
}

/** The unit spelled at token `j` ("kg", "ki lo", "can"), or null. */
export function unitAt(tokens: readonly Token[], j: number): UnitMatch | null {
  const t = tokens[j];
  if (t === undefined || t.kind !== "word") return null;
  for (const [words, code] of UNIT_PHRASES) {
    if (words[0] === t.text && words.every((w, k) => tokens[j + k]?.text === w)) return { code, end: j + words.length };
  }
  const code = UNIT_WORDS.get(t.text);
  if (code === undefined) return null;
  const notBefore = UNIT_NOT_BEFORE.get(t.text);
  const next = tokens[j + 1];
  if (notBefore !== undefined && next !== undefined && notBefore.has(next.text)) return null;
  return { code, end: j + 1 };
}

function isCurrencyAt(tokens: readonly Token[], j: number): boolean {
  const t = tokens[j];
  return t !== undefined && t.kind === "word" && CURRENCY_WORDS.has(t.text);
}

/** The unit a price is for, right after it: "/kg", "/ 1 kg", "/3 bo", "mot can", "1 ta", "moi ky", "kg". */
function perAt(tokens: readonly Token[], j: number): { unit: string; count: number; end: number } | null {
  const t = tokens[j];
  if (t === undefined) return null;
  if (t.text === "/" || PER_WORDS.has(t.text) || (t.kind === "num" && t.text === "1")) {
    let k = j + 1;
    let count = 1;
    if (t.text === "/") {
      const n = readNumberPhrase(tokens, k);
      if (n !== null && n.values.length === 1 && n.values[0] > 0 && n.money === 0 && unitAt(tokens, n.end) !== null) {
        count = n.values[0];
        k = n.end;
      }
    }
    const u = unitAt(tokens, k);
    return u === null ? null : { unit: u.code, count, end: u.end };
  }
  const u = unitAt(tokens, j);
  return u === null ? null : { unit: u.code, count: 1, end: u.end };
}

/** Distinct whole-dong readings. Without a money word, prefer readings that are real amounts: "80,000d" is 80.000, not 80 d. */
function moneyReadings(values: readonly number[], scaled: boolean, count: number): number[] {
  let vs = values;
  if (!scaled) {
    const real = vs.filter((v) => Number.isInteger(v) && v >= MIN_REAL_VND);
    if (real.length > 0) vs = real;
  }
  const out: number[] = [];
  for (const v of vs) {
    const vnd = Math.round(v / count);
    if (!out.includes(vnd)) out.push(vnd);
  }
  return out;
}

/** Words that may close a spoken price: "tam chuc nhe", "9 chuc thoi a". */
const CLAUSE_END_WORDS: ReadonlySet<string> = new Set(["nhe", "nha", "a", "ah", "ak", "thoi", "nhen", "day", "ne", "roi", "nhi", "oi", "va", "con"]);

/** Nothing but particles, punctuation or the end of the text follows: the number ends what is said about it. */
function endsClause(tokens: readonly Token[], j: number): boolean {
  const t = tokens[j];
  return t === undefined || t.kind !== "word" || CLAUSE_END_WORDS.has(t.text);
}

/** Scan tokens for quantities and prices. Pure; never throws. */
export interface ScanOptions {
  /** The text answers "what price?": a bare number at its start is the price, as after "gia". */
  priceAsked?: boolean;
}

export function scan(tokens: readonly Token[], options: ScanOptions = {}): ScanResult {
  const quantities: FoundQuantity[] = [];
  const prices: FoundPrice[] = [];
  const bare: Found<number>[] = [];
  const claimed = new Uint8Array(tokens.length);
  const claim = (from: number, to: number) => claimed.fill(1, from, to);
  let priceWordReach = options.priceAsked ? PRICE_WORD_REACH - 1 : -1; // tokens up to here follow "gia", so a bare number is the price
  let priceWordSeen = false;
  let perLead: { unit: string; start: number; end: number } | null = null; // "moi can" before a price

  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i];
    if (t.kind === "word") {
      if (PRICE_WORDS.has(t.text)) {
        priceWordReach = i + PRICE_WORD_REACH;
        priceWordSeen = true;
        i++;
        continue;
      }
      // "moi can 80k": the unit comes first, "each kg, 80k".
      if (t.text === "moi") {
        const u = unitAt(tokens, i + 1);
        if (u !== null && readNumberPhrase(tokens, u.end) !== null) {
          perLead = { unit: u.code, start: i, end: u.end };
          i = u.end;
          continue;
        }
      }
      // "nua ta" (half a ta) and "ta ruoi" (one and a half): quantities with no digit.
      if (t.text === HALF_BEFORE_WORD) {
        const u = unitAt(tokens, i + 1);
        if (u !== null && UNITS.get(u.code)?.kind !== "count") {
          quantities.push({ readings: [makeQuantity(0.5, u.code)], start: i, end: u.end, weak: false, wordOne: false, range: false });
          claim(i, u.end);
          i = u.end;
          continue;
        }
      }
      const u = unitAt(tokens, i);
      if (u !== null && tokens[u.end]?.text === HALF_AFTER_WORD && UNITS.get(u.code)?.kind !== "count") {
        quantities.push({ readings: [makeQuantity(1.5, u.code)], start: i, end: u.end + 1, weak: false, wordOne: false, range: false });
        claim(i, u.end + 1);
        i = u.end + 1;
        continue;
      }
    }
    const phrase = readNumberPhrase(tokens, i);
    if (phrase === null) {
      i++;
      continue;
    }
    i = readAfterNumber(phrase);
  }

  // What follows a number decides what it is; returns where scanning resumes.
  function readAfterNumber(first: NumberPhrase): number {
    const start = first.start;
    const slang = slangMoney(first);
    let phrase = slang ?? first;
    // "8 trieu 1 ta", "80 nghin mot can": the last number belongs to the unit that follows (a unit
    // price), not to the amount ("1 trieu 2" alone is 1.200.000).
    if (phrase.money > 0 && phrase.endsWithNumberAfterScale && unitAt(tokens, phrase.end) !== null) {
      phrase = readNumberPhrase(tokens, start, phrase.atomCount - 1, slang !== null) ?? phrase;
    }
    // "gia 4 chuc 1 can", "2 tram mot can": forty (thousand) for one kg, not 41 kg; tens said in words
    // and then "1" is how a spoken price names its unit.
    if (phrase.money === 0 && phrase.endsWithOneAfterRound && unitAt(tokens, phrase.end) !== null) {
      phrase = readNumberPhrase(tokens, start, phrase.atomCount - 1) ?? phrase;
    }
    let values = phrase.values;
    let end = phrase.end;
    let money = phrase.money;
    let hasK = phrase.hasK;
    let wordsOnly = phrase.wordsOnly;
    let range = false;

    // "1-2 ta", "80 - 90k", "80 den 90 nghin": both ends are readings; the bot asks which.
    const sep = tokens[end];
    if (sep !== undefined && RANGE_WORDS.has(sep.text)) {
      const second = readNumberPhrase(tokens, end + 1);
      if (second !== null && (money === 0 || second.money > 0 || unitAt(tokens, second.end) === null)) {
        const firstValues = money === 0 && second.money > 0 ? values.map((v) => v * second.lastMoney) : values;
        values = [...new Set([...firstValues, ...second.values])];
        money = Math.max(money, second.money);
        hasK ||= second.hasK;
        wordsOnly &&= second.wordsOnly;
        end = second.end;
        range = true;
      }
    }

    const hasCurrency = isCurrencyAt(tokens, end);
    const afterMoney = hasCurrency ? end + 1 : end;
    const unit = unitAt(tokens, afterMoney);
    const isPrice = hasK || hasCurrency || (money > 0 && unit === null);
    // One number word alone ("nam", "ba", "tam") is an ordinary word unless a unit or money follows.
    if (wordsOnly && phrase.atomCount === 1 && !range && !isPrice && unit === null) return start + 1;

    if (isPrice) {
      const per = perAt(tokens, afterMoney);
      pushPrice(start, per?.end ?? afterMoney, values, money > 0, per, false, range);
      return per?.end ?? afterMoney;
    }
    if (unit !== null) return readQuantity(phrase, values, unit, range, end);
    // A bare amount is a price after "gia" ("gia 80", "gia: 35") or before a unit it is for
    // ("1 tram 2 mot can" = 120.000 a kg); small amounts are in thousands.
    const perWord = tokens[end];
    const perFollows = perWord !== undefined && (PER_WORDS.has(perWord.text) || (perWord.kind === "num" && perWord.text === "1")) && unitAt(tokens, end + 1) !== null;
    // "2 ta ruoi hoi kho tam chuc", "sua gia na len 9 chuc": tens or hundreds said in words, with no unit,
    // after a weight or a price word, is the price in thousands (nobody sells 80 kg that way after 2 ta).
    const spokenPrice =
      phrase.roundWords && prices.length === 0 && values.every((v) => v < BARE_PRICE_THOUSANDS_BELOW) && endsClause(tokens, end) &&
      (priceWordSeen || quantities.some((q) => q.readings.some((r) => r.kg !== null)));
    if (start <= priceWordReach || perFollows || spokenPrice) {
      const thousands = values.some((v) => v < BARE_PRICE_THOUSANDS_BELOW);
      const scaled = values.map((v) => (v < BARE_PRICE_THOUSANDS_BELOW ? v * 1000 : v));
      const per = perAt(tokens, end);
      pushPrice(start, per?.end ?? end, scaled, thousands, per, thousands, range);
      return per?.end ?? end;
    }
    bare.push({ readings: values, start, end });
    return end;
  }

  // "1 cu 2" (1.200.000), "2 lit 1 can" (200.000 a kg), "2 ta hoi 8 cu": the number read again with
  // "cu"/"lit" as money, where a unit cannot be meant (see SLANG_MONEY); null where it can.
  function slangMoney(phrase: NumberPhrase): NumberPhrase | null {
    const word = tokens[phrase.end];
    if (phrase.money > 0 || word === undefined || !SLANG_MONEY.has(word.text)) return null;
    const money = readNumberPhrase(tokens, phrase.start, undefined, true);
    if (money === null || money.money === 0) return null;
    const continues = word.text === "cu" && money.end > phrase.end + 1;
    const per = perAt(tokens, money.end);
    const perOther = per !== null && UNITS.get(per.unit)?.kind !== UNITS.get(UNIT_WORDS.get(word.text) ?? "")?.kind;
    const afterWeight = prices.length === 0 && quantities.some((q) => q.readings.some((r) => r.kg !== null));
    return continues || perOther || afterWeight ? money : null;
  }

  function pushPrice(
    start: number,
    end: number,
    values: readonly number[],
    scaled: boolean,
    per: { unit: string; count: number } | null,
    assumedThousands: boolean,
    range: boolean,
  ): void {
    let unit = per?.unit ?? null;
    let from = start;
    if (unit === null && perLead !== null && perLead.end === start) {
      unit = perLead.unit;
      from = perLead.start;
    }
    const readings = moneyReadings(values, scaled, per?.count ?? 1).map((vnd) => ({ vnd, per: unit }));
    prices.push({ readings, start: from, end, assumedThousands, range });
    claim(from, end);
  }

  function readQuantity(phrase: NumberPhrase, values: readonly number[], unit: UnitMatch, range: boolean, numberEnd: number): number {
    const info = UNITS.get(unit.code);
    const firstFactor = info?.factor ?? 1;
    let smallest = firstFactor;
    let add = 0; // in units of the first unit
    let j = unit.end;
    if (info !== undefined && info.kind !== "count" && !range) {
      for (;;) {
        // "2 ta ruoi" = 2,5 ta; "2 ta 5 yen ruoi" = 2,55 ta.
        if (tokens[j]?.text === HALF_AFTER_WORD) {
          add += (0.5 * smallest) / firstFactor;
          j++;
          break;
        }
        if (info.kind !== "mass") break;
        const next = readNumberPhrase(tokens, j);
        if (next === null || next.values.length !== 1 || next.money > 0 || isCurrencyAt(tokens, next.end)) break;
        // "3 ta mot can 30 nghin": "mot can" is what the price is for, not 3 ta 1 kg.
        if (next.wordsOnly && tokens[j].text === "mot") break;
        const u2 = unitAt(tokens, next.end);
        const f2 = u2 === null ? undefined : UNITS.get(u2.code);
        if (u2 !== null && f2 !== undefined && f2.kind === "mass" && f2.factor < smallest) {
          // "2 ta 5 yen", "2 can 3 lang": smaller units add up.
          add += (next.values[0] * f2.factor) / firstFactor;
          smallest = f2.factor;
          j = u2.end;
          continue;
        }
        // "2 ta 5", "hai can ba": one more digit is the next unit down (tenths of the last unit).
        const v = next.values[0];
        const oneDigit = next.singleDigit || (next.wordsOnly && next.atomCount === 1);
        if (u2 === null && oneDigit && Number.isInteger(v) && v >= 1 && v <= 9 && !RANGE_WORDS.has(tokens[next.end]?.text ?? "")) {
          add += (v * smallest) / 10 / firstFactor;
          j = next.end;
        }
        break;
      }
    }
    const readings: Quantity[] = [];
    for (const v of values) {
      const q = makeQuantity(round6(v + add), unit.code);
      if (!readings.some((r) => r.value === q.value)) readings.push(q);
    }
    const firstWord = tokens[phrase.start].text;
    const single = phrase.wordsOnly && phrase.atomCount === 1;
    quantities.push({
      readings,
      start: phrase.start,
      end: j,
      weak: single && !range && WEAK_QUANTITY_PAIRS.has(`${firstWord} ${tokens[numberEnd]?.text ?? ""}`),
      wordOne: single && firstWord === "mot",
      range,
    });
    claim(phrase.start, j);
    return j;
  }

  resolveLeadingUnitPrices(tokens, quantities, prices, claimed);
  return { tokens, quantities, prices, bare, claimed };
}

/**
 * "mot can 80 nghin", "gia 1 kg 80k", "2 ta, 1 kg 80k", "mot can hoi tam muoi nghin": a one-unit
 * quantity before a price that names no unit is the unit of that price. Only when it is clearly so:
 * spelled "mot" (then words may sit between, like the product), or right before the price and
 * after "gia" or beside another (real) quantity.
 */
function resolveLeadingUnitPrices(tokens: readonly Token[], quantities: FoundQuantity[], prices: FoundPrice[], claimed: Uint8Array): void {
  for (const p of prices) {
    if (p.readings.some((r) => r.per !== null)) continue;
    const qi = quantities.findIndex((q) => q.end === p.start || (q.wordOne && q.end < p.start && claimed.indexOf(1, q.end) === p.start));
    if (qi < 0) continue;
    const q = quantities[qi];
    if (q.range || q.readings.length !== 1 || q.readings[0].value !== 1) continue;
    const afterPriceWord = q.start > 0 && PRICE_WORDS.has(tokens[q.start - 1].text);
    if (!(q.wordOne || afterPriceWord || quantities.length > 1)) continue;
    const unit = q.readings[0].unit;
    // "mot tan muoi lam nghin" is a tonne at 15.000 a kg: 15 d a kg is no price.
    const info = UNITS.get(unit);
    if (info?.kind === "mass" && p.readings.some((r) => r.vnd / info.factor < MIN_VND_PER_KG)) continue;
    p.readings = p.readings.map((r) => ({ ...r, per: unit }));
    p.start = q.start;
    quantities.splice(qi, 1);
  }
}
