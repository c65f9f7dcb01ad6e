// The vocabulary used to read listings ("ban 2 ta hoi 80k"), in one place.
//
// Every entry is written in FOLDED form (see normalize.ts: lower case, no diacritics, "d" for the
// crossed d), because that is what people type on phones without a Vietnamese keyboard and what all
// matching compares against. Folding merges words that Vietnamese keeps apart, so several entries
// below are collisions handled on purpose; each one says how. The display names with diacritics
// (for formatting) live in units.vi.json, not here, so no .ts file carries Vietnamese literals.

import unitNamesVi from "./units.vi.json" with { type: "json" };

// ---------------------------------------------------------------------------------------------
// Units

export type UnitKind = "mass" | "volume" | "count";

export interface UnitInfo {
  /** Canonical code, folded ASCII: "kg", "ta", "qua"... Used in parse results. */
  code: string;
  kind: UnitKind;
  /** kg per unit (mass), litres per unit (volume), 1 (count). */
  factor: number;
}

const UNIT_LIST: readonly UnitInfo[] = [
  { code: "g", kind: "mass", factor: 0.001 },
  { code: "lang", kind: "mass", factor: 0.1 }, // "lang" = 100 g, the old market ounce
  { code: "kg", kind: "mass", factor: 1 },
  { code: "yen", kind: "mass", factor: 10 },
  { code: "ta", kind: "mass", factor: 100 },
  { code: "tan", kind: "mass", factor: 1000 },
  { code: "ml", kind: "volume", factor: 0.001 },
  { code: "lit", kind: "volume", factor: 1 },
  // Counted units stay counted: a "qua" of persimmon and a "qua" of custard apple weigh differently.
  { code: "qua", kind: "count", factor: 1 },
  { code: "con", kind: "count", factor: 1 },
  { code: "chai", kind: "count", factor: 1 },
  { code: "hop", kind: "count", factor: 1 },
  { code: "bo", kind: "count", factor: 1 },
  { code: "bao", kind: "count", factor: 1 },
  { code: "tui", kind: "count", factor: 1 },
  { code: "thung", kind: "count", factor: 1 },
  { code: "goi", kind: "count", factor: 1 },
  { code: "cu", kind: "count", factor: 1 },
  { code: "bap", kind: "count", factor: 1 },
];

/** Canonical unit code -> info. */
export const UNITS: ReadonlyMap<string, UnitInfo> = new Map(UNIT_LIST.map((u) => [u.code, u]));

/**
 * Folded spelling -> unit code. These are only read as units right after a number (see scan.ts),
 * because almost all of them are also ordinary words once folded:
 *   "can" = can (kg) but also "can" (need: "can ban" = need to sell),
 *   "ta"  = ta (100 kg) but also "ta" (us, local: "ga ta") and "ta" (dozen, see DOZEN),
 *   "tan" = tan (tonne) but also "tan" (right up to: "giao tan nha"),
 *   "qua" = qua (fruit, piece) but also "qua" (via, past), "con" = con (head) but also "con" (still),
 *   "lang" = lang (100 g) but also the place "Lang Son" and "Chi Lang" (see UNIT_NOT_BEFORE),
 *   "bo" = bo (bunch) but also "na bo" (the soft custard apple), "goi" = goi (pack) but also "goi" (call).
 */
export const UNIT_WORDS: ReadonlyMap<string, string> = new Map([
  ["g", "g"], ["gr", "g"], ["gam", "g"], ["gram", "g"], ["grams", "g"],
  ["lang", "lang"],
  ["kg", "kg"], ["kgs", "kg"], ["kilo", "kg"], ["kilogam", "kg"], ["kilogram", "kg"],
  ["can", "kg"], ["ky", "kg"], ["ki", "kg"],
  ["yen", "yen"],
  ["ta", "ta"],
  ["tan", "tan"],
  ["ml", "ml"],
  ["l", "lit"], ["lit", "lit"], ["lits", "lit"], ["litre", "lit"], ["liter", "lit"],
  ["qua", "qua"], ["trai", "qua"],
  ["con", "con"], ["chai", "chai"], ["hop", "hop"], ["bo", "bo"], ["bao", "bao"], ["tui", "tui"],
  ["thung", "thung"], ["goi", "goi"], ["cu", "cu"], ["bap", "bap"],
]);

/** Units spelled over several tokens ("ki lo", "ki lo gam"); longest first. */
export const UNIT_PHRASES: readonly (readonly [readonly string[], string])[] = [
  [["ki", "lo", "gam"], "kg"],
  [["ki", "lo", "gram"], "kg"],
  [["ki", "lo"], "kg"],
  [["kilo", "gam"], "kg"],
];

/** "lang" followed by "son" is the province Lang Son, never 2 lang (200 g). */
export const UNIT_NOT_BEFORE: ReadonlyMap<string, ReadonlySet<string>> = new Map([["lang", new Set(["son"])]]);

/**
 * "ta" after a number is read as the mass unit (100 kg). For goods counted by the piece (eggs) the
 * same spelling is the dozen, so the listing reports both readings and the bot asks.
 */
