// The answer corpus (test/lang/answers.corpus.json, issue 20): what people type at the bot's numbered
// choices and free-text questions, with what each answer must do. Read by the same code the steps use:
// readChoice for choices (resolve.ts), parseVnMobile for phones, searchCommunes for communes,
// the quantity and price readers of the amount steps, the name check of the name steps. The share right must be at least 95%; the misses are printed so they can be read.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readPrice, readQuantity } from "../../flows/questions/amounts.ts";
import { typedName } from "../../flows/questions/typed-name.ts";
import type { FlowContext } from "../../src/engine/flow.ts";
import { tFor } from "../../src/i18n/index.ts";
import { readChoice, type ChoiceOption } from "../../src/lang/choice.ts";
import { searchCommunes } from "../../src/lang/communes.ts";
import { parseVnMobile } from "../../src/lang/phone.ts";

type ChoiceExpected = number | "again" | number[];
interface Corpus {
  choice: Array<{ step: string; options: ChoiceOption[]; answers: Array<[string, ChoiceExpected]> }>;
  phone: Array<[string, string | null]>;
  commune: Array<[string, string | null]>;
  quantity: Array<[string, number | "ambiguous" | null]>;
  price: Array<[string, number | null]>;
  name: Array<[string, boolean]>;
}

const load = (file: string) => JSON.parse(readFileSync(new URL(file, import.meta.url), "utf8")) as Corpus;
const corpus = load("answers.corpus.json");
const TARGET = 0.95;
/** The second set was measured once and is not tuned to: a little room, as for the intents' blind sets. */
const BLIND_TARGET = 0.9;
const PROVINCE = "20"; // Lạng Sơn
/** What the readers use of a conversation: the wording for their hints and the province. */
const ctx = { t: tFor("vi", "numbered"), provinceCode: PROVINCE } as unknown as FlowContext;

/** What the bot makes of each kind of answer, in the corpus's terms. */
const read = {
  choice(text: string, options: ChoiceOption[]): ChoiceExpected {
    const m = readChoice(text, options, { numbers: true });
    return m.kind === "one" ? m.index : m.kind === "several" ? m.indexes : "again";
  },
  phone: (text: string) => {
    const p = parseVnMobile(text);
    return p.ok ? p.e164 : null;
  },
  commune: (text: string) => searchCommunes(PROVINCE, text)[0]?.commune.name ?? null,
  quantity: (text: string) => {
    const q = readQuantity(ctx, text, "kg");
    return q.ok === true ? (q.value.kg ?? null) : q.ok === "ambiguous" ? "ambiguous" : null;
  },
  price: (text: string) => {
    const p = readPrice(ctx, text, { unit: "kg", quantity: 100 });
    return p.ok === true ? p.value : null;
  },
  name: (text: string) => typedName(text, ctx, "person").ok,
};

interface Tally {
  total: number;
  misses: string[];
}

function tally(corpus: Corpus): Record<string, Tally> {
  const out: Record<string, Tally> = {};
  const check = (kind: string, where: string, text: string, got: unknown, want: unknown) => {
    const t = (out[kind] ??= { total: 0, misses: [] });
    t.total += 1;
    if (JSON.stringify(got) !== JSON.stringify(want)) t.misses.push(`${where}: ${JSON.stringify(text)} → ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  };
  for (const step of corpus.choice) for (const [text, want] of step.answers) check("choice", step.step, text, read.choice(text, step.options), want);
  for (const kind of ["phone", "commune", "quantity", "price", "name"] as const) {
    for (const [text, want] of corpus[kind]) check(kind, kind, text, read[kind](text), want);
  }
  return out;
}

describe("answer corpus: choices and free-text answers as people type them", () => {
  const result = tally(corpus);
  const total = Object.values(result).reduce((n, t) => n + t.total, 0);
  const misses = Object.values(result).flatMap((t) => t.misses);

  it("holds at least 300 answers, for choice and for free-text questions", () => {
    expect(total).toBeGreaterThanOrEqual(300);
    expect(result.choice.total).toBeGreaterThanOrEqual(150);
    expect(total - result.choice.total).toBeGreaterThanOrEqual(100);
  });

  it(`gets at least ${TARGET * 100}% right`, () => {
    const share = (total - misses.length) / total;
    console.log(
      `answer corpus: ${(share * 100).toFixed(1)}% right (${total - misses.length}/${total}; ` +
        Object.entries(result).map(([k, t]) => `${k} ${t.total - t.misses.length}/${t.total}`).join(", ") + ")" +
        (misses.length ? `\nmisses:\n  ${misses.join("\n  ")}` : ""),
    );
    expect(share).toBeGreaterThanOrEqual(TARGET);
  });

  // The walker's findings, and the corpus's own first misses: each was wrong before its fix.
  it.each([
    ["buy.confirm", "dat luon"],
    ["buy.confirm", "mua luon"],
    ["buy.confirm", "chot don"],
    ["name", "ok"],
    ["name", "Thon Ban Lai xa Chi Lang"],
    ["name", "Dũng"],
    ["name", "Hoang Van Mua"],
    ["order card (a new order)", "khong nhan"],
    ["pickup.carrier", "goi buu dien den lay hang"],
    ["price", "80.000"],
    ["pickup.cod", "co thu ho"],
    ["officer menu", "tra loi"],
  ])("%s: %j is read as the corpus says", (where, text) => {
    expect(misses.filter((m) => m.startsWith(`${where}: ${JSON.stringify(text)} `))).toEqual([]);
    const listed = [...corpus.choice.flatMap((s) => s.answers.map(([a]) => `${s.step}|${a}`)), ...corpus.name.map(([a]) => `name|${a}`), ...corpus.price.map(([a]) => `price|${a}`)];
    expect(listed).toContain(`${where}|${text}`);
  });
});

describe.each([
  ["second", "answers-blind.corpus.json", BLIND_TARGET],
  ["third", "answers-blind2.corpus.json", TARGET],
  ["fourth", "answers-blind3.corpus.json", TARGET],
])("answer corpus, %s set written after the fixes", (which, file, target) => {
  const result = tally(load(file));
  const total = Object.values(result).reduce((n, t) => n + t.total, 0);
  const misses = Object.values(result).flatMap((t) => t.misses);

  it(`gets at least ${target * 100}% right`, () => {
    const share = (total - misses.length) / total;
    console.log(`answer corpus, ${which} set: ${(share * 100).toFixed(1)}% right (${total - misses.length}/${total})` + (misses.length ? `\nmisses:\n  ${misses.join("\n  ")}` : ""));
    expect(share).toBeGreaterThanOrEqual(target);
  });
});
