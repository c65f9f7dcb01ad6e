// Matching a typed reply to one of the buttons a message offered.
//
// Some channels (Zalo, the terminal) cannot show real buttons, so the options are printed as a
// numbered list and people answer in their own words, mostly without diacritics: "2", "so 2", "cai
// thu hai", the label or a distinctive part of it ("buu dien" for "Vietnam Post (Bưu điện)", "co
// viettel money"), small typos ("vietel"), or the words that answer any yes/no question ("ok", "dung
// roi", "ko", "xong", "gui di"). Which option such a word picks is declared by the step (a role on
// the option); the label text is never read to guess it. The words live in answers.vi.json.
//
// The result is one option, several (the caller asks once which one), or none.

import data from "./answers.vi.json" with { type: "json" };
import { fold, foldWords } from "./normalize.ts";
import { typoDistance } from "./product.ts";

/** What an option means besides its label: the answer to "yes?", "no?", or "finished / send / publish". */
export type ChoiceRole = "yes" | "no" | "done";
export const CHOICE_ROLES: readonly ChoiceRole[] = ["yes", "no", "done"];

export interface ChoiceOption {
  label: string;
  roles?: readonly ChoiceRole[];
}

export interface ChoiceOptions {
  /** True when the options were shown as a numbered list, so "2" means the second option. */
  numbers: boolean;
  /**
   * A free-text step (a name, a shop name): only the whole label, a position ("2", "so 2") or a
   * yes/no word picks an option; anything else stays the typed answer ("Ngu" must not pick "Nguyễn…").
   */
  strict?: boolean;
}

export type ChoiceMatch = { kind: "one"; index: number } | { kind: "several"; indexes: number[] } | { kind: "none" };

const NONE: ChoiceMatch = { kind: "none" };
const one = (index: number): ChoiceMatch => ({ kind: "one", index });

// The keycap emoji "2️⃣" is the digit followed by a variation selector and a combining keycap.
const KEYCAP = /[\uFE0F\u20E3]/g;
const DIGITS = /^\d{1,3}$/;

const PARTICLES = new Set(data.particles);
const ABBREVIATIONS = new Map(Object.entries(data.choiceAbbreviations as Record<string, string>));
const FILLER = new Set(data.choiceFiller);
/** One-word "no" answers: inside a longer reply they deny the label words next to them. */
const NEGATIONS = new Set((data.families.no as string[]).filter((w) => !w.includes(" ") && w !== "thoi" && w !== "no"));
/** "khong can" is also "k can", "ko can"...: each family phrase with every way of typing "khong". */
const withNegationSpellings = (phrase: string): string[] =>
  phrase.startsWith("khong ") ? [phrase, ...data.negationSpellings.map((k) => k + phrase.slice("khong".length))] : [phrase];
const FAMILIES = new Map<string, ChoiceRole>(
  CHOICE_ROLES.flatMap((role) => (data.families[role] as string[]).flatMap(withNegationSpellings).map((phrase) => [phrase, role] as const)),
);
const LABEL_SYNONYMS = Object.entries(data.labelSynonyms as Record<string, string>);
const MONTHS = new Map(Object.entries(data.months as Record<string, number>));
const MONTH_WORD = "thang";
const POSITION_LEADS = [...data.position.lead].sort((a, b) => b.split(" ").length - a.split(" ").length);
const POSITION_WORDS = new Map(Object.entries(data.position.words as Record<string, number>));
const FIRST = new Set(data.position.first);
const LAST = new Set(data.position.last);

/** Index of the option the reply selects, or null (several or none). */
export function matchChoice(text: string, labels: string[], opts: ChoiceOptions): number | null {
  const m = readChoice(text, labels, opts);
  return m.kind === "one" ? m.index : null;
}

/**
 * Labels folded once: a turn at the menu reads the reply against the same dozen button labels (each
 * folded twice per reply). Bounded, since labels can also be people's own words (listing titles).
 */
const FOLDED_LABELS_KEPT = 5_000;
const foldedLabels = new Map<string, string>();
function foldedLabel(label: string): string {
  let folded = foldedLabels.get(label);
  if (folded === undefined) {
    if (foldedLabels.size >= FOLDED_LABELS_KEPT) foldedLabels.clear();
    foldedLabels.set(label, (folded = foldWords(label)));
  }
  return folded;
}

