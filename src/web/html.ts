// A tiny tagged template for server-rendered pages: every interpolated value is escaped unless it
// is already Html (built by this tag or wrapped on purpose with `raw`). No templating dependency.
//
//   html`<p>${userText}</p>`            → text, "<script>" shows as text
//   html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`
//
// Values go inside quoted attributes (`value="${v}"`) too: quotes are escaped as well.

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false || value === true) return "";
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

/** Trusted markup (constant CSS, a script we ship): never pass user input here. */
export const raw = (markup: string) => new Html(markup);
