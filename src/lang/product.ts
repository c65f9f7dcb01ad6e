// Recognising the product in a message: "hoi kho", "na chi lang", "thach dem" (typo), "hoikho" (no
// space), "quyt Bac Son", in any Unicode form or tone-mark placement (everything is folded first).
//
// Aliases are compared with spaces removed, so "hoi kho", "hoikho" and "hoi  kho" are the same, and
// within a small edit distance for typos (1 typo from 4 letters, 2 from 8; short words must be exact
// or "nong" would become "hong"). Longer aliases are more specific and win ("na dai" over "na",
// "lon hoi" (live pig) over "hoi"); single words that are also everyday words rank lowest (see
// COLLIDING_ALIASES). Exact lookups are a Map hit; edit distance is only computed for words that no
// alias matched exactly, against aliases of similar length, and memoised.

import { distance } from "fastest-levenshtein";
import { COLLIDING_ALIASES, FILLER_WORDS, PLACE_NAMES } from "./lexicon.ts";
import { foldWords } from "./normalize.ts";
import { tokenize, type Token } from "./tokens.ts";

/** A product as shipped in prisma/seed/catalog.json. */
export interface CatalogItem {
  /** ASCII slug, stable: "hoi-kho". */
  id: string;
  /** Vietnamese display name. */
  name: string;
  /** What people call it, with or without diacritics, local names included. */
  aliases: readonly string[];
  /** Default unit code (lexicon): "kg", "lit", "qua"... */
  unit: string;
  /** Typical farm-gate price in VND per `unit`, to flag likely typos. */
  priceRange: { min: number; max: number };
  /** Months (1..12) in which it is harvested, off-season crops included. */
  harvestMonths: readonly number[];
  /** The subset of harvestMonths that is a smaller or off-season crop (na Oct-Dec, winter star anise). */
  offSeasonMonths?: readonly number[];
  /** A protected place name ("Na Chi Lang") used as the title only for households of its areas (origin.ts). */
  protected?: { name: string; areas: readonly string[] };
}

export interface ProductCandidate {
  item: CatalogItem;
  /** 0..1: exactness times specificity (longer aliases score higher). */
  score: number;
  /** The folded alias that matched. */
  alias: string;
  /** Typos corrected to match. */
  typos: number;
  /** Token range [start, end) of the match in the message. */
  start: number;
  end: number;
}

interface AliasEntry {
  item: CatalogItem;
  alias: string;
  compact: string;
  words: number;
  weak: boolean;
}

interface FuzzyHit {
  entries: AliasEntry[];
  typos: number;
}

/** A catalog prepared for matching; build once with compileCatalog (or let the functions cache it). */
export interface CatalogIndex {
  items: readonly CatalogItem[];
  byCompact: Map<string, AliasEntry[]>;
  /** Non-colliding aliases by compact length, for typo matching. */
  byLength: Map<number, AliasEntry[]>;
  maxWords: number;
  fuzzyCache: Map<string, FuzzyHit | null>;
}

const FUZZY_CACHE_LIMIT = 20_000;
const WEAK_QUALITY = 0.85;
const TYPO_COST = 0.1;
/** Place names as words, by their first word (a sentence is checked against the few that start at each word). */
const PLACES_BY_FIRST = new Map<string, (readonly string[])[]>();
for (const words of PLACE_NAMES.map((p) => p.split(" "))) {
  const same = PLACES_BY_FIRST.get(words[0]);
  if (same) same.push(words);
  else PLACES_BY_FIRST.set(words[0], [words]);
}
const compiled = new WeakMap<readonly CatalogItem[], CatalogIndex>();

/** Typos tolerated in a word of `len` letters. */
export function maxTypos(len: number): number {
  return len >= 8 ? 2 : len >= 4 ? 1 : 0;
}

