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

/**
 * The translate function of a language, worded for a channel. A key asked for without options (a
 * button label, a fixed line) is looked up once and remembered: the texts never change while the
 * process runs, and a turn asks for a dozen of them (the menu alone has eight), each costing
 * i18next's full lookup.
 */
export function tFor(locale: string, wording: Wording = "inline"): TFunction {
  const lng = toLocale(locale);
  const id = `${lng}:${wording}`;
  let t = fixed.get(id);
  if (!t) {
    const lookUp = instance.getFixedT(lng) as unknown as (key: unknown, options?: Record<string, unknown>) => unknown;
    const context = wording === "inline" ? undefined : wording;
    const plain = new Map<string, string>();
    t = ((key: string | string[], ...rest: unknown[]) => {
      if (rest.length > 0 || typeof key !== "string") {
        const options = rest[0];
        if (!context) return lookUp(key, ...(rest as [Record<string, unknown>]));
        if (typeof options === "string") return lookUp(key, { defaultValue: options, context, ...(rest[1] as object) });
        return lookUp(key, { context, ...(options as object | undefined) });
      }
      let text = plain.get(key);
      if (text === undefined) plain.set(key, (text = lookUp(key, context ? { context } : undefined) as string));
      return text;
    }) as unknown as TFunction;
    fixed.set(id, t);
  }
  return t;
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
