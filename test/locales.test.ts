// Locale files: English mirrors Vietnamese key for key and placeholder for placeholder, the
// Vietnamese copy stays short and consistent, and no user-facing Vietnamese hides in the code.
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { LOCALES, resourceKeys, tFor, type Locale } from "../src/i18n/index.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const localesDir = join(root, "locales");

/** Every leaf value of every namespace, keyed like resourceKeys ("common.menu.title"). */
function flatValues(lng: Locale): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (obj: unknown, prefix: string) => {
    if (obj && typeof obj === "object") for (const [k, v] of Object.entries(obj)) walk(v, `${prefix}.${k}`);
    else out.set(prefix, obj);
  };
  for (const file of readdirSync(join(localesDir, lng)).filter((f) => f.endsWith(".json"))) {
    walk(JSON.parse(readFileSync(join(localesDir, lng, file), "utf8")), basename(file, ".json"));
  }
  return out;
}

const values = Object.fromEntries(LOCALES.map((lng) => [lng, flatValues(lng)])) as Record<Locale, Map<string, unknown>>;

/** "{{ price, number }}" → "price, number"; compared as a set per key. */
function placeholders(value: unknown): string[] {
  const found = new Set<string>();
  for (const m of String(value).matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) found.add(m[1].replace(/\s*,\s*/g, ", "));
  return [...found].sort();
}

/** "common.needTap_numbered": the wording of a key for channels whose choices are typed numbers. */
const WORDING = /_numbered$/;
const isWording = (key: string) => WORDING.test(key);

/** Key without its namespace: "common.commands.start" → "commands.start". */
const inNamespace = (key: string) => key.slice(key.indexOf(".") + 1);

describe("locale parity", () => {
  it("the test reads the same keys as the app", () => {
    for (const lng of LOCALES) expect([...values[lng].keys()].sort()).toEqual(resourceKeys(lng));
  });

  it("every Vietnamese key exists in English and vice versa", () => {
    // Channel wordings ("key_numbered", see tFor) are a language's own: only the base keys must match.
    const vi = resourceKeys("vi").filter((k) => !isWording(k));
    const en = resourceKeys("en").filter((k) => !isWording(k));
    expect(vi.filter((k) => !en.includes(k)), "missing in en").toEqual([]);
    expect(en.filter((k) => !vi.includes(k)), "missing in vi").toEqual([]);
  });

  it("a channel wording has a base key and the same {{placeholders}}", () => {
    const bad = LOCALES.flatMap((lng) =>
      resourceKeys(lng)
        .filter(isWording)
        .map((key) => [key, key.replace(WORDING, "")])
        .filter(([key, base]) => !values[lng].has(base) || placeholders(values[lng].get(key)).join("|") !== placeholders(values[lng].get(base)).join("|"))
        .map(([key]) => `${lng}:${key}`),
    );
    expect(bad).toEqual([]);
  });

  it("every key has the same {{placeholders}} in both languages", () => {
    const mismatches: string[] = [];
    for (const key of resourceKeys("vi")) {
      if (!values.en.has(key) || isWording(key)) continue; // reported by the parity tests above
      const vi = placeholders(values.vi.get(key));
      const en = placeholders(values.en.get(key));
      if (vi.join("|") !== en.join("|")) mismatches.push(`${key}: vi {${vi.join(", ")}} en {${en.join(", ")}}`);
    }
    expect(mismatches).toEqual([]);
  });

  it("every value is a string", () => {
    const bad = LOCALES.flatMap((lng) =>
      [...values[lng]].filter(([, v]) => typeof v !== "string").map(([k]) => `${lng}:${k}`),
    );
    expect(bad).toEqual([]);
  });
});

describe("Vietnamese copy", () => {
  const vi = [...values.vi].map(([key, value]) => [key, String(value ?? "")] as const);

  it("has no empty value", () => {
    expect(vi.filter(([, v]) => v.trim() === "").map(([k]) => k)).toEqual([]);
  });

  it("keeps each message short: one idea per message", () => {
    const LIMIT = 300;
    const exempt = (key: string) => {
      const k = inNamespace(key);
      return k.startsWith("commands.") || ["help", "consent", "paymentHowTo", "card"].includes(k);
    };
    const tooLong = vi
      .filter(([k, v]) => !exempt(k) && [...v].length > LIMIT)
      .map(([k, v]) => `${k} (${[...v].length} chars)`);
    expect(tooLong).toEqual([]);
  });

  it("addresses people as \"bạn\", never \"quý khách\", \"anh/chị\" or \"mày\"", () => {
    const forbidden = [/quý khách/iu, /anh\s*\/\s*chị/iu, /(?<!\p{L})mày(?!\p{L})/iu];
    const bad = vi
      .filter(([, v]) => forbidden.some((re) => re.test(v.normalize("NFC"))))
      .map(([k, v]) => `${k}: ${v}`);
    expect(bad).toEqual([]);
  });
});

