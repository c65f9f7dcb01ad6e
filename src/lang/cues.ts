// Finding the cue phrases of intents.vi.json in a message ("tat thong bao", "xem don", "bao nhieu").
//
// The words are the folded tokens (see tokens.ts) with texting abbreviations spelled out ("ko" ->
// "khong", "bn" -> "bao nhieu", "tb" -> "thong bao"). Phrases are then found left to right, longest
// first, compared with spaces removed so that glued ("tatthongbao", "xemdon") and split typing
// match, and within a small edit distance ("huong dna", "cam onn", "bao nhiu") for windows holding
// a word we do not know. Known words are never corrected: "chau" (grandchild) stays "chau" and does
// not become "chao" (hello). The fuzzy part uses the same distance as product names (product.ts).
//
// Written by hand rather than with a general fuzzy-search library: the phrase list is small, the
// matching must respect what the listing scanner already claimed (numbers, units) and stay in the
// microseconds, and the typo rule is shared with product matching.

import data from "./intents.vi.json" with { type: "json" };
import { CURRENCY_WORDS, DIGIT_WORDS, FILLER_WORDS, MONEY_SCALES, UNIT_WORDS } from "./lexicon.ts";
import { typoDistance } from "./product.ts";
import type { Token } from "./tokens.ts";

/** Cue families; intent.ts combines them into an intent. */
export type Signal =
  | "stop" | "resume" | "cancel" | "back" | "help" | "greeting" | "orders" | "listings" | "soldOut" | "editPrice"
  | "editQty" | "qtyWord" | "priceAsk" | "priceNoun" | "howMuch" | "sell" | "buyerSeek" | "buy" | "sellerSeek"
  | "change" | "remain" | "lost" | "now" | "yet";

interface Cue {
  signal: Signal;
  phrase: string;
  /** The phrase with spaces removed, as compared. */
  compact: string;
  /** Counts only as the whole message, particles aside ("tat", "huy", "bat"). */
  alone: boolean;
}

/** One word of the message as matched: folded, abbreviation spelled out, with the token it came from. */
export interface Word {
  text: string;
  token: number;
  /** A product or place name was set aside right before this word: no phrase runs across it. */
  gap?: boolean;
}

export interface CueHit {
  signal: Signal;
  phrase: string;
  /** Word range [start, end). */
  start: number;
  end: number;
}

const SIGNALS = data.signals as unknown as Record<string, string[]>;
const compact = (phrase: string) => phrase.replaceAll(" ", "");
/** "hang cua {p}" stands for "hang cua toi", "hang cua em"... */
const withPronouns = (p: string): string[] => (p.includes("{p}") ? data.pronouns.map((x) => p.replace("{p}", x)) : [p]);
const CUES: Cue[] = Object.entries(SIGNALS)
  .filter(([key]) => !key.startsWith("_"))
  .flatMap(([signal, phrases]) =>
    phrases.flatMap(withPronouns).map((p) => {
      const phrase = p.replace(/^=/, "");
      return { signal: signal as Signal, phrase, compact: compact(phrase), alone: p.startsWith("=") };
    }),
  );
/** A "neutral" entry: matched like a cue so its words are used up, but signals nothing. */
const NEUTRAL = "neutral";
const EXACT = new Map<string, Cue | typeof NEUTRAL>();
for (const p of data.neutral) EXACT.set(compact(p), NEUTRAL);
for (const c of CUES) if (!c.alone && !EXACT.has(c.compact)) EXACT.set(c.compact, c);
const ALONE = new Map<string, Cue>(CUES.filter((c) => c.alone).map((c) => [c.phrase, c]));
const BY_LENGTH = new Map<number, Cue[]>();
for (const c of CUES) {
  if (c.alone) continue;
  const key = c.compact.length;
  BY_LENGTH.set(key, [...(BY_LENGTH.get(key) ?? []), c]);
}
const MAX_WORDS = Math.max(...[...CUES.map((c) => c.phrase), ...data.neutral].map((p) => p.split(" ").length)) + 1;
/** Longest phrase, spaces removed, plus the typos tolerated: no longer window can match. */
const MAX_COMPACT = Math.max(...[...CUES.map((c) => c.compact), ...data.neutral.map(compact)].map((c) => c.length)) + 2;
/**
 * Typo lookups per message. Each compares a window with every phrase of similar length; a flood of
 * unknown words (a pasted text, random bytes) must not cost more than a message of a few lines.
 */