/**
 * Which option the reply selects. In order:
 * 1. with `numbers`, a list position in range ("2", "số 2", "#2", "2.");
 * 2. the whole label, ignoring case, diacritics, emoji and punctuation;
 * 3. a yes/no/done word, for the options that declare that role;
 * 4. with `numbers`, a position in words ("cai thu hai", "cai cuoi");
 * 5. (not `strict`) a prefix of at least 3 characters that starts exactly one label;
 * 6. (not `strict`) the words of the reply found in a label, typos allowed: the label holding most of
 *    them, when they are at least half of what was typed; a tie is "several".
 * A number is read as a position first because the list invites that; a number that is not a
 * valid position may still be a label ("10" among "10", "20", "50").
 */
export function readChoice(text: string, options: ReadonlyArray<ChoiceOption | string>, opts: ChoiceOptions): ChoiceMatch {
  const list = options.map((o) => (typeof o === "string" ? { label: o } : o));
  const words = labelWords(
    monthDigits(
      foldWords(text.replace(KEYCAP, ""))
        .split(" ")
        .filter(Boolean)
        .flatMap((w) => ABBREVIATIONS.get(w)?.split(" ") ?? [w]),
    ),
    list.map((o) => ` ${foldedLabel(o.label)} `),
  );
  if (words.length === 0 || list.length === 0) return NONE;

  const position = opts.numbers ? readPosition(words, fold(text)) : null;
  if (position && !position.word) return position.n >= 1 && position.n <= list.length ? one(position.n - 1) : fromLabels();
  return fromLabels();

  function fromLabels(): ChoiceMatch {
    const reply = words.join(" ");
    const folded = list.map((o) => foldedLabel(o.label));
    const exact = indexesWhere(folded, (label) => label === reply);
    if (exact.length === 1) return one(exact[0]);
    // Two labels that fold to the same text cannot be told apart by typing; refuse rather than guess.
    if (exact.length > 1) return NONE;
    // A label said with another particle at its end: "co luon" for "Có ngay" (both: have it now).
    const bareReply = withoutEndParticle(words);
    if (bareReply !== null) {
      const same = indexesWhere(folded, (label) => withoutEndParticle(label.split(" ")) === bareReply);
      if (same.length === 1) return one(same[0]);
    }

    const role = familyOf(words);
    if (role) {
      const having = indexesWhere(list, (o) => !!o.roles?.includes(role));
      if (having.length === 1) return one(having[0]);
      if (having.length > 1) return several(having, list.length);
    }

    if (position) {
      const n = position.n === Infinity ? list.length : position.n;
      const allowed = !opts.strict || position.lead === "so" || position.lead?.startsWith("cai");
      if (allowed && n >= 1 && n <= list.length) return one(n - 1);
    }
    if (opts.strict) return NONE;

    if (reply.length >= 3) {
      const prefixed = indexesWhere(folded, (label) => label.startsWith(reply));
      if (prefixed.length === 1) return one(prefixed[0]);
    }
    return byWords(words, folded, list.length, list.map((o) => o.label));
  }
}

/** "thang tam" → "thang 8", "thang muoi mot" → "thang 11": months as labels write them. */
function monthDigits(words: string[]): string[] {
  const at = words.indexOf(MONTH_WORD);
  if (at < 0) return words;
  for (const n of [2, 1]) {
    const month = MONTHS.get(words.slice(at + 1, at + 1 + n).join(" "));
    if (month !== undefined && words.length >= at + 1 + n) return [...words.slice(0, at + 1), String(month), ...words.slice(at + 1 + n)];
  }
  return words;
}

/** A label's words said another way ("co san" for "co ngay"), read as the label's words when a label holds them. */
function labelWords(words: string[], labels: readonly string[]): string[] {
  let said = ` ${words.join(" ")} `;
  for (const [other, label] of LABEL_SYNONYMS) {
    if (said.includes(` ${other} `) && labels.some((l) => l.includes(` ${label} `))) said = said.replace(` ${other} `, ` ${label} `);
  }
  return said.trim().split(" ").filter(Boolean);
}

/** The words without the one particle they end with, when there are words left; null otherwise. */
function withoutEndParticle(words: readonly string[]): string | null {
  return words.length >= 2 && PARTICLES.has(words[words.length - 1]) && !PARTICLES.has(words[words.length - 2]) ? words.slice(0, -1).join(" ") : null;
}

