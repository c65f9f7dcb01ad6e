// Numbers as farmers type them: digits with Vietnamese separators ("80.000", "1,5"), number words
// ("tam muoi nghin", "hai tram linh nam", "ba lam"), and the spoken shorthand where a trailing digit
// continues the previous place ("1tr2" = 1.200.000, "tram tu" = 140, "35 nghin 5" = 35.500).
//
// Separators follow the Vietnamese convention: the comma is the decimal mark and the dot groups
// thousands. Phones with English keyboards muddle this, so a number that reads two ways returns
// BOTH readings and the caller asks the user instead of guessing:
//   "80.000"  -> 80000           (dot + three digits: thousands, as written in Vietnam)
//   "1,5"     -> 1.5             (decimal comma)
//   "1.5"     -> 1.5 or 15       (an English decimal point, or a mistyped "15")
//   "1,500"   -> 1.5 or 1500     (a Vietnamese decimal, or English thousands)
//   "0.5", "0,500" -> 0.5        (a thousands group never starts with 0)
//   "1.500.000", "1,500,000" -> 1500000; "1.500,5" / "1,500.5" -> 1500.5 (the last mark is the decimal)

import {
  DIGIT_WORDS,
  HALF_AFTER_WORD,
  HUNDRED_WORD,
  INNER_DIGIT_WORDS,
  SWAPPED_DIGIT_WORDS,
  MAX_DIGITS,
  MAX_NUMBER,
  MONEY_NOT_BEFORE,
  MONEY_SCALES,
  SLANG_MONEY,
  TENS_WORD,
  UNIT_WORDS,
  TEN_WORD,
  ZERO_WORDS,
} from "./lexicon.ts";
import { tokenize, type Token } from "./tokens.ts";

const PLAIN = /^\d+$/;
const SEPARATOR = /[.,]/;

/** Readings of a digit token ("80.000", "1,5"), or null when it is no number we accept (phone numbers, ids). */
export function readDigits(text: string): number[] | null {
  if (PLAIN.test(text)) {
    if (text.length > MAX_DIGITS) return null;
    // "0912345678", "007": phone numbers and codes, not amounts. "05" is still 5.
    if (text.length >= 3 && text[0] === "0") return null;
    return [Number(text)];
  }
  const parts = text.split(SEPARATOR);
  if (parts.some((p) => p === "") || parts.join("").length > MAX_DIGITS) return null;
  const head = parts[0];
  if (head.length > 1 && head[0] === "0") return null;
  const hasDot = text.includes(".");
  const hasComma = text.includes(",");

  if (hasDot && hasComma) {
    // Both marks: the last one is the decimal mark, the other groups thousands.
    const lastSep = text[Math.max(text.lastIndexOf("."), text.lastIndexOf(","))];
    const groupSep = lastSep === "." ? "," : ".";
    const cut = text.lastIndexOf(lastSep);
    const intPart = text.slice(0, cut);
    if (intPart.includes(lastSep)) return null;
    const groups = intPart.split(groupSep);
    if (groups[0].length > 3 || groups.slice(1).some((g) => g.length !== 3)) return null;
    return [Number(`${groups.join("")}.${text.slice(cut + 1)}`)];
  }

  const groupsOk = head.length <= 3 && head !== "0" && parts.slice(1).every((p) => p.length === 3);
  if (parts.length > 2) return groupsOk ? [Number(parts.join(""))] : null;

  const frac = parts[1];
  const decimal = Number(`${head}.${frac}`);
  const grouped = Number(head + frac);
  if (hasComma) return groupsOk ? [decimal, grouped] : [decimal];
  if (groupsOk) return [grouped];
  if (head === "0") return [decimal];
  return [decimal, grouped];
}

// --- Number phrases ------------------------------------------------------------------------------

type Atom =
  | { t: "num"; values: number[]; digits: number; word: boolean; merged: boolean }
  | { t: "ten" } // muoi
  | { t: "tens" } // chuc
  | { t: "hundred" } // tram
  | { t: "zero" } // linh, le
  | { t: "scale"; mult: number; k: boolean } // k, nghin, trieu, ty
  | { t: "half" }; // ruoi