const MAX_FUZZY_LOOKUPS = 48;

export const PARTICLES: ReadonlySet<string> = new Set(data.particles);
/** Last words that make a yes/no question ("co don nao khong"); the first, "yet" ("co ai dat chua"). */
export const QUESTION_END: readonly string[] = data.questionEnd;
const PLURAL: ReadonlySet<string> = new Set(data.plural);
/** Whole messages that bring back the main menu ("menu", "ve menu"). */
export const MENU_PHRASES: readonly string[] = data.menu;
/** Words after which the next one or two are a place: "xa Quang Lac". */
export const ADMIN_WORDS: ReadonlySet<string> = new Set(data.admin);
/** Everyday two-word phrases holding a product's word: "kiem tra" (check, not tea), "cai nay" (this one, not cabbage). */
export const ORDINARY: readonly string[] = data.ordinary;
const SURNAMES: ReadonlySet<string> = new Set(data.names.surnames);
const MIDDLE_NAMES: ReadonlySet<string> = new Set(data.names.middle);

/** "Hoang Van Mua", "Le Thi Don": a person's full name, whose words are no request ("mua", "don"). */
export function isFullName(tokens: readonly Token[]): boolean {
  return (
    tokens.length >= 3 &&
    tokens.length <= 4 &&
    tokens.every((t) => t.kind === "word") &&
    SURNAMES.has(tokens[0].text) &&
    MIDDLE_NAMES.has(tokens[1].text)
  );
}
const ABBREVIATIONS: ReadonlyMap<string, string[]> = new Map(Object.entries(data.abbreviations).map(([k, v]) => [k, v.split(" ")]));

/** Words we know; fuzzy matching only starts from a window holding a word outside this set. */
const KNOWN: Set<string> = new Set([
  ...CUES.flatMap((c) => c.phrase.split(" ")),
  ...data.neutral.flatMap((p) => p.split(" ")),
  ...data.particles,
  ...data.common,
  ...ABBREVIATIONS.keys(),
  ...FILLER_WORDS,
  ...UNIT_WORDS.keys(),
  ...MONEY_SCALES.keys(),
  ...CURRENCY_WORDS,
  ...DIGIT_WORDS.keys(),
]);

const FUZZY_CACHE_LIMIT = 10_000;
const fuzzyCache = new Map<string, Cue | null>();

/**
 * The words of a message for cue matching: word tokens for which `usable(i)` holds, folded, with
 * abbreviations spelled out. "k" after a number is money ("80k") and is left to the scanner.
 */
export function cueWords(tokens: readonly Token[], usable: (i: number) => boolean, breaks?: (i: number) => boolean): Word[] {
  const out: Word[] = [];
  let gap = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== "word" || !usable(i)) {
      gap ||= breaks !== undefined && t.kind === "word" && breaks(i);
      continue;
    }
    const expanded = ABBREVIATIONS.get(t.text);
    if (expanded === undefined) out.push(gap ? { text: t.text, token: i, gap } : { text: t.text, token: i });
    else for (const [k, w] of expanded.entries()) out.push(gap && k === 0 ? { text: w, token: i, gap } : { text: w, token: i });
    gap = false;
  }
  return out;
}

/**
 * Cue phrases in `words`, left to right, longest first; words that belong together are not
 * split (glued "tatthongbao" is one word matching "tat thong bao"). `known` adds words of the
 * catalog that must not be corrected towards a cue.
 */
