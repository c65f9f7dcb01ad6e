// What a farmer wants from a message, whatever step the conversation is at: "gia hoi hom nay bao
// nhieu" asks the price, "xem don" the orders, "het quyt roi nhe" marks mandarins sold out, "ban 3
// yen thach den 25k va 1 ta hoi 90k" lists two products.
//
// Three passes over the folded tokens (see tokens.ts):
//   1. the listing scanner (scan.ts) claims quantities and prices, and product names of several words
//      ("ga doi", "lon sua") are set aside, so "doi" and "sua" there are no verbs;
//   2. the cue phrases of intents.vi.json are found in the remaining words (cues.ts: abbreviations,
//      glued words and typos tolerated);
//   3. `decide` combines the cues with what the scanner found, in a fixed order from the most
//      explicit request (turning announcements off) to what can only be inferred (a bare listing).
// Rules, not a trained model: a few hundred messages are too few to train on, and every decision here
// can be read, explained to a farmer and fixed by adding a phrase to the data file.
//
// Using it in a conversation (for the engine): at any step, call understand() on the message. When
// `clear` is true the message names an intent on its own (a cue phrase such as "xem don", "huy",
// "cam on", or a complete listing with product, quantity and price) and the engine may act on it
// instead of the step, unless the step's own parser accepts the message ("50" at the quantity step is
// the answer; it is never `clear`). When `clear` is false (unknown, or a listing inferred from bare
// numbers), the message should go to the step.

import { ADMIN_WORDS, aloneCue, isFullName, cueWords, findCues, MENU_PHRASES, ORDINARY, PARTICLES, QUESTION_END, type CueHit, type Signal, type Word } from "./cues.ts";
import { parseListingItems } from "./items.ts";
import { FILLER_WORDS } from "./lexicon.ts";
import type { ListingParse, ProductRef } from "./listing.ts";
import { foldWords } from "./normalize.ts";
import { catalogIndex, findPlaces, matchProductTokens, type CatalogIndex, type CatalogItem } from "./product.ts";
import { scan } from "./scan.ts";
import { tokenize, type Token } from "./tokens.ts";

export const INTENTS = [
  "sell", "buy", "price", "orders", "listings", "sold_out", "change_price", "change_quantity",
  "help", "cancel", "back", "stop_broadcasts", "resume_broadcasts", "greeting", "unknown",
] as const;

/** What the message asks for; thanks counts as a greeting. */
export type Intent = (typeof INTENTS)[number];

export interface Understanding {
  intent: Intent;
  /** The product the message is about (for a name that fits several, the first in the catalog), or null. */
  product: ProductRef | null;
  /** The listings the message states, in order: for sell, buy, change_price and change_quantity; else empty. */
  items: ListingParse[];
  /**
   * The message says this on its own, so it may interrupt a step (see the top of this file): a cue
   * phrase decided, or a listing names product, quantity and price. False for unknown and for
   * listings inferred from bare numbers.
   */
  clear: boolean;
  /** The cue phrase (folded) that decided, or null when inferred. For logs and tests. */
  cue: string | null;
}

/** Only the start of a longer text is read: commands and listings are short, and time must stay bounded. */
export const MAX_UNDERSTOOD_CHARS = 400;

const ITEM_INTENTS: ReadonlySet<Intent> = new Set(["sell", "buy", "change_price", "change_quantity"]);
const GREETING_EMOJI = /[\u{1F44B}\u{1F64F}\u{1F91D}]/u; // waving hand, folded hands, handshake
const QUESTION_MARK = /[?\uFF1F]/;
const catalogWords = new WeakMap<CatalogIndex, Set<string>>();

