// Commune directory after the 2025 reform (Resolution 202/2025/QH15): districts were abolished and
// communes merged, so Lạng Sơn now has 65 units (61 xã, 4 phường) directly under the province.
//
// People still describe where they live with the old names ("huyện Chi Lăng", "thị trấn Đồng Mỏ"),
// so search also goes through the package's old→new ward mappings. Those mappings carry old
// district *names* only (no district code), but the link to the new commune is always made through
// new_ward_code → ward_code, never by comparing names: several old wards share a name ("Xã Chi
// Lăng" existed in two old districts and went to two different new communes).

import { distance } from "fastest-levenshtein";
import data from "./answers.vi.json" with { type: "json" };
import { bareName, getDirectory, getProvince, mappedCommune, type Commune } from "./commune-directory.ts";
import { foldWords } from "./normalize.ts";

export { getCommune, getProvince, listCommunes, listProvinces, type Commune, type CommuneKind, type Province } from "./commune-directory.ts";

export interface CommuneMatch {
  commune: Commune;
  /** Present when the commune was found through an old (pre-2025) name rather than its own. */
  via?: {
    kind: "old_district" | "old_ward";
    /** The old name as in the data, e.g. "Huyện Chi Lăng" or "Thị trấn Đồng Mỏ". */
    name: string;
    /** For old wards: the old district, because old ward names repeat across districts. */
    district?: string;
  };
}

// What people type in front of a name. Besides the official words: common abbreviations
// ("TP Lạng Sơn", "H. Chi Lăng", "TT Đồng Mỏ", "P. Đông Kinh"). The hint says whether the
// prefix points at an old district or at a commune/ward, which decides which old name wins a tie.
type Hint = "district" | "ward" | "none";
const QUERY_PREFIXES: Array<[string, Hint]> = [
  ["thanh pho", "district"],
  ["thi xa", "district"],
  ["huyen", "district"],
  ["quan", "district"],
  ["tp", "district"],
  ["tx", "district"],
  ["h", "district"],
  ["q", "district"],
  ["thi tran", "ward"],
  ["dac khu", "ward"],
  ["phuong", "ward"],
  ["xa", "ward"],
  ["tt", "ward"],
  ["p", "ward"],
  ["x", "ward"],
];

// ---------------------------------------------------------------------------------------------
// Per-province search index, built on the first search in that province.

/** Where an index entry comes from. Lower sorts first when the match is equally good. */
type Source = "new" | "old_district" | "old_ward";

interface Entry {
  key: string; // bare folded name
  words: Set<string>;
  source: Source;
  /** New communes this name leads to, in display order. */
  targets: Commune[];
  via?: CommuneMatch["via"];
}

const indexes = new Map<string, Entry[]>();

function entry(name: string, source: Source, targets: Commune[], via?: CommuneMatch["via"]): Entry {
  const key = bareName(name);
  return { key, words: new Set(key.split(" ")), source, targets, via };
}

function buildIndex(provinceCode: string): Entry[] {
  const dir = getDirectory();
  const own = dir.byProvince.get(provinceCode) ?? [];
  const entries: Entry[] = own.map((c) => entry(c.name, "new", [c]));

  // Group mapping rows of this province's communes by old district and by old ward. Old districts
  // have no code, so (old province, old district name) identifies one; same for old wards.
  const districts = new Map<string, { name: string; targets: Set<Commune> }>();
  const wards = new Map<string, { name: string; district: string; targets: Set<Commune> }>();
  for (const row of dir.mappings) {
    const target = mappedCommune(dir, row);
    if (!target || target.provinceCode !== provinceCode) continue;
    if (row.old_district_name) {
      const id = `${row.old_province_name}|${row.old_district_name}`;
      const group = districts.get(id) ?? { name: row.old_district_name, targets: new Set() };
      group.targets.add(target);
      districts.set(id, group);
    }
    if (row.old_ward_name) {
      const district = row.old_district_name ?? "";
      const id = `${row.old_province_name}|${district}|${row.old_ward_name}`;
      const group = wards.get(id) ?? { name: row.old_ward_name, district, targets: new Set() };
      group.targets.add(target);
      wards.set(id, group);
    }
  }

  for (const d of districts.values()) {
    // The new commune that kept the district's name (Xã Chi Lăng for huyện Chi Lăng) is what most
    // people mean, so it leads; the rest follow alphabetically for a predictable numbered list.
    const key = bareName(d.name);
    const sortKey = (c: Commune) => (bareName(c.name) === key ? "" : bareName(c.name));
    const targets = [...d.targets].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
    const via = Object.freeze({ kind: "old_district" as const, name: d.name });
    entries.push(entry(d.name, "old_district", targets, via));
  }
  for (const w of wards.values()) {
    const via = Object.freeze({ kind: "old_ward" as const, name: w.name, ...(w.district ? { district: w.district } : {}) });
    entries.push(entry(w.name, "old_ward", [...w.targets], via));
  }
  return entries;
}