export function findCues(words: readonly Word[], known: ReadonlySet<string>): CueHit[] {
  const hits: CueHit[] = [];
  let lookups = 0;
  let i = 0;
  while (i < words.length) {
    let best: { cue: Cue | typeof NEUTRAL; end: number; typos: number } | null = null;
    let joined = "";
    let fresh = false;
    for (let e = i; e < words.length && e - i < MAX_WORDS; e++) {
      // "mua thach den bao nhieu": with the product set aside, "mua" and "bao" are no "mua bao" (storm season).
      if (e > i && words[e].gap === true) break;
      // "xem cac don hang" is "xem don hang": plural markers inside a phrase are skipped.
      if (e > i && PLURAL.has(words[e].text)) continue;
      // A word split into two by the abbreviation map stays whole: both halves share a token.
      joined += words[e].text;
      if (joined.length > MAX_COMPACT) break;
      fresh ||= !KNOWN.has(words[e].text) && !known.has(words[e].text);
      if (e + 1 < words.length && words[e + 1].token === words[e].token) continue;
      const exact = EXACT.get(joined);
      if (exact !== undefined) best = { cue: exact, end: e + 1, typos: 0 };
      else if (fresh && (best === null || best.typos > 0) && lookups < MAX_FUZZY_LOOKUPS) {
        lookups++;
        const fuzzy = fuzzyCue(joined);
        if (fuzzy !== null) best = { cue: fuzzy, end: e + 1, typos: 1 };
      }
    }
    if (best === null) {
      i++;
      continue;
    }
    if (best.cue !== NEUTRAL) hits.push({ signal: best.cue.signal, phrase: best.cue.phrase, start: i, end: best.end });
    i = best.end;
  }
  return hits;
}

/** The cue a whole message is, particles aside ("tat di", "huy a", "giup em voi"), or null. */
export function aloneCue(words: readonly Word[]): CueHit | null {
  let content = words.filter((w) => !PARTICLES.has(w.text));
  // All particles: one of them may still be the cue ("giup" is "please" and "help").
  if (content.length === 0) content = words.filter((w) => ALONE.has(w.text)).slice(0, 1);
  if (content.length === 0 || content.length > 2) return null;
  // "huy thoi", "thoi huy": two words that each say the same thing alone.
  const each = content.map((w) => ALONE.get(w.text));
  const same = each.every((c) => c !== undefined && c.signal === each[0]?.signal) ? each[0] : undefined;
  // "giup do": a phrase may hold a particle ("giup" is also "please").
  const cue = ALONE.get(content.map((w) => w.text).join(" ")) ?? ALONE.get(words.map((w) => w.text).join(" ")) ?? same;
  if (cue === undefined) return null;
  return { signal: cue.signal, phrase: cue.phrase, start: words.indexOf(content[0]), end: words.indexOf(content[content.length - 1]) + 1 };
}

/**
 * Typos tolerated in a cue of `len` letters (spaces removed): fewer than in product names, since cue
 * phrases run over several short words ("thon khuoi" is two typos from "thoi khoi").
 */
function cueTypos(len: number): number {
  return len >= 12 ? 2 : len >= 4 ? 1 : 0;
}

/** The non-neutral cue within the typo budget of `joined` (spaces removed), if exactly one family is nearest. */
function fuzzyCue(joined: string): Cue | null {
  const key = joined;
  const cached = fuzzyCache.get(key);
  if (cached !== undefined) return cached;
  let best: Cue | null = null;
  let bestDistance = Infinity;
  let tied = false;
  const len = joined.length;
  for (let l = len - 2; l <= len + 2; l++) {
    const bucket = BY_LENGTH.get(l);
    if (bucket === undefined) continue;
    const budget = cueTypos(Math.min(len, l));
    if (budget === 0 || Math.abs(len - l) > budget) continue;
    for (const cue of bucket) {
      const d = typoDistance(joined, cue.compact);
      if (d > budget || d > bestDistance) continue;
      if (d < bestDistance) {
        best = cue;
        bestDistance = d;
        tied = false;
      } else if (best !== null && best.signal !== cue.signal) tied = true;
    }
  }
  const result = tied ? null : best;
  if (fuzzyCache.size >= FUZZY_CACHE_LIMIT) fuzzyCache.clear();
  fuzzyCache.set(key, result);
  return result;
}