export interface NumberPhrase {
  /** Token range [start, end). */
  start: number;
  end: number;
  /** Distinct readings, in order of preference; more than one means ask. */
  values: number[];
  /** Largest money scale in the phrase (1000 for "k"/"nghin", 1e6 for "trieu"), 0 if none. */
  money: number;
  /** Multiplier of the last money scale ("80-90k": the first number borrows it). */
  lastMoney: number;
  /** "k" appeared: always money, never "1 nghin can" (a thousand kg). */
  hasK: boolean;
  /** Made of words only, no digits. */
  wordsOnly: boolean;
  atomCount: number;
  /** Ends with a plain number after a scale ("8 trieu 1"), which may be the "1" of "1 ta" that follows. */
  endsWithNumberAfterScale: boolean;
  /** A lone integer token of one digit ("5"), the only kind that continues a quantity ("2 ta 5"). */
  singleDigit: boolean;
  /** Says tens or hundreds in words ("tam chuc", "9 chuc", "2 tram"): how a price is spoken in thousands. */
  roundWords: boolean;
  /** Ends with a plain "1" or "mot" right after "chuc" or "tram" ("4 chuc 1"), which may be the "1" of "1 can". */
  endsWithOneAfterRound: boolean;
}

/**
 * Longest number read, in words and digits. "mot trieu hai tram ba muoi tu nghin nam tram sau muoi
 * bay" (1.234.567) is 13; the cap keeps a flood of number words from costing quadratic time.
 */
const MAX_ATOMS = 24;

// nextAtom refuses the same first tokens (with no previous atom it only starts at these); this check
// saves the work of a phrase that cannot start, so weakening it changes no result.
// Stryker disable ConditionalExpression,LogicalOperator: equivalent, see above
function isNumberStart(tok: Token): boolean {
  if (tok.kind === "num") return true;
  // "tram" too: "tram ruoi can" (150 kg) leaves out the "mot".
  return tok.kind === "word" && (DIGIT_WORDS.has(tok.text) || tok.text === TEN_WORD || tok.text === HUNDRED_WORD);
}
// Stryker restore ConditionalExpression,LogicalOperator

function isUnitOrScale(tok: Token | undefined): boolean {
  return tok !== undefined && tok.kind === "word" && (UNIT_WORDS.has(tok.text) || MONEY_SCALES.has(tok.text) || tok.text === TENS_WORD || tok.text === TEN_WORD || tok.text === HUNDRED_WORD);
}

/**
 * Read the longest valid number starting at token `i`, or null. `maxAtoms` limits its length so a
 * caller can give back a trailing number that belongs to what follows ("8 trieu | 1 ta"). With
 * `slang`, "cu" and "lit" are money (SLANG_MONEY); only the scanner knows when they are.
 */
export function readNumberPhrase(tokens: readonly Token[], i: number, maxAtoms = MAX_ATOMS, slang = false): NumberPhrase | null {
  const first = tokens[i];
  // Stryker disable next-line ConditionalExpression: the same fast path (no atom, so null below)
  if (first === undefined || !isNumberStart(first)) return null;
  // "lam yen" (five yen, l for n) starts a number; "lam" alone, or before anything else, is "to do".
  if (SWAPPED_DIGIT_WORDS.has(first.text) && !isUnitOrScale(tokens[i + 1])) return null;
  const atoms: Atom[] = [];
  const ends: number[] = [];
  for (let j = i; j < tokens.length && atoms.length < maxAtoms; j++) {
    const afterMoney = atoms.some((a) => a.t === "scale");
    // "Van Quan" is a place, not ten thousand.
    if (MONEY_NOT_BEFORE.get(tokens[j].text)?.has(tokens[j + 1]?.text ?? "")) break;
    const atom = nextAtom(tokens[j], atoms[atoms.length - 1], afterMoney ? tokens[j + 1] : undefined, slang);
    if (atom === null) break;
    if (atom !== "merged") atoms.push(atom);
    ends[atoms.length - 1] = j + 1;
    if (atom !== "merged" && atom.t === "half") break; // "ruoi" (and a half) closes a number
  }
  // Back off until the prefix is a valid number: "hai tram 5,5" -> "hai tram" (5,5 is a new number).
  for (let m = atoms.length; m > 0; m--) {
    const slice = atoms.slice(0, m);
    const values = evaluateAll(slice);
    if (values === null) continue;
    let money = 0;
    let lastMoney = 0;
    let hasK = false;
    let sawScale = false;
    for (const a of slice) {
      if (a.t === "scale") {
        money = Math.max(money, a.mult);
        lastMoney = a.mult;
        hasK ||= a.k;
      }
      if (a.t === "scale" || a.t === "hundred") sawScale = true;
    }
    const last = slice[m - 1];
    return {
      start: i,
      end: ends[m - 1],
      values,
      money,
      lastMoney,
      hasK,
      wordsOnly: slice.every((a) => a.t !== "num" || a.word),
      atomCount: m,
      endsWithNumberAfterScale: m > 1 && last.t === "num" && sawScale,
      singleDigit: m === 1 && last.t === "num" && !last.word && last.digits === 1,
      roundWords: slice.some((a) => a.t === "tens" || a.t === "hundred"),
      endsWithOneAfterRound: m > 1 && last.t === "num" && (slice[m - 2].t === "tens" || slice[m - 2].t === "hundred") && values.length === 1 && tokens[ends[m - 1] - 1].text.replace(/^mot$/, "1") === "1",
    };
  }
  return null;
}