/** What the message wants, the product it is about and the listings it states. Pure, never throws. */
export function understand(text: string, catalog: readonly CatalogItem[] | CatalogIndex): Understanding {
  const index = catalogIndex(catalog);
  const read = text.length > MAX_UNDERSTOOD_CHARS ? text.slice(0, MAX_UNDERSTOOD_CHARS) : text;
  const tokens = tokenize(read);
  // A name typed at a step ("Hoang Van Mua", "Le Thi Don") asks for nothing, whatever its words mean.
  if (isFullName(tokens)) return { intent: "unknown", product: null, items: [], clear: false, cue: null };
  const found = scan(tokens);
  const places = findPlaces(tokens);
  const free = (i: number) => found.claimed[i] === 0;

  // Product names of several words are no cue words: "ga doi" is a chicken, not "doi" (change).
  // Small words inside stay free: "co thach" (the grass) may also be "co thach den" (have jelly grass).
  // Everyday phrases holding a product's word ("kiem tra": check, not tea; "cai nay": this one, not cabbage).
  const ordinary = ordinaryPhrases(tokens);
  const named = matchProductTokens(tokens, index, (i) => free(i) && ordinary[i] === 0, places);
  const cueBlocked = Uint8Array.from(found.claimed);
  /** Words of a product or place name: set aside, and no cue phrase runs across them. */
  const setAside = new Uint8Array(tokens.length);
  for (const c of named) {
    if (c.typos > 0 || c.end - c.start < 2) continue;
    for (let i = c.start; i < c.end; i++) if (!FILLER_WORDS.has(tokens[i].text)) cueBlocked[i] = setAside[i] = 1;
  }
  for (const [s, e] of places) {
    cueBlocked.fill(1, s, e);
    setAside.fill(1, s, e);
  }
  const placeTokens = adminPlaces(tokens, found.claimed);
  for (let i = 0; i < tokens.length; i++) if (placeTokens[i] === 1) cueBlocked[i] = setAside[i] = 1;

  /** A number read inside a place name ("duong Ba Trieu") says nothing about a listing. */
  const inPlace = (f: { start: number; end: number }) => placeTokens.subarray(f.start, f.end).every((p) => p === 1);
  const words = cueWords(tokens, (i) => cueBlocked[i] === 0, (i) => setAside[i] === 1);
  const hits = findCues(words, knownWords(index));
  const alone = tokens.every((t) => t.kind !== "num") ? aloneCue(words) : null;
  const facts: Facts = {
    hits,
    alone,
    quantity: found.quantities.some((q) => !q.weak && !inPlace(q)),
    price: found.prices.some((p) => !inPlace(p)),
    product: false,
    questionMark: QUESTION_MARK.test(read),
    questionEnd: QUESTION_END.includes(lastContentWord(words)),
    yetEnd: lastContentWord(words) === QUESTION_END[0],
    sellAsked: sellAsked(words, hits),
    greetingEmoji: GREETING_EMOJI.test(read),
    onlyQuestionMark: words.length === 0 && QUESTION_MARK.test(read) && tokens.every((t) => t.kind === "sym"),
  };

  // The product: never a word a cue used ("cho hoi gia na": "hoi" is "ask"), nor a place name.
  const cueTokens = new Uint8Array(tokens.length);
  for (const h of hits) for (let w = h.start; w < h.end; w++) cueTokens[words[w].token] = 1;
  const untouched = cueTokens.every((c, i) => c === 0 && placeTokens[i] === 0);
  const about = (untouched ? named : matchProductTokens(tokens, index, (i) => free(i) && cueTokens[i] === 0 && placeTokens[i] === 0 && ordinary[i] === 0, places))[0];
  facts.product = about !== undefined;

  const decision = decide(facts);
  const items = ITEM_INTENTS.has(decision.intent) ? parseListingItems(read, index, { tokens, found, places, candidates: named }) : [];
  const itemProduct = items.find((i) => i.product !== null)?.product ?? null;
  const product = itemProduct ?? (about === undefined ? null : { id: about.item.id, name: about.item.name });
  const complete = items.some((i) => i.product !== null && i.quantity !== null && i.price !== null);
  return { intent: decision.intent, product, items, clear: decision.cue !== null || (decision.intent === "sell" && complete), cue: decision.cue };
}

interface Facts {
  hits: CueHit[];
  alone: CueHit | null;
  quantity: boolean;
  price: boolean;
  product: boolean;
  questionMark: boolean;
  /** Ends (particles aside) with "khong" or "chua": a yes/no question. */
  questionEnd: boolean;
  /** Ends with "chua": has it happened yet? */
  yetEnd: boolean;
  greetingEmoji: boolean;
  onlyQuestionMark: boolean;
  /** "co ban gao nep khong": asks a seller whether they sell, so the one asking buys. */
  sellAsked: boolean;
}

interface Decision {
  intent: Intent;
  cue: string | null;
}

const ALONE_INTENT: Partial<Record<Signal, Intent>> = {
  stop: "stop_broadcasts", resume: "resume_broadcasts", cancel: "cancel", back: "back", help: "help",
};

