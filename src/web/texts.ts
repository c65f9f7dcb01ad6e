// Locale texts for the web pages, fast. A shop page with 200 listings asks for thousands of texts, and
// one i18next t() call costs ~20 µs (it copies its options on every call): 4,000 calls would be 80 ms.
// So each text is fetched from i18next once and kept; "{{name}}" placeholders are filled here. Texts
// that need i18next's own features (plural forms by `count`, formats like "{{n, number}}", nesting)
// still go through i18next.
import { tFor } from "../i18n/index.ts";

export type Translate = (key: string, params?: Record<string, unknown>) => string;

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const translators = new Map<string, Translate>();

export function translator(locale: string): Translate {
  let tr = translators.get(locale);
  if (tr) return tr;
  const t = tFor(locale);
  // i18next leaves placeholders it got no value for as they are: t(key) is the template itself.
  const templates = new Map<string, string | null>();
  tr = (key, params) => {
    let template = templates.get(key);
    if (template === undefined) {
      const raw = t(key);
      template = /\{\{[^}]*[,(]|\$t\(/.test(raw) ? null : raw;
      templates.set(key, template);
    }
    if (template === null || (params && "count" in params)) return t(key, params);
    if (!params) return template;
    return template.replace(PLACEHOLDER, (whole, name: string) => (name in params ? String(params[name] ?? "") : whole));
  };
  translators.set(locale, tr);
  return tr;
}