/** The atom a token adds to the phrase so far, "merged" when it folded into the previous one, or null to stop. */
function nextAtom(tok: Token, prev: Atom | undefined, next: Token | undefined, slang: boolean): Atom | "merged" | null {
  if (tok.kind === "num") {
    if (prev?.t === "num") return null;
    const values = readDigits(tok.text);
    if (values === null) return null;
    return { t: "num", values, digits: PLAIN.test(tok.text) ? tok.text.length : 0, word: false, merged: false };
  }
  if (tok.kind !== "word") return null;
  const w = tok.text;
  const inner = INNER_DIGIT_WORDS.get(w);
  // Spoken tens without "muoi": "hai lam" = 25, "ba tu" = 34, "hai mot can" = 21 kg; but after an
  // amount, "1 trieu hai mot ta" is 1.200.000 per ("mot") ta. `next` is only passed after money.
  const mergeable = inner !== undefined && !(w === "mot" && next !== undefined && UNIT_WORDS.has(next.text));
  if (mergeable && inner !== 0 && prev?.t === "num" && prev.word && !prev.merged && prev.values[0] >= 2 && prev.values[0] <= 9) {
    prev.values = [prev.values[0] * 10 + inner];
    prev.digits = 2;
    prev.merged = true;
    return "merged";
  }
  const digit = DIGIT_WORDS.get(w);
  if (digit !== undefined && prev?.t !== "num") return { t: "num", values: [digit], digits: 1, word: true, merged: false };
  if (inner !== undefined && prev !== undefined && prev.t !== "num" && prev.t !== "half") {
    return { t: "num", values: [inner], digits: 1, word: true, merged: false };
  }
  if (w === TEN_WORD) return { t: "ten" };
  if (w === HUNDRED_WORD) return { t: "hundred" };
  if (prev === undefined) return null;
  if (w === TENS_WORD && prev.t === "num") return { t: "tens" };
  if (ZERO_WORDS.has(w) && (prev.t === "hundred" || prev.t === "scale")) return { t: "zero" };
  const mult = MONEY_SCALES.get(w) ?? (slang ? SLANG_MONEY.get(w) : undefined);
  if (mult !== undefined) return { t: "scale", mult, k: w === "k" };
  if (w === HALF_AFTER_WORD && (prev.t === "hundred" || prev.t === "scale" || prev.t === "tens")) return { t: "half" };
  return null;
}