export const DOZEN = 12;

/**
 * A single number word plus a unit that is also a common phrase: "ba con oi" (folks!), "ba ta"
 * (she), "hai ta" (the two of us). Read as a quantity only when a product or a price follows.
 */
export const WEAK_QUANTITY_PAIRS: ReadonlySet<string> = new Set(["ba con", "ba ta", "hai ta"]);

// ---------------------------------------------------------------------------------------------
// Money

/**
 * Money scales after a number: "80k", "80 nghin" / "80 ngan", "1tr2", "1 trieu 2", and the northern
 * "van" (ten thousand: "2 van" = 20.000, "2 van 5" = 25.000, "3 van ruoi" = 35.000) and the slang
 * "xi" (a hundred thousand). "cu" and "lit" are slang too but are mostly units; see SLANG_MONEY.
 */
export const MONEY_SCALES: ReadonlyMap<string, number> = new Map([
  ["k", 1e3], ["nghin", 1e3], ["ngan", 1e3], ["ngin", 1e3], ["nghim", 1e3],
  ["van", 1e4], ["xi", 1e5],
  ["trieu", 1e6], ["tr", 1e6], ["chieu", 1e6],
  ["ty", 1e9],
]);

/**
 * A money word that is not one before these words: "van" in "Van Quan" and "Van Lang" (districts of
 * Lang Son) is part of the name.
 */
export const MONEY_NOT_BEFORE: ReadonlyMap<string, ReadonlySet<string>> = new Map([["van", new Set(["quan", "lang"])]]);

/**
 * Slang amounts that are also units: "1 cu" is a million (or one tuber), "2 lit" two hundred
 * thousand (or two litres). The scanner reads them as money only where a unit cannot be meant: a
 * unit the price is for follows ("2 lit 1 can", "1 cu 1 ta"), a spoken continuation follows
 * ("1 cu 2" = 1.200.000, "cu ruoi"), or a weight was already given ("2 ta hoi 8 cu").
 */
export const SLANG_MONEY: ReadonlyMap<string, number> = new Map([["cu", 1e6], ["lit", 1e5]]);

/** Currency marks after a number: "80.000d", "80.000 dong", "80.000 vnd". The symbol U+20AB is mapped to "d" by the tokenizer. */
export const CURRENCY_WORDS: ReadonlySet<string> = new Set(["d", "dong", "vnd", "dg"]);

/** Words that announce a price, so a bare number right after is a price ("gia 80" = 80.000 d). */
export const PRICE_WORDS: ReadonlySet<string> = new Set(["gia"]);

/** How many tokens after a price word a bare number is still read as the price ("gia ban la 80"). */
export const PRICE_WORD_REACH = 3;

/**
 * A bare price under this is in thousands: nothing at market costs 80 d, and "gia 80" is how
 * everybody writes 80.000 d. Only applied to bare numbers; "80 d" written out stays 80 d.
 */
export const BARE_PRICE_THOUSANDS_BELOW = 1000;

/** The smallest amount of money still in use; a reading below this loses to any other reading. */
export const MIN_REAL_VND = 500;

/**
 * No produce sells under this per kg (cassava and maize are a few thousand). Used to tell "mot can
 * 80 nghin" (80.000 a kg) from "mot tan muoi lam nghin" (a tonne at 15.000 a kg, not 15 d a kg).
 */
export const MIN_VND_PER_KG = 1000;

/**
 * Words linking a price to its unit: "80k/kg", "80 nghin mot can" (mot = one, here "per"),
 * "moi can 80k" (moi = each), "80k tren kg". A digit "1" works too ("8 trieu 1 ta").
 */
export const PER_WORDS: ReadonlySet<string> = new Set(["/", "moi", "mot", "tren"]);

/** Range markers: "1-2 ta", "80 den 90 nghin". A range is reported as ambiguous (the bot asks). */
export const RANGE_WORDS: ReadonlySet<string> = new Set(["-", "~", "den", "toi"]);

// ---------------------------------------------------------------------------------------------
// Number words

/**
 * Digit words that may start a number. Each is also an ordinary word once folded ("ba" grandmother,
 * "nam" year, "hai" to pick, "sau" after, "bay" to fly, "tam" about, "chin" ripe, "bon" to
 * fertilise), so a number made of ONE such word counts only when a unit or money word follows:
 * "nam can" is 5 kg, "nam nay" is this year.
 */
export const DIGIT_WORDS: ReadonlyMap<string, number> = new Map([
  ["mot", 1], ["hai", 2], ["ba", 3], ["bon", 4], ["nam", 5],
  ["sau", 6], ["bay", 7], ["tam", 8], ["chin", 9],
  // "lam" for "nam" (5): l and n are swapped in much of the north, Lang Son included ("lam yen quyt").
  ["lam", 5],
]);

/** Digit words said with l for n ("lam" for "nam"): a number only before a unit, never a whole text ("lam" is to do). */
export const SWAPPED_DIGIT_WORDS: ReadonlySet<string> = new Set(["lam"]);

