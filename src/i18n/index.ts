// All user-facing text lives in locales/<lng>/<namespace>.json. Vietnamese is the default and the
// fallback; English is the second language. Numbers are formatted per language by i18next's built-in
// `number` formatter (Intl), so "{{price, number}}" prints 80.000 in Vietnamese.
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import i18next, { type Resource, type TFunction } from "i18next";

export const LOCALES = ["vi", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "vi";

const localesDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../locales");

function loadResources(): Resource {
  const resources: Resource = {};
  for (const lng of LOCALES) {
    resources[lng] = {};
    for (const file of readdirSync(join(localesDir, lng)).filter((f) => f.endsWith(".json"))) {
      resources[lng][basename(file, ".json")] = JSON.parse(readFileSync(join(localesDir, lng, file), "utf8"));
    }
  }
  return resources;
}

const resources = loadResources();
const instance = i18next.createInstance();
instance.init({
  resources,
  lng: DEFAULT_LOCALE,
  fallbackLng: DEFAULT_LOCALE,
  defaultNS: "common",
  ns: Object.keys(resources[DEFAULT_LOCALE] ?? {}),
  interpolation: { escapeValue: false },
  initAsync: false,
});

export type T = TFunction;

/**
 * How a person answers on a channel: "inline" where buttons can be pressed (Telegram, the web chat),
 * "numbered" where choices are a numbered list answered by typing (Zalo, the terminal). It is the
 * i18next *context* of every text rendered for that person: a key "foo_numbered", when it exists, is
 * used instead of "foo" there ("gõ Xong" instead of "bấm Xong"). Callers pass the channel's
 * `ChannelInfo.buttons`; this is the only place the wording is chosen.
 */
export type Wording = "inline" | "numbered";

const fixed = new Map<string, TFunction>();

type LookUp = (key: unknown, options?: Record<string, unknown>) => unknown;

/**
 * i18next's own translate for a language, worded for a channel, with nothing remembered: what tFor
 * answers must always equal what this answers (test/i18n-templates.test.ts).
 */
export function i18nextT(locale: string, wording: Wording = "inline"): (key: string | string[], ...rest: unknown[]) => unknown {
  const lookUp = instance.getFixedT(toLocale(locale)) as unknown as LookUp;
  const context = wording === "inline" ? undefined : wording;
  return (key, ...rest) => {
    const options = rest[0];
    if (!context) return lookUp(key, ...(rest as [Record<string, unknown>]));
    if (typeof options === "string") return lookUp(key, { defaultValue: options, context, ...(rest[1] as object) });
    return lookUp(key, { context, ...(options as object | undefined) });
  };
}

/**
 * The translate function of a language, worded for a channel. A key asked for without options (a
 * button label, a fixed line) is looked up once and remembered: the texts never change while the
 * process runs, and a turn asks for a dozen of them (the menu alone has eight), each costing
 * i18next's full lookup. A text with values is filled from its remembered pieces (below).
 */
export function tFor(locale: string, wording: Wording = "inline"): TFunction {
  const lng = toLocale(locale);
  const id = `${lng}:${wording}`;
  let t = fixed.get(id);
  if (!t) {
    const slow = i18nextT(lng, wording);
    const plain = new Map<string, string>();
    const templates = new Map<string, Template | null>();
    t = ((key: string | string[], ...rest: unknown[]) => {
      if (typeof key !== "string") return slow(key, ...rest);
      if (rest.length === 0) {
        let text = plain.get(key);
        if (text === undefined) plain.set(key, (text = slow(key) as string));
        return text;
      }
      if (rest.length === 1 && isPlainValues(rest[0])) {
        let template = templates.get(key);
        if (template === undefined) templates.set(key, (template = compile(slow(key, { skipInterpolation: true }))));
        const text = template && fill(template, rest[0]);
        if (text !== null) return text;
      }
      return slow(key, ...rest);
    }) as unknown as TFunction;
    fixed.set(id, t);
  }
  return t;
}

// A text with values ("Giá: {{price}}") goes through i18next's whole translate for every call: its
// options copied twice, the key resolved, the string scanned for placeholders and for nesting. A card
// asks for five of them, and in a burst of listings that was most of the cost of drawing the card. So
// the text as stored (resolved by i18next once: language, fallback, the channel's wording) is kept
// split at its placeholders, and a call only joins the pieces with its values. Whatever this does not
// cover goes to i18next as before: options that change which text is chosen (count for plurals,
// context, defaultValue, another language...), a value that is not a string or a number, a missing
// value, placeholders with a format or a prefix, and nesting ($t). test/i18n-templates.test.ts
// compares both ways over every text of every language.

/** A text split at its placeholders: literal, name, literal, name, …, literal. */
type Template = string[];

/** The option names i18next reads itself; a call carrying one is left to i18next. */
const I18NEXT_OPTIONS = new Set(["count", "context", "defaultValue", "lng", "lngs", "ns", "returnObjects", "returnDetails", "joinArrays", "postProcess", "interpolation", "skipInterpolation", "replace", "ordinal", "keyPrefix", "fallbackLng", "nsSeparator", "keySeparator", "defaultValue_other"]);

function isPlainValues(options: unknown): options is Record<string, unknown> {
  if (!options || typeof options !== "object" || Array.isArray(options)) return false;
  for (const name in options) {
    if (I18NEXT_OPTIONS.has(name)) return false;
    const value = (options as Record<string, unknown>)[name];
    if (typeof value !== "string" && typeof value !== "number") return false;
  }
  return true;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The pieces of a stored text, or null when it is not one this path can fill exactly. */
function compile(stored: unknown): Template | null {
  if (typeof stored !== "string" || stored.includes("$t(")) return null;
  const pieces: Template = [];
  let from = 0;
  for (const m of stored.matchAll(PLACEHOLDER)) {
    pieces.push(stored.slice(from, m.index), m[1]);
    from = m.index + m[0].length;
  }
  const rest = stored.slice(from);
  // Any other "{{" (a format, "{{- raw}}", a dotted path) is i18next's to read.
  if (pieces.some((p, i) => i % 2 === 0 && p.includes("{{")) || rest.includes("{{")) return null;
  pieces.push(rest);
  return pieces;
}

/** The text with its values; null when a placeholder has no value (i18next decides what then). */
function fill(template: Template, values: Record<string, unknown>): string | null {
  let text = template[0];
  for (let i = 1; i < template.length; i += 2) {
    const value = values[template[i]];
    if (value === undefined) return null;
    text += String(value) + template[i + 1];
  }
  return text;
}

export function toLocale(value: string | undefined | null): Locale {
  const v = (value ?? "").toLowerCase();
  return (LOCALES as readonly string[]).find((l) => v === l || v.startsWith(`${l}-`)) as Locale | undefined ?? DEFAULT_LOCALE;
}

/** Every key of a namespace in a language (used by the locale parity test). */
export function resourceKeys(lng: Locale): string[] {
  const out: string[] = [];
  const walk = (obj: unknown, prefix: string) => {
    if (obj && typeof obj === "object") for (const [k, v] of Object.entries(obj)) walk(v, prefix ? `${prefix}.${k}` : k);
    else out.push(prefix);
  };
  walk(resources[lng], "");
  return out.sort();
}
