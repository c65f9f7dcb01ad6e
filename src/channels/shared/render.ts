// Rendering helpers shared by channels.
import type { TFunction } from "i18next";
import type { Outbound } from "../../engine/message.ts";

/**
 * Buttons as a numbered list, for channels without buttons (Zalo, terminal):
 *   "Bạn đồng ý chứ?\n1. Đồng ý\n2. Không đồng ý\nTrả lời 1 hoặc 2"
 * The engine maps a reply "2", "số 2" or the label back to the button.
 */
export function withNumberedChoices(message: Outbound, t: TFunction): string {
  const all = (message.choices ?? []).flat();
  const labels = all.map((c) => c.label);
  if (labels.length === 0) return message.text;
  const lines = labels.map((label, i) => `${i + 1}. ${label}`);
  const numbers = labels.map((_, i) => String(i + 1));
  // Buttons of a notification (e.g. "Nhận đơn") are numbered too: the flows read "1" as the newest
  // notice's first button while nothing was said since. Its word ("NHAN DH7K2F9Q") still works later.
  if (all.every((c) => c.keyword) && numbers.length > 1) {
    const hint = t("common:numbered.keywordHint", { list: numbers.slice(0, -1).join(", "), last: numbers.at(-1), keyword: all[0].keyword });
    return [message.text, ...lines, hint].join("\n");
  }
  if (all.every((c) => c.keyword)) return [message.text, ...all.map((c) => t("common:numbered.keyword", { label: c.label, keyword: c.keyword }))].join("\n");
  const hint =
    numbers.length === 1
      ? t("common:numbered.one")
      : t("common:numbered.many", { list: numbers.slice(0, -1).join(", "), last: numbers.at(-1) });
  return [message.text, ...lines, hint].join("\n");
}

/** Split a long text into pieces of at most `max` characters, preferring line breaks, then spaces. */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while ([...rest].length > max) {
    const window = [...rest].slice(0, max).join("");
    let cut = window.lastIndexOf("\n");
    if (cut < max / 2) cut = window.lastIndexOf(" ");
    if (cut < max / 2) cut = window.length;
    parts.push(window.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^[\n ]/, "");
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}