/** All distinct readings of a phrase (one per choice of reading of each ambiguous digit token), or null if invalid. */
function evaluateAll(atoms: readonly Atom[]): number[] | null {
  const choices: number[][] = [[]];
  for (const a of atoms) {
    if (a.t !== "num") continue;
    const next: number[][] = [];
    for (const c of choices) for (const v of a.values) if (next.length < 16) next.push([...c, v]);
    choices.splice(0, choices.length, ...next);
  }
  const out: number[] = [];
  for (const c of choices) {
    const v = evaluate(atoms, c);
    if (v === null) return null;
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

interface Pending {
  v: number;
  digits: number;
}

/**
 * Value of a phrase given one reading per number atom. Vietnamese numbers are groups below a
 * thousand (hundreds, tens, units) joined by scales; a number left over after a scale with no
 * lower scale named is the next digits down ("tram hai" = 120, "trieu 25" = 1.250.000).
 */
function evaluate(atoms: readonly Atom[], picks: readonly number[]): number | null {
  let total = 0;
  let group = 0;
  let pending: Pending | null = null;
  let place = 0; // what a trailing number continues: 0 = units, else the last scale (100, 1000, ...)
  let halfBase = 0; // what "ruoi" halves
  let lastMoney = Infinity;
  let hasHundreds = false;
  let hasTens = false;
  let afterZero = false;
  let p = 0;
  for (const a of atoms) {
    switch (a.t) {
      case "num":
        if (pending !== null) return null;
        pending = { v: picks[p++], digits: a.digits };
        break;
      case "ten":
        if (hasTens || afterZero) return null;
        if (pending !== null) {
          if (!isDigit(pending.v, 2)) return null;
          group += pending.v * 10;
          pending = null;
        } else group += 10;
        hasTens = true;
        place = 0;
        break;
      case "tens":
        if (pending === null || hasTens || !Number.isInteger(pending.v) || pending.v > 99) return null;
        group += pending.v * 10;
        pending = null;
        hasTens = true;
        place = 0;
        halfBase = 10;
        break;
      case "hundred": {
        if (hasHundreds || hasTens || afterZero) return null;
        const h: number = pending === null ? 1 : pending.v;
        // "khong tram" (no hundreds) only inside a number: "mot nghin khong tram linh nam".
        if (!isDigit(h, total > 0 ? 0 : 1)) return null;
        group += h * 100;
        pending = null;
        hasHundreds = true;
        place = 100;
        halfBase = 100;
        break;
      }
      case "zero":
        if (pending !== null) return null;
        afterZero = true;
        place = 0;
        break;
      case "scale": {
        const v: number = group + (pending === null ? 0 : pending.v);
        if (v === 0) return null;
        total = a.mult >= lastMoney ? (total + v) * a.mult : total + v * a.mult;
        lastMoney = a.mult;
        group = 0;
        pending = null;
        hasHundreds = hasTens = afterZero = false;
        place = a.mult;
        halfBase = a.mult;
        break;
      }
      case "half":
        if (pending !== null || halfBase === 0) return null;
        if (halfBase >= 1000) total += halfBase / 2;
        else group += halfBase / 2;
        break;
    }
  }
  if (pending !== null) {
    if (afterZero && !isDigit(pending.v, 1)) return null;
    if (place === 0 || afterZero) group += pending.v;
    else {
      // Trailing digits continue the last place: they must be a short whole number.
      const d = pending.digits;
      if (d === 0 || !Number.isInteger(pending.v) || 10 ** d > place) return null;
      group += (pending.v * place) / 10 ** d;
    }
  } else if (afterZero) return null;
  // "1 trieu 2 tram" is 1.200.000 in market talk (the thousands are left unsaid), not 1.000.200.
  if (lastMoney >= 1e6 && lastMoney !== Infinity && hasHundreds) group *= lastMoney / 1000;
  const value = total + group;
  if (!Number.isFinite(value) || value < 0 || value > MAX_NUMBER) return null;
  return value;
}

function isDigit(v: number, min: number): boolean {
  return Number.isInteger(v) && v >= min && v <= 9;
}

/**
 * A whole text read as one number: 80000, or { ambiguous: [1.5, 15] }, or null when the text is not
 * exactly one number ("tam muoi nghin" -> 80000, "1tr2" -> 1200000, "nam nay" -> null).
 */
export function parseNumber(text: string): number | { ambiguous: number[] } | null {
  const tokens = tokenize(text);
  const phrase = readNumberPhrase(tokens, 0);
  if (phrase === null || phrase.end !== tokens.length) return null;
  // One number word alone is an ordinary word as often as a number ("nam" year/five): only as a whole text.
  return phrase.values.length === 1 ? phrase.values[0] : { ambiguous: phrase.values };
}