/** "several" only when it narrows the list down: all options at once is no answer. */
const several = (indexes: number[], total: number): ChoiceMatch =>
  indexes.length < total ? { kind: "several", indexes } : NONE;

/**
 * The family of a whole answer, particles at either end aside: "dung roi a" → yes. Several phrases
 * of one family in a row count as one ("u dung roi", "ok dong y"); two families are no answer.
 */
export function familyOf(words: readonly string[]): ChoiceRole | null {
  for (const candidate of trimmed(words)) {
    const role = FAMILIES.get(candidate.join(" "));
    if (role) return role;
  }
  let found: ChoiceRole | null = null;
  for (let i = 0; i < words.length; ) {
    let step = 0;
    for (let n = Math.min(3, words.length - i); n >= 1 && step === 0; n--) {
      const role = FAMILIES.get(words.slice(i, i + n).join(" "));
      // "ok chot", "u xong": yes, then finish, is the finish; yes with no is no answer.
      const both: ChoiceRole | null | undefined = role && found && role !== found ? joined(found, role) : role;
      if (role && !both) return null;
      if (both) [found, step] = [both, n];
    }
    if (step === 0 && !PARTICLES.has(words[i])) return null;
    i += Math.max(step, 1);
  }
  return found;
}

/** Two families in one answer: "yes" and "done" together mean "done"; "no" with either means nothing. */
const joined = (a: ChoiceRole, b: ChoiceRole): ChoiceRole | null => (a !== "no" && b !== "no" ? "done" : null);

/** The words as typed, then without trailing particles, then without leading ones too. */
function trimmed(words: readonly string[]): string[][] {
  const out = [words.slice()];
  let end = words.length;
  while (end > 1 && PARTICLES.has(words[end - 1])) end -= 1;
  if (end < words.length) out.push(words.slice(0, end));
  let start = 0;
  while (start < end - 1 && PARTICLES.has(words[start])) start += 1;
  if (start > 0) out.push(words.slice(start, end));
  return out;
}

interface Position {
  /** 1-based; Infinity for "the last one" */
  n: number;
  /** said in words ("hai", "cai dau") rather than digits */
  word: boolean;
  lead: string | null;
}

