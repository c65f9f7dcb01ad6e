// The fake Telegram server's parse_mode checks. Text a bot formats wrongly is refused by Telegram with
// "can't parse entities" and the user gets nothing, which tests must catch before production does; text
// that parses is stored as the user would read it, markup removed, so tests assert on what people see.
// HTML is checked like Telegram does it; MarkdownV2 approximately (reserved characters, unclosed entities).
import { badRequest, cantParse } from "./telegram-wire.ts";

/** Returns the text as users see it, or throws the 400 Telegram gives for bad markup. */
export function formatText(text: string, parseMode: unknown): string {
  const mode = typeof parseMode === "string" ? parseMode.toLowerCase() : "";
  if (mode === "") return text;
  if (mode === "html") return parseHtml(text);
  if (mode === "markdownv2") return parseMarkdownV2(text);
  if (mode === "markdown") return text; // legacy Markdown is not modelled
  throw badRequest("unsupported parse_mode");
}

const HTML_TAGS = new Set(["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code", "pre", "blockquote", "tg-emoji"]);

function parseHtml(src: string): string {
  const at = (i: number) => Buffer.byteLength(src.slice(0, i));
  const open: string[] = [];
  let out = "";
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (ch === "&") {
      const entity = /^&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/i.exec(src.slice(i, i + 12));
      if (entity) {
        out += decodeEntity(entity[1]);
        i += entity[0].length - 1;
      } else out += ch;
      continue;
    }
    if (ch !== "<") {
      out += ch;
      continue;
    }
    const end = src.indexOf(">", i);
    if (end === -1) throw cantParse(`Unclosed start tag at byte offset ${at(i)}`);
    const tag = src.slice(i + 1, end);
    const name = /^\/?([a-zA-Z][\w-]*)/.exec(tag)?.[1]?.toLowerCase();
    if (tag.startsWith("/")) {
      const expected = open.pop();
      if (expected === undefined) throw cantParse(`Unexpected end tag at byte offset ${at(i)}`);
      if (name !== undefined && name !== expected) {
        throw cantParse(`Unmatched end tag at byte offset ${at(i)}, expected "</${expected}>", found "</${name}>"`);
      }
    } else {
      if (!name || !HTML_TAGS.has(name)) throw cantParse(`Unsupported start tag "${tag.split(/\s/)[0]}" at byte offset ${at(i)}`);
      open.push(name);
    }
    i = end;
  }
  if (open.length) throw cantParse(`Can't find end tag corresponding to start tag "${open.at(-1)}"`);
  return out;
}

function decodeEntity(name: string): string {
  const named: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };
  if (name.startsWith("#x") || name.startsWith("#X")) return String.fromCodePoint(parseInt(name.slice(2), 16));
  if (name.startsWith("#")) return String.fromCodePoint(Number(name.slice(1)));
  return named[name.toLowerCase()];
}

const MDV2_RESERVED = "_*[]()~`>#+-=|{}.!";
const MDV2_NAMES: Record<string, string> = { "*": "Bold", _: "Italic", __: "Underline", "~": "Strikethrough", "||": "Spoiler", "[": "TextUrl" };

/** Approximate MarkdownV2 check: catches unescaped reserved characters and unclosed entities. */
function parseMarkdownV2(src: string): string {
  const at = (i: number) => Buffer.byteLength(src.slice(0, i));
  const open: Array<{ marker: string; at: number }> = [];
  const toggle = (marker: string, i: number) => {
    if (open.at(-1)?.marker === marker) open.pop();
    else open.push({ marker, at: i });
  };
  const findClosing = (needle: string, from: number) => {
    for (let j = from; j < src.length; j++) {
      if (src[j] === "\\") j++;
      else if (src.startsWith(needle, j)) return j;
    }
    return -1;
  };
  let out = "";
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (ch === "\\") {
      if (i + 1 >= src.length) throw cantParse(`Character '\\' is reserved and must be escaped with the preceding '\\'`);
      out += src[++i];
    } else if (ch === "`") {
      const fence = src.startsWith("```", i) ? "```" : "`";
      const close = findClosing(fence, i + fence.length);
      if (close === -1) throw cantParse(`Can't find end of ${fence === "```" ? "PreCode" : "Code"} entity at byte offset ${at(i)}`);
      let body = src.slice(i + fence.length, close);
      if (fence === "```") body = body.replace(/^[^\s`]*\n/, ""); // language line
      out += body.replace(/\\([`\\])/g, "$1");
      i = close + fence.length - 1;
    } else if (ch === "*" || ch === "~") toggle(ch, i);
    else if (ch === "_") {
      if (src[i + 1] === "_") toggle("__", i++);
      else toggle("_", i);
    } else if (ch === "|" && src[i + 1] === "|") toggle("||", i++);
    else if (ch === "[") open.push({ marker: "[", at: i });
    else if (ch === "]" && open.at(-1)?.marker === "[") {
      open.pop();
      if (src[i + 1] === "(") {
        const close = findClosing(")", i + 2);
        if (close === -1) throw cantParse(`Can't find end of a URL at byte offset ${at(i + 1)}`);
        i = close;
      }
    } else if (ch === ">" && (i === 0 || src[i - 1] === "\n")) {
      // blockquote marker
    } else if (MDV2_RESERVED.includes(ch)) {
      throw cantParse(`Character '${ch}' is reserved and must be escaped with the preceding '\\'`);
    } else out += ch;
  }
  const unclosed = open.at(-1);
  if (unclosed) throw cantParse(`Can't find end of ${MDV2_NAMES[unclosed.marker]} entity at byte offset ${at(unclosed.at)}`);
  return out;
}