/**
 * Digit words only valid inside a number, after "muoi", "tram", a scale or another digit word:
 * "hai muoi mot" / "hai mot" (21, "mot" here is the other spelling of one), "muoi lam" (15),
 * "ba lam nghin" (35.000), "hai muoi tu" (24), "tram tu" (140), "mot nghin khong tram linh nam"
 * (1005). Alone, "tu" is "from", "lam" is "to do", "khong" is "not" ("hong khong hat").
 */
export const INNER_DIGIT_WORDS: ReadonlyMap<string, number> = new Map([
  ["mot", 1], ["tu", 4], ["lam", 5], ["nham", 5], ["khong", 0],
]);

/** "muoi": 10 alone, times ten after a digit ("tam muoi" = 80). Both spellings fold to this. */
export const TEN_WORD = "muoi";
/** "chuc": tens, as in "nam chuc can" (50 kg). Ten, not the southern 12-14 fruit "chuc": this is the north. */
export const TENS_WORD = "chuc";
export const HUNDRED_WORD = "tram";
/** "mot tram linh nam" / "mot tram le nam" = 105. */
export const ZERO_WORDS: ReadonlySet<string> = new Set(["linh", "le"]);
/** "ruoi" = and a half of the last unit: "2 ta ruoi" (250 kg), "trieu ruoi" (1.500.000), "tram ruoi" (150). */
export const HALF_AFTER_WORD = "ruoi";
/** "nua" = half, before a unit: "nua ta" = 50 kg. (Also "nua" = more; only read before a unit.) */
export const HALF_BEFORE_WORD = "nua";

/** Largest number we accept; beyond this a number is not a quantity or price anybody means. */
export const MAX_NUMBER = 1e15;
/** Longest digit string read as a number (longer runs are ids, phone numbers glued together...). */
export const MAX_DIGITS = 15;

// ---------------------------------------------------------------------------------------------
// Products and filler

/**
 * Single-word product aliases that are also everyday words, so they only match exactly and rank
 * below any longer alias or other product: "hoi" (star anise / to ask / slightly, as in "lon hoi"),
 * "lon" (pig / big: "na lon" is a big custard apple), "ga" (chicken / station), "hong" (persimmon /
 * broken / pink), "che" (tea / sweet soup), "lac" (peanut / lost), "ngo" (maize / alley),
 * "trung" (egg / middle), "tra" (tea / to return), "cai" (mustard greens / the classifier).
 */
export const COLLIDING_ALIASES: ReadonlySet<string> = new Set([
  "hoi", "lon", "ga", "hong", "che", "lac", "ngo", "trung", "tra", "cai",
]);

/**
 * Place names in Lang Son (folded, multiword). They are understood (not "unknown") and a product
 * alias lying wholly inside one is ignored: "Na Sam" is a town, not custard apples.
 */
export const PLACE_NAMES: readonly string[] = [
  "lang son", "chi lang", "bac son", "van quan", "binh gia", "trang dinh", "loc binh", "cao loc",
  "huu lung", "dinh lap", "van lang", "dong dang", "na sam", "that khe", "mau son", "tan thanh", "bao lam",
];

/**
 * Small words that carry no listing information; they are neither "unknown" nor part of a product
 * (fuzzy matching never starts or ends on one). Kept short on purpose: descriptive words such as
 * "ngon" or "loai 1" are reported as unknown so the bot can keep them as notes.
 */
export const FILLER_WORDS: ReadonlySet<string> = new Set([
  // verbs and particles of a sale: "can ban" (need to sell), "co" (have), "con" (still have), "nhe"...
  "ban", "can", "co", "con", "mua", "gia", "la", "thi", "nhe", "nha", "a", "ah", "ak", "oi", "ok",
  "dang", "se", "da", "roi", "duoc", "them", "nua", "di", "day",
  // people: "em", "anh", "chi", "ba con" (folks), "minh"...
  "em", "anh", "chi", "minh", "toi", "ai", "ba", "bac", "ong", "chu", "nong", "dan",
  // linking words
  "o", "tai", "tu", "tren", "moi", "cho", "va", "vs", "voi", "cua", "hoac", "cac", "nhung", "mot",
  "de", "ca", "nhu", "khoang", "tam", "hon", "it", "nhieu", "hang", "nay", "khac", "k", "ko", "khong", "thanh",
  // where and how to reach
  "vuon", "xa", "thon", "huyen", "lien", "he", "sdt", "dt", "zalo",
  // bits of money and units left alone ("dong" without a number, "ta" in "cua ta")
  "dong", "ta",
]);

/** Unit display names (with diacritics) and the currency symbol, from units.vi.json. */
const UNIT_LABELS: Readonly<Record<string, string>> = unitNamesVi;

/** The Vietnamese label for a unit code ("ta" -> the tonne-of-a-hundred word); the code itself if unknown. */
export function unitLabel(code: string): string {
  return UNIT_LABELS[code] ?? code;
}

/** The currency symbol used when formatting prices (the dong sign letter). */
export const CURRENCY_SYMBOL: string = UNIT_LABELS.currency ?? "d";