/** "2", "2.", "#2", "so 2", "cai thu hai", "thu 3 nhe", "cai cuoi": a place in a numbered list. */
function readPosition(words: string[], folded: string): Position | null {
  if (/[-+]\s*\d/.test(folded)) return null; // "-1", "+2": no place in a list
  // "2.", "2)", "#2", "no. 2" keep their punctuation in the folded text.
  const plain = /^(?:#|no\.?)?\s*(\d{1,3})\s*[.)]?$/.exec(folded);
  if (plain) return { n: Number(plain[1]), word: false, lead: null };
  for (const candidate of trimmed(words)) {
    let lead: string | null = null;
    let rest = candidate;
    for (const l of POSITION_LEADS) {
      const lw = l.split(" ");
      if (lw.length < candidate.length && lw.every((w, i) => candidate[i] === w)) {
        lead = l;
        rest = candidate.slice(lw.length);
        break;
      }
    }
    const said = rest.join(" ");
    if (rest.length === 1 && DIGITS.test(said)) return { n: Number(said), word: false, lead };
    // A digit glued to its lead: "so2".
    const glued = /^(so|thu)(\d{1,3})$/.exec(said);
    if (glued && rest.length === 1) return { n: Number(glued[2]), word: false, lead: glued[1] };
    if (POSITION_WORDS.has(said)) return { n: POSITION_WORDS.get(said)!, word: true, lead };
    if (lead && FIRST.has(said)) return { n: 1, word: true, lead };
    if (lead && LAST.has(said)) return { n: Infinity, word: true, lead };
  }
  return null;
}

/**
 * The label holding most of the reply's words (typos allowed), when they are at least half of it; or
 * the one label whose name, or its part in brackets, is said whole inside a longer reply ("goi buu
 * dien den lay hang" for "Vietnam Post (Bưu điện)"). A "no" word the label does not hold takes the
 * label back: "khong nhan" is no "Nhận đơn"; a "no" word only the label holds counts one word against it.
 */
function byWords(words: string[], labels: string[], total: number, raw: readonly string[]): ChoiceMatch {
  const negation = words.find((w) => NEGATIONS.has(w));
  // "co thu ho tien": a reply that says yes and no "no" word is none of the labels that say no.
  const affirmed = !negation && words.some((w) => FAMILIES.get(w) === "yes");
  const content = words.filter((w) => !FILLER.has(w) && (w.length > 1 || /\d/.test(w)));
  if (content.length === 0) return NONE;
  const said = ` ${words.join(" ")} `;
  const whole = indexesWhere(raw, (label) =>
    label.split(/[()]/).map(foldWords).some((part) => part.includes(" ") && said.includes(` ${part} `) && (!negation || part.split(" ").some((w) => NEGATIONS.has(w)))),
  );
  if (whole.length === 1) return one(whole[0]);
  const glued = content.join("");
  const numbers = content.filter((w) => /\d/.test(w));
  const scores = labels.map((label) => {
    const tokens = label.split(" ").filter(Boolean);
    // A number typed is a value ("thu ho 300k"), not a way to point at a label without it.
    if (tokens.length === 0 || !numbers.every((n) => tokens.includes(n))) return 0;
    // "ko" and "khong" say the same no: either one in the label answers a "no" in the reply.
    const saysNo = tokens.some((t) => NEGATIONS.has(t));
    if ((negation && !saysNo) || (affirmed && saysNo)) return 0;
    // Typed glued or with a typo across the whole label: "viettelmoney", "vietel post".
    const whole = tokens.join("");
    if (glued === whole || (glued.length >= 5 && typoDistance(glued, whole) <= (whole.length >= 9 ? 2 : 1))) return content.length;
    // Beside other words a particle counts only as itself: "dat luon" (order at once) holds no "luong"
    // (quantity). Alone it is all there is to go by ("chi" for "Chi Lăng" or "Chiến Thắng").
    const exactOnly = (w: string) => content.length > 1 && PARTICLES.has(w);
    const same = (w: string, t: string) => (NEGATIONS.has(w) ? NEGATIONS.has(t) : exactOnly(w) ? t === w : sameWord(w, t, content.length === 1));
    const matched = content.filter((w) => tokens.some((t) => same(w, t))).length;
    // And a label that says "no" fits a reply that does not a little less: "thu ho" is "Thu hộ", not "Không thu hộ".
    return !negation && saysNo ? Math.max(matched - 1, 0) : matched;
  });
  const best = Math.max(...scores);
  if (best === 0 || best * 2 < content.length) return NONE;
  const top = indexesWhere(scores, (s) => s === best);
  if (top.length === 1) return one(top[0]);
  // Labels holding as many of the words: the one the reply says all of wins ("dung momo": "MoMo",
  // not "Ung dung ngan hang", whose "dung" is only one of its words).
  const allSaid = top.filter((i) => best >= labels[i].split(" ").filter(Boolean).length);
  if (allSaid.length === 1) return one(allSaid[0]);
  // Labels holding as many words, where only one holds a word no other label has: that word tells them
  // apart ("mua hang": "Mua nong san" holds "mua"; "hang" is in three labels).
  const own = top.filter((i) => content.some((w) => labels[i].split(" ").includes(w) && labels.every((l, j) => j === i || !l.split(" ").some((t) => sameWord(w, t, content.length === 1)))));
  return own.length === 1 ? one(own[0]) : several(top, total);
}

/** The same word, typed in full, begun ("viet" for "viettel"), or with one slip in a longer word. */
function sameWord(typed: string, word: string, alone: boolean): boolean {
  if (typed === word) return true;
  // A word begun: "viet" for "viettel". Beside other words three letters are mostly a word of their own
  // ("tra loi" is no "trang"); alone they are all there is to go by ("chi" for "Chi Lăng" or "Chiến Thắng").
  if (typed.length >= (alone ? 3 : 4) && word.startsWith(typed)) return true;
  if (typed.length < 5 || word.length < 4) return false;
  return typoDistance(typed, word) <= (typed.length >= 7 ? 2 : 1);
}

function indexesWhere<T>(items: readonly T[], test: (item: T) => boolean): number[] {
  const found: number[] = [];
  items.forEach((item, i) => {
    if ((typeof item !== "string" || item !== "") && test(item)) found.push(i);
  });
  return found;
}