describe("tFor", () => {
  const viChanged = String(values.vi.get("common.languageChanged"));

  it("speaks English for en", () => {
    expect(tFor("en")("common:languageChanged")).toBe("Switched to English.");
    expect(tFor("en-GB")("common:languageChanged")).toBe("Switched to English.");
  });

  it("speaks Vietnamese for vi", () => {
    expect(viChanged).toBe("Đã chuyển sang tiếng Việt.");
    expect(tFor("vi")("common:languageChanged")).toBe(viChanged);
  });

  it("falls back to Vietnamese for an unknown locale", () => {
    for (const lng of ["fr", "zh-CN", "", "xx"]) expect(tFor(lng)("common:languageChanged")).toBe(viChanged);
  });
});

describe("channel-true wording (i18next context per channel)", () => {
  // On Zalo and the terminal nothing can be pressed: choices are a numbered list answered by typing.
  // Every text, rendered the way those channels get it, must not ask anyone to press anything.
  // (The dashboard namespace is only rendered on web pages, which have real buttons.)
  const PRESS: Record<Locale, RegExp> = { vi: /(?<!\p{L})(bấm|nhấn|nút)(?!\p{L})/iu, en: /\b(tap|press|click)\b/i };
  const chatKeys = (lng: Locale) => resourceKeys(lng).filter((k) => !isWording(k) && !k.startsWith("dashboard."));
  const asKey = (key: string) => `${key.slice(0, key.indexOf("."))}:${inNamespace(key)}`;

  it("the wording mechanism picks the numbered text on Zalo and the terminal, the base text elsewhere", () => {
    expect(tFor("vi", "numbered")("common:needTap")).toBe(values.vi.get("common.needTap_numbered"));
    expect(tFor("vi", "inline")("common:needTap")).toBe(values.vi.get("common.needTap"));
    expect(tFor("vi", "numbered")("broadcast:askMoreCommunes", { communes: "Thất Khê" })).toContain("Thất Khê");
    // a key without a numbered wording falls back to its base text
    expect(tFor("vi", "numbered")("common:languageChanged")).toBe(values.vi.get("common.languageChanged"));
  });

  for (const lng of LOCALES) {
    it(`no ${lng} text asks to press a button where buttons are numbered`, () => {
      const t = tFor(lng, "numbered");
      const keys = chatKeys(lng);
      expect(keys.length).toBeGreaterThan(300);
      const bad = keys.map((key) => [key, String(t(asKey(key)))] as const).filter(([, text]) => PRESS[lng].test(text.normalize("NFC")));
      expect(bad.map(([k, v]) => `${k}: ${v}`)).toEqual([]);
    });
  }

  it("help texts are never numbered lists, which would read as choices on Zalo", () => {
    const numberedLines = /(^|\n)\s*\d+[.)]\s/;
    const bad = LOCALES.flatMap((lng) => chatKeys(lng).filter((k) => numberedLines.test(String(values[lng].get(k)))).map((k) => `${lng}:${k}`));
    expect(bad).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// No Vietnamese literals in the code: user-facing text belongs in locales/. Comments may be Vietnamese.

const VI_LOWER = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ";
const VI_LETTERS = new Set([...VI_LOWER, ...VI_LOWER.toUpperCase()]);
const hasVietnamese = (text: string) => [...text.normalize("NFC")].some((c) => VI_LETTERS.has(c));

interface Literal {
  /** 1-based line where the literal (or template chunk) starts */
  line: number;
  /** raw source text between the quotes (template chunks exclude ${...}) */
  text: string;
}

/** Words after which a "/" starts a regular expression rather than a division. */
const REGEX_AFTER_WORD = new Set([
  "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else",
  "yield", "await",
]);

/**
 * String literals and template text of a TypeScript source, skipping comments and regular
 * expression literals. Not a full parser, but it understands quotes, escapes, nested template
 * expressions and the usual places a regex can appear, which is all this check needs.
 */
function stringLiterals(src: string): Literal[] {
  const out: Literal[] = [];
  let i = 0;
  let line = 1;
  /** open template expressions: brace depth inside each `${ ... }` */
  const templates: number[] = [];
  /** last significant code token, to tell a regex from a division */
  let prev = "";

  const advance = (to: number) => {
    for (; i < to && i < src.length; i++) if (src[i] === "\n") line++;
  };

  const readQuoted = (quote: string) => {
    const startLine = line;
    const start = i + 1;
    advance(i + 1);
    while (i < src.length && src[i] !== quote && src[i] !== "\n") advance(i + (src[i] === "\\" ? 2 : 1));
    out.push({ line: startLine, text: src.slice(start, i) });
    advance(i + 1);
    prev = "lit";
  };

  /** template text from i (just after ` or the } closing an expression) to ` or ${ */
  const readTemplateChunk = () => {
    const startLine = line;
    const start = i;
    while (i < src.length && src[i] !== "`" && !(src[i] === "$" && src[i + 1] === "{")) {
      advance(i + (src[i] === "\\" ? 2 : 1));
    }
    out.push({ line: startLine, text: src.slice(start, i) });
    if (src[i] === "`") {
      advance(i + 1);
      prev = "lit";
    } else {
      advance(i + 2);
      templates.push(0);
      prev = "(";
    }
  };

  const readRegex = () => {
    advance(i + 1);
    let inClass = false;
    while (i < src.length && src[i] !== "\n") {
      const c = src[i];
      if (c === "\\") {
        advance(i + 2);
        continue;
      }
      if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      else if (c === "/" && !inClass) break;
      advance(i + 1);
    }
    advance(i + 1);
    while (i < src.length && /[a-z]/i.test(src[i])) advance(i + 1);
    prev = "lit";
  };

  while (i < src.length) {
    const c = src[i];
    const next = src[i + 1];
    if (c === "/" && next === "/") {
      while (i < src.length && src[i] !== "\n") advance(i + 1);
    } else if (c === "/" && next === "*") {
      const end = src.indexOf("*/", i + 2);
      advance(end < 0 ? src.length : end + 2);
    } else if (c === "'" || c === '"') {
      readQuoted(c);
    } else if (c === "`") {
      advance(i + 1);
      readTemplateChunk();
    } else if (c === "/") {
      const regexContext = prev === "" || /^[(,=:[!&|?{};+\-*%<>~^]$/.test(prev) || REGEX_AFTER_WORD.has(prev);
      if (regexContext) readRegex();
      else {
        advance(i + 1);
        prev = "/";
      }
    } else if (c === "{") {
      if (templates.length) templates[templates.length - 1]++;
      advance(i + 1);
      prev = "{";
    } else if (c === "}") {
      if (templates.length && templates[templates.length - 1] === 0) {
        templates.pop();
        advance(i + 1);
        readTemplateChunk();
      } else {
        if (templates.length) templates[templates.length - 1]--;
        advance(i + 1);
        prev = "}";
      }
    } else if (/[\p{L}\p{N}_$]/u.test(c)) {
      const start = i;
      while (i < src.length && /[\p{L}\p{N}_$]/u.test(src[i])) advance(i + 1);
      prev = src.slice(start, i);
    } else {
      if (!/\s/.test(c)) prev = c;
      advance(i + 1);
    }
  }
  return out;
}

/** Decode \uXXXX, \u{...} and \xXX so an escaped Vietnamese letter is caught too. */
const decodeEscapes = (text: string) =>
  text
    .replace(/\\u\{([0-9a-f]+)\}/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/\\u([0-9a-f]{4})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\\x([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === join(root, "src", "generated") ? [] : tsFiles(path);
    return entry.isFile() && entry.name.endsWith(".ts") ? [path] : [];
  });
}

describe("no Vietnamese literals in src/ and flows/", () => {
  it("the scanner finds strings and skips comments and regexes", () => {
    const src = [
      "// Chào bạn",
      "const a = 'một'; /* hai",
      "ba */ const b = \"http://x\" // bốn",
      "const c = `năm ${d ? \"sáu\" : `bảy ${e}`} tám`;",
      "const f = x / 2 / y, g = /[đĐ'\"]/g.test(h);",
      "const i = '\\u0111';",
    ].join("\n");
    const found = stringLiterals(src).filter((l) => l.text !== "");
    expect(found).toEqual([
      { line: 2, text: "một" },
      { line: 3, text: "http://x" },
      { line: 4, text: "năm " },
      { line: 4, text: "sáu" },
      { line: 4, text: "bảy " },
      { line: 4, text: " tám" },
      { line: 6, text: "\\u0111" },
    ]);
    expect(hasVietnamese(decodeEscapes("\\u0111"))).toBe(true);
    expect(hasVietnamese("a\u0300")).toBe(true); // decomposed "à"
    expect(hasVietnamese("plain ascii")).toBe(false);
  });

  it("user-facing text lives in locales/, not in code", () => {
    const violations: string[] = [];
    for (const file of [...tsFiles(join(root, "src")), ...tsFiles(join(root, "flows"))].sort()) {
      for (const { line, text } of stringLiterals(readFileSync(file, "utf8"))) {
        const lines = text.split("\n");
        const at = lines.findIndex((part) => hasVietnamese(decodeEscapes(part)));
        if (at >= 0) {
          const shown = lines[at].trim();
          violations.push(`${relative(root, file)}:${line + at}: ${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown}`);
        }
      }
    }
    expect(violations, "move these strings to locales/<lng>/*.json").toEqual([]);
  });
});