function indexFor(provinceCode: string): Entry[] {
  let index = indexes.get(provinceCode);
  if (!index) {
    index = buildIndex(provinceCode);
    indexes.set(provinceCode, index);
  }
  return index;
}

// Longer input is not a place name; refusing it early also bounds the edit-distance work.
const MAX_QUERY_LENGTH = 60;

interface Variant {
  text: string;
  words: string[];
  hint: Hint;
}

/**
 * Ways to read the query. We try it both with and without a leading prefix, because a prefix
 * word can also start a real name ("Quan Sơn" is a commune, not "quận Sơn"), and without a
 * trailing province name ("Chi Lăng, Lạng Sơn") unless that is all there is ("TP Lạng Sơn").
 */
function variantsOf(readings: string[], provinceName: string): Variant[] {
  const bases: string[] = [];
  const province = bareName(provinceName);
  for (const query of readings) {
    bases.push(query);
    if (query.endsWith(" " + province)) {
      const rest = query.slice(0, -province.length - 1).replace(/ tinh$/, "").trim();
      if (rest) bases.push(rest);
    }
  }
  const variants: Variant[] = [];
  for (const text of bases) {
    variants.push({ text, words: text.split(" "), hint: "none" });
    for (const [prefix, hint] of QUERY_PREFIXES) {
      if (text.startsWith(prefix + " ")) {
        const rest = text.slice(prefix.length + 1);
        variants.push({ text: rest, words: rest.split(" "), hint });
        break;
      }
    }
  }
  return variants;
}

const LEADS = [...data.placeLead].sort((a, b) => b.length - a.length);
const UNITS = new Set(data.placeUnits.filter((u) => !u.includes(" ")));
const STOPS = new Set(data.placeStops);

/**
 * The parts of an address that can name a commune: the whole text without its lead-in ("o xa that
 * khe" → "xa that khe"), each comma-separated part, and inside a part the name after a unit word up
 * to the next one ("thon na pa xa that khe" → "xa that khe"). Parts naming a village are left out.
 */
function readingsOf(query: string, province: string): { first: string[]; then: string[] } {
  const out = new Set<string>();
  // "xa nhan ly huyen chi lang": the district after a commune only says where the commune is. It is
  // searched only when the commune's own name finds nothing.
  const later = new Set<string>();
  let commune = false;
  const parts = [query, ...(/[,;\n]/.test(query) ? query.split(/[,;\n]/) : [])];
  for (const [n, part] of parts.entries()) {
    // "…, Lạng Sơn": the province is no part of its own (the whole query still may be "TP Lạng Sơn").
    if (n > 0 && [province, `tinh ${province}`].includes(foldWords(part))) continue;
    let words = foldWords(part).split(" ").filter(Boolean);
    for (let cut = true; cut && words.length > 1; ) {
      cut = false;
      for (const lead of LEADS) {
        const lw = lead.split(" ");
        if (lw.length < words.length && lw.every((w, i) => words[i] === w)) {
          words = words.slice(lw.length);
          cut = true;
          break;
        }
      }
    }
    if (words.length === 0) continue;
    // "xa bang mac, huyen chi lang": a part that is the district of a commune named before it.
    if (!STOPS.has(words[0]) || words.length === 1) (n > 0 && commune && DISTRICT_UNITS.has(words[0]) ? later : out).add(words.join(" "));
    words.forEach((w, i) => {
      if (!(UNITS.has(w) || (w === "thi" && words[i + 1] === "tran"))) return;
      const district = DISTRICT_UNITS.has(w);
      let end = i + 1;
      while (end < words.length && !UNITS.has(words[end]) && !STOPS.has(words[end])) end += 1;
      if (end > i + 1 && (i > 0 || end < words.length)) (district && commune ? later : out).add(words.slice(i, end).join(" "));
      commune ||= !district;
    });
  }
  const fits = (r: string) => r.length <= MAX_QUERY_LENGTH;
  return { first: [...out].filter(fits), then: [...later].filter((r) => fits(r) && !out.has(r)) };
}

