// Is a typed answer at a name step (a person, a shop, a product typed as "Khác") really a name?
// Letters and spaces are not enough: "ok", "dung roi", "xong" answer a question, and "Thon Ban Lai xa
// Chi Lang" or "o xa that khe" is an address. Such answers get a short hint and the question again
// instead of becoming a name buyers see. Given names that are also answers ("Dung", "Vàng", "Được")
// stay names when typed alone, and surnames that are also place words ("Ngô", "Dương", "Phương",
// "Huyền") are only a place when a number or a commune of the province follows them.
import data from "./answers.vi.json" with { type: "json" };
import { familyOf } from "./choice.ts";
import { searchCommunes } from "./communes.ts";
import { foldWords } from "./normalize.ts";

export type NameProblem = "answer" | "place";

const NAME_WORDS = new Set(data.nameWords);
const ADDRESS_START = data.addressStart.map((p) => p.split(" "));
const NUMBER_LEAD = data.addressNumberLead.map((p) => p.split(" "));
// Longest first: "nha em o" before "nha".
const PLACE_LEAD = data.placeLead.map((p) => p.split(" ")).sort((a, b) => b.length - a.length);
const UNITS = ["xa", "phuong", "thi tran", "huyen", "tp", "thanh pho", "thi xa"].map((u) => u.split(" "));

const startsWith = (words: readonly string[], lead: readonly string[], at = 0) =>
  words.length > at + lead.length - 1 && lead.every((w, i) => words[at + i] === w);

/** Why this text is no name, or null when it may be one. `provinceCode` lets "... xa Chi Lang" be found. */
export function nameProblem(text: string, provinceCode?: string): NameProblem | null {
  const words = foldWords(text).split(" ").filter(Boolean);
  if (words.length === 0) return null;
  if (familyOf(words) && !(words.length === 1 && NAME_WORDS.has(words[0]))) return "answer";
  // "thon Na Pan", and the same after a lead-in: "o thon Na Pan", "nha em o so 5".
  const lead = PLACE_LEAD.find((l) => words.length > l.length && startsWith(words, l));
  for (const said of lead ? [words, words.slice(lead.length)] : [words]) {
    if (ADDRESS_START.some((start) => said.length > start.length && startsWith(said, start))) return "place";
    if (NUMBER_LEAD.some((start) => startsWith(said, start) && /^\d/.test(said[start.length] ?? ""))) return "place";
  }
  if (!provinceCode) return null;
  // "o xa that khe", "nha em o Chi Lang": a lead-in, then a commune of the province.
  if (lead && communeNamed(words.slice(lead.length), provinceCode)) return "place";
  // "Ban Lai xa Chi Lang": a unit word, then a commune of the province named whole.
  for (let i = 0; i < words.length; i++) {
    if (UNITS.some((u) => startsWith(words, u, i)) && communeNamed(words.slice(i), provinceCode)) return "place";
  }
  return null;
}

/**
 * The words are a commune (or an old district) of the province, named whole: "xa chi lang", "huyen
 * trang dinh". A typo or a prefix is not enough here ("Huyền Trang" is a name, not "Tràng Định").
 */
function communeNamed(words: readonly string[], provinceCode: string): boolean {
  const said = words.join(" ");
  if (!said) return false;
  const bare = (name: string) => foldWords(name).replace(/^(xa|phuong|thi tran|huyen|thanh pho|thi xa|quan) /, "");
  const wanted = new Set([said, ...UNITS.filter((u) => startsWith(words, u)).map((u) => words.slice(u.length).join(" "))]);
  return searchCommunes(provinceCode, said, 6).some(
    (m) => wanted.has(bare(m.commune.name)) || wanted.has(foldWords(m.commune.name)) || (m.via && (wanted.has(bare(m.via.name)) || wanted.has(foldWords(m.via.name)))),
  );
}

