// A bot message on the fake Telegram drawn as a chat client would: the text (line breaks kept) with its
// inline keyboard as buttons, so a browser test can check what a household sees on its phone.
import type { SentMessage } from "../fakes/telegram-server.ts";

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** One page with the messages as cards (`article.card`, buttons as `button` in `nav`). */
export function chatCardsHtml(messages: SentMessage[]): string {
  const cards = messages.map((m) => {
    const markup = m.reply_markup as { inline_keyboard?: Array<Array<{ text: string }>> } | undefined;
    const rows = (markup?.inline_keyboard ?? []).map((row) => `<div class="row">${row.map((b) => `<button type="button">${escape(b.text)}</button>`).join("")}</div>`).join("");
    return `<article class="card"><p>${escape(m.text ?? m.caption ?? "")}</p>${rows ? `<nav>${rows}</nav>` : ""}</article>`;
  });
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
    body{font-family:sans-serif;max-width:380px}.card{border:1px solid #ccc;border-radius:8px;padding:8px;margin:8px 0}
    p{white-space:pre-wrap;margin:0 0 8px}.row{display:flex;gap:4px;margin-top:4px}button{flex:1}
  </style></head><body>${cards.join("")}</body></html>`;
}