/** The intent from the cues and listing facts, most explicit first. */
function decide(f: Facts): Decision {
  const first = (...signals: Signal[]) => f.hits.find((h) => signals.includes(h.signal));
  const has = (...signals: Signal[]) => first(...signals) !== undefined;
  const by = (intent: Intent, hit: CueHit | undefined | null): Decision => ({ intent, cue: hit?.phrase ?? null });

  if (f.alone !== null) return by(ALONE_INTENT[f.alone.signal] ?? "unknown", f.alone);
  if (f.onlyQuestionMark) return { intent: "help", cue: "?" };
  const broadcast = first("stop", "resume");
  if (broadcast) return by(broadcast.signal === "stop" ? "stop_broadcasts" : "resume_broadcasts", broadcast);
  const soldOut = first("soldOut");
  // "na het roi, khong ban nua": no longer selling because nothing is left.
  if (soldOut && has("cancel") && !f.quantity && !f.price) return by("sold_out", soldOut);
  for (const [signal, intent] of [["cancel", "cancel"], ["back", "back"], ["help", "help"]] as const) {
    const hit = first(signal);
    if (hit) return by(intent, hit);
  }

  const question = f.questionMark || f.questionEnd || has("howMuch");
  const editPrice = first("editPrice");
  if (editPrice) return by(question && !f.price ? "price" : "change_price", editPrice);
  const editQty = first("editQty");
  if (editQty) return by("change_quantity", editQty);
  if (soldOut && !f.quantity && !f.price) return by("sold_out", soldOut);
  const orders = first("orders");
  if (orders) return by("orders", orders);
  // "co ai mua hang cua em chua": has anybody bought yet?
  const asked = first("buyerSeek", "buy");
  if (asked && f.yetEnd) return by("orders", asked);
  const listings = first("listings");
  if (listings && !f.quantity && !f.price) return by("listings", listings);

  if (!f.price) {
    const ask = first("priceAsk");
    if (ask) return by("price", ask);
    const noun = first("priceNoun");
    if (noun && (question || has("now"))) return by("price", noun);
    const howMuch = first("howMuch");
    if (howMuch && f.product) return by("price", howMuch);
  }

  const trade = first("sell", "buyerSeek", "buy", "sellerSeek");
  // "khong biet dang ban the nao": how to, with nothing named to act on.
  const lost = first("lost");
  const nothingNamed = !f.product && !f.quantity && !f.price;
  if (nothingNamed && (lost || (trade && has("howMuch")))) return by("help", lost ?? trade);
  // "na giam con 35 nghin", "quyt con 1 tan": a new price or quantity for what is on sale.
  const change = first("change", "remain");
  if (change && !trade) {
    if (f.price && !f.quantity) return by("change_price", change);
    if (f.quantity && !f.price) return by("change_quantity", change);
  }
  const qtyWord = first("qtyWord");
  if (qtyWord && !trade) return by("change_quantity", qtyWord);
  if (trade && trade.signal === "sell" && f.sellAsked) return by("buy", trade);
  if (trade) return by(trade.signal === "sell" || trade.signal === "buyerSeek" ? "sell" : "buy", trade);
  // "gia hoi kho hom nay 80k a?": a price said back as a question asks whether it is the price.
  const priceNoun = first("priceNoun");
  if (priceNoun && question && f.price && !f.quantity) return by("price", priceNoun);
  if ((f.product && (f.quantity || f.price)) || (f.quantity && f.price)) return { intent: "sell", cue: null };
  const greeting = first("greeting");
  if (greeting) return by("greeting", greeting);
  if (f.greetingEmoji) return { intent: "greeting", cue: "emoji" };
  return { intent: "unknown", cue: null };
}

/** A sell word right after "co" with "khong" later on: "co ban ... khong", "ben minh co ban gao khong". */
function sellAsked(words: readonly Word[], hits: readonly CueHit[]): boolean {
  const sell = hits.find((h) => h.signal === "sell");
  if (sell === undefined || words[sell.start - 1]?.text !== "co") return false;
  return words.slice(sell.end).some((w) => w.text === QUESTION_END[1]);
}

/** 1 for the words of an everyday phrase (intents.vi.json "ordinary"): never read as a product. */
function ordinaryPhrases(tokens: readonly Token[]): Uint8Array {
  const out = new Uint8Array(tokens.length);
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (tokens[i].kind !== "word" || tokens[i + 1].kind !== "word") continue;
    if (ORDINARY_PHRASES.has(`${tokens[i].text} ${tokens[i + 1].text}`)) out.fill(1, i, i + 2);
  }
  return out;
}

function lastContentWord(words: readonly { text: string }[]): string {
  for (let i = words.length - 1; i >= 0; i--) if (!PARTICLES.has(words[i].text)) return words[i].text;
  return "";
}