/** Prepare a catalog for matching. */
export function compileCatalog(items: readonly CatalogItem[]): CatalogIndex {
  const byCompact = new Map<string, AliasEntry[]>();
  const byLength = new Map<number, AliasEntry[]>();
  let maxWords = 1;
  for (const item of items) {
    const seen = new Set<string>();
    for (const raw of [item.name, ...item.aliases]) {
      const alias = foldWords(raw);
      const compact = alias.replaceAll(" ", "");
      if (compact === "" || seen.has(compact)) continue;
      seen.add(compact);
      const words = alias.split(" ").length;
      const entry: AliasEntry = { item, alias, compact, words, weak: words === 1 && COLLIDING_ALIASES.has(alias) };
      maxWords = Math.max(maxWords, words);
      push(byCompact, compact, entry);
      if (!entry.weak) push(byLength, compact.length, entry);
    }
  }
  return { items, byCompact, byLength, maxWords, fuzzyCache: new Map() };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** The compiled index of a catalog, built on first use. */
export function catalogIndex(catalog: readonly CatalogItem[] | CatalogIndex): CatalogIndex {
  if (!Array.isArray(catalog)) return catalog as CatalogIndex;
  const items = catalog as readonly CatalogItem[];
  let index = compiled.get(items);
  if (index === undefined) {
    index = compileCatalog(items);
    compiled.set(items, index);
  }
  return index;
}

/** Token ranges [start, end) of Lang Son place names ("Chi Lang", "Bac Son", "Na Sam"). */
export function findPlaces(tokens: readonly Token[]): [number, number][] {
  const spans: [number, number][] = [];
  for (let i = 0; i < tokens.length; i++) {
    for (const words of PLACES_BY_FIRST.get(tokens[i].text) ?? []) {
      if (words.every((w, k) => tokens[i + k]?.text === w)) spans.push([i, i + words.length]);
    }
  }
  return spans;
}

/**
 * Candidates for the products named in `tokens`, best first, one per product. Only word tokens for
 * which `usable(i)` holds are considered (the listing parser excludes numbers and units it used).
 */
export function matchProductTokens(
  tokens: readonly Token[],
  catalog: readonly CatalogItem[] | CatalogIndex,
  usable: (i: number) => boolean = () => true,
  places: readonly [number, number][] = findPlaces(tokens),
): ProductCandidate[] {
  const index = catalogIndex(catalog);
  const n = tokens.length;
  const ok = (i: number) => tokens[i].kind === "word" && usable(i);
  const covered = new Uint8Array(n);
  const found: ProductCandidate[] = [];

  // Exact aliases, any length: "hoikho" as typed equals the alias "hoi kho".
  for (let s = 0; s < n; s++) {
    if (!ok(s)) continue;
    let compact = "";
    let allFiller = true;
    for (let e = s; e < n && e - s < index.maxWords && ok(e); e++) {
      compact += tokens[e].text;
      allFiller &&= FILLER_WORDS.has(tokens[e].text);
      const hits = allFiller ? undefined : index.byCompact.get(compact);
      if (hits === undefined) continue;
      for (const entry of hits) found.push(candidate(entry, 0, s, e + 1));
      covered.fill(1, s, e + 1);
    }
  }

  // Typos, only in windows holding a word nothing matched exactly ("thach dem": "thach" alone is an
  // alias, "dem" is not); a window never starts or ends on a filler word.
  for (let s = 0; s < n; s++) {
    if (!ok(s) || FILLER_WORDS.has(tokens[s].text)) continue;
    let compact = "";
    let fresh = false;
    for (let e = s; e < n && e - s < index.maxWords && ok(e); e++) {
      compact += tokens[e].text;
      fresh ||= covered[e] === 0;
      if (!fresh || FILLER_WORDS.has(tokens[e].text) || compact.length < 4) continue;
      const hit = fuzzyLookup(index, compact);
      if (hit !== null) for (const entry of hit.entries) found.push(candidate(entry, hit.typos, s, e + 1));
    }
  }

  // "Na Sam" is a town: an alias lying wholly inside a place name is not a product.
  const kept = found.filter((c) => !places.some(([ps, pe]) => c.start >= ps && c.end <= pe));

  // Best candidate per product (at equal score the longer, then earlier, match: it explains more of
  // the message), then best first; at equal score the earlier mention wins.
  const best = new Map<string, ProductCandidate>();
  for (const c of kept) {
    const prev = best.get(c.item.id);
    if (prev === undefined || better(c, prev)) best.set(c.item.id, c);
  }
  return [...best.values()].sort((a, b) => b.score - a.score || a.start - b.start);
}

function better(a: ProductCandidate, b: ProductCandidate): boolean {
  if (a.score !== b.score) return a.score > b.score;
  const la = a.end - a.start;
  const lb = b.end - b.start;
  return la !== lb ? la > lb : a.start < b.start;
}

function candidate(entry: AliasEntry, typos: number, start: number, end: number): ProductCandidate {
  const quality = (entry.weak ? WEAK_QUALITY : 1) - TYPO_COST * typos;
  const specificity = 0.7 + 0.1 * Math.min(entry.words, 3);
  return { item: entry.item, score: Math.round(quality * specificity * 1000) / 1000, alias: entry.alias, typos, start, end };
}

/** Aliases within the typo budget of `compact`, nearest first; memoised per catalog. */
function fuzzyLookup(index: CatalogIndex, compact: string): FuzzyHit | null {
  const cached = index.fuzzyCache.get(compact);
  if (cached !== undefined) return cached;
  let best: FuzzyHit | null = null;
  const len = compact.length;
  for (let l = len - 2; l <= len + 2; l++) {
    const bucket = index.byLength.get(l);
    if (bucket === undefined) continue;
    const budget = maxTypos(Math.min(len, l));
    if (Math.abs(len - l) > budget) continue;
    for (const entry of bucket) {
      const d = typoDistance(compact, entry.compact);
      if (d > budget || d === 0) continue;
      if (best === null || d < best.typos) best = { entries: [entry], typos: d };
      else if (d === best.typos && !best.entries.includes(entry)) best.entries.push(entry);
    }
  }
  if (index.fuzzyCache.size >= FUZZY_CACHE_LIMIT) index.fuzzyCache.clear();
  index.fuzzyCache.set(compact, best);
  return best;
}

/**
 * Edit distance where swapping two neighbouring letters ("koh" for "kho", a common slip on phone
 * keyboards) costs one typo, not two.
 */
export function typoDistance(a: string, b: string): number {
  const d = distance(a, b);
  if (d !== 2 || a.length !== b.length) return d;
  let i = 0;
  while (a[i] === b[i]) i++;
  return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2) ? 1 : d;
}

/**
 * Products named in a text, best first, or null when none is ("khac" (other), "abc").
 * `catalog` is the item list (compiled and cached on first use) or a compiled index.
 */
export function matchProduct(text: string, catalog: readonly CatalogItem[] | CatalogIndex): ProductCandidate[] | null {
  const found = matchProductTokens(tokenize(text), catalog);
  return found.length === 0 ? null : found;
}