/** Units above a commune: named after one, they only say where it is. */
const DISTRICT_UNITS = new Set(["huyen", "tp"]);

// Match levels, best first.
const EXACT = 0;
const PREFIX = 1;
const ALL_WORDS = 2;
const TYPO = 3;

/** Level and edit distance of the best way `v` matches `e`, or undefined. */
function matchLevel(v: Variant, e: Entry): { level: number; dist: number } | undefined {
  if (v.text === e.key) return { level: EXACT, dist: 0 };
  // One- or two-letter fragments would match half the province; only exact names count for those.
  if (v.text.length < 3) return undefined;
  if (e.key.startsWith(v.text)) return { level: PREFIX, dist: 0 };
  if (v.words.every((w) => e.words.has(w))) return { level: ALL_WORDS, dist: 0 };
  // Typos: 1 edit for short names, 2 for longer ones. The length check skips hopeless pairs cheaply.
  const maxDist = e.key.length <= 5 ? 1 : 2;
  if (Math.abs(v.text.length - e.key.length) > maxDist) return undefined;
  const dist = distance(v.text, e.key);
  return dist <= maxDist ? { level: TYPO, dist } : undefined;
}

/** Among equally good old names, the kind the user's prefix asked for comes first. */
function sourceRank(source: Source, hint: Hint): number {
  if (source === "new") return 0;
  if (hint === "ward") return source === "old_ward" ? 1 : 2;
  return source === "old_district" ? 1 : 2;
}

/**
 * Communes of a province matching what the user typed, best first, at most `limit`, each at most
 * once. Diacritics, case, tone-mark placement and unit prefixes are ignored; typos are tolerated.
 * Old district and old ward names lead to the new communes that replaced them (see `via`).
 * Ranking: exact name, then name prefix, then all words contained, then typos (edit distance);
 * if anything matched exactly, only exact matches are returned.
 */
export function searchCommunes(provinceCode: string, query: string, limit = 6): CommuneMatch[] {
  const folded = foldWords(query);
  if (!folded || folded.length > MAX_QUERY_LENGTH * 2 || limit <= 0) return [];
  const province = getProvince(provinceCode);
  if (!province) return [];
  const { first, then } = readingsOf(query, bareName(province.name));
  if (first.length === 0) return [];
  const found = searchReadings(provinceCode, province.name, first, limit);
  return found.length > 0 || then.length === 0 ? found : searchReadings(provinceCode, province.name, then, limit);
}

function searchReadings(provinceCode: string, provinceName: string, readings: string[], limit: number): CommuneMatch[] {
  const variants = variantsOf(readings, provinceName);

  const scored: Array<{ entry: Entry; score: number[] }> = [];
  for (const e of indexFor(provinceCode)) {
    let best: number[] | undefined;
    for (const v of variants) {
      const m = matchLevel(v, e);
      if (!m) continue;
      // Among equals the shorter name is the tighter fit ("lang" → "Vũ Lăng" before longer names).
      const score = [m.level, m.dist, sourceRank(e.source, v.hint), e.key.length];
      if (!best || compareScores(score, best) < 0) best = score;
    }
    if (best) scored.push({ entry: e, score: best });
  }
  scored.sort((a, b) => compareScores(a.score, b.score));
  // When some name (current or old) matches exactly, that is what the user meant; near misses
  // such as "Đồng Tân" for "Đồng Đăng" or every "…Sơn" for "Quan Sơn" would only be noise in a
  // short button list. Looser levels are a fallback for when nothing matched exactly.
  const exactOnly = scored.length > 0 && scored[0].score[0] === EXACT;

  const results: CommuneMatch[] = [];
  const seen = new Set<string>();
  for (const { entry: e, score } of scored) {
    if (exactOnly && score[0] !== EXACT) break;
    for (const commune of e.targets) {
      if (seen.has(commune.code)) continue;
      seen.add(commune.code);
      results.push(e.via ? { commune, via: e.via } : { commune });
      if (results.length >= limit) return results;
    }
  }
  return results;
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return 0;
}