/** 1 for the one or two words after "xa", "thon"...: a place name ("xa Quang Lac"), not a product. */
function adminPlaces(tokens: readonly Token[], claimed: Uint8Array): Uint8Array {
  const out = new Uint8Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].kind !== "word" || !ADMIN_WORDS.has(tokens[i].text)) continue;
    for (let j = i + 1; j <= i + 2 && tokens[j]?.kind === "word"; j++) out[j] = 1;
  }
  // A house number and its lane: "so 12 ngo 5", "ngo 5 pho Tran Dang Ninh": "ngo" is ngõ (a lane), not
  // ngô (maize), when a house number comes before it or a street word after its number; when a word of
  // place comes before it ("o ngo 3", "trong ngo"); when a number follows that is no amount ("ngo 3":
  // a weight or a price after it, "ngo 3 ta", keeps the maize); and at the start before "nha" ("ngo nha
  // chau kho di": the lane to the house).
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].kind !== "word" || !LANE_WORDS.has(tokens[i].text)) continue;
    const houseNumber = tokens[i - 1]?.kind === "num" && tokens[i - 2]?.text === "so";
    const street = tokens[i + 1]?.kind === "num" && tokens[i + 2]?.kind === "word" && STREET_WORDS.has(tokens[i + 2].text);
    const placed = i > 0 && LANE_BEFORE.has(tokens[i - 1].text);
    const numbered = tokens[i + 1]?.kind === "num" && claimed[i + 1] === 0;
    const house = i === 0 && tokens[1]?.text === "nha";
    if (houseNumber || street || placed || numbered || house) out[i] = 1;
  }
  // A village after a word of place: "o ban Na Pan", "tai ban Khon Pat": "ban" is bản (a village), not
  // bán (sell), and the name after it is a place ("Na" there is no custard apple).
  for (let i = 1; i < tokens.length; i++) {
    if (tokens[i].text !== VILLAGE_WORD || !LANE_BEFORE.has(tokens[i - 1].text)) continue;
    out[i] = 1;
    for (let j = i + 1; j <= i + 2 && tokens[j]?.kind === "word"; j++) out[j] = 1;
  }
  // A street after a number ("so 5 duong Ba Trieu", "12 pho Hang Bac", "ngo 5 duong Ba Trieu"): the street
  // word and the name after it are a place; "ba trieu" there is a name, not three million.
  for (let i = 1; i < tokens.length; i++) {
    if (tokens[i].kind !== "word" || !STREET_WORDS.has(tokens[i].text) || tokens[i - 1].kind !== "num") continue;
    for (let j = i; j <= i + 3 && j < tokens.length && tokens[j].kind !== "num" && !(j > i && STREET_WORDS.has(tokens[j].text)); j++) out[j] = 1;
  }
  return out;
}

const VILLAGE_WORD = "ban";
const ORDINARY_PHRASES: ReadonlySet<string> = new Set(ORDINARY);
const LANE_WORDS: ReadonlySet<string> = new Set(["ngo", "ngach", "hem", "kiet"]);
const STREET_WORDS: ReadonlySet<string> = new Set(["pho", "duong", "ngach", "hem"]);
/** Words of place before a lane: "o ngo 3" (in lane 3), "tai ngo", "trong ngo", "cuoi ngo". */
const LANE_BEFORE: ReadonlySet<string> = new Set(["o", "tai", "trong", "cuoi"]);

/** Every word of the catalog's names and aliases: they are never corrected towards a cue. */
function knownWords(index: CatalogIndex): Set<string> {
  let known = catalogWords.get(index);
  if (known === undefined) {
    known = new Set(index.items.flatMap((item) => [item.name, ...item.aliases].flatMap((a) => foldWords(a).split(" "))));
    catalogWords.set(index, known);
  }
  return known;
}

/** The requests that work as a whole message at any step: the engine's global commands. */
export type CommandWord = "cancel" | "back" | "help" | "stop_broadcasts" | "resume_broadcasts" | "menu";

const COMMAND_SIGNALS: Partial<Record<Signal, CommandWord>> = {
  cancel: "cancel", back: "back", help: "help", stop: "stop_broadcasts", resume: "resume_broadcasts",
};
const MENU_WORDS: ReadonlySet<string> = new Set(MENU_PHRASES.map((p) => p.replaceAll(" ", "")));

/**
 * The command a whole message is, particles aside: "huy", "Huỷ nhé", "quay lai", "tro giup", "TAT",
 * "tat thong bao", "menu". The same phrases as understand() (intents.vi.json), but only when they
 * are all the message says: "tat ca" or "huy don DH7K2F9Q" are no commands. Null otherwise.
 */
export function commandWord(text: string): CommandWord | null {
  if (text.length > 60) return null;
  const tokens = tokenize(text);
  if (tokens.some((t) => t.kind === "num")) return null;
  const words = cueWords(tokens, () => true);
  const content = words.filter((w) => !PARTICLES.has(w.text));
  if (MENU_WORDS.has(content.map((w) => w.text).join(""))) return "menu";
  const alone = aloneCue(words);
  if (alone !== null) return COMMAND_SIGNALS[alone.signal] ?? null;
  const hits = findCues(words, new Set());
  if (hits.length !== 1 || content.length === 0) return null;
  const [hit] = hits;
  const covered = content.every((w) => {
    const i = words.indexOf(w);
    return i >= hit.start && i < hit.end;
  });
  return covered ? (COMMAND_SIGNALS[hit.signal] ?? null) : null;
}
