// The page shell shared by every web page: one small inline stylesheet, system fonts, no scripts
// unless a page brings its own, sized for a cheap phone on 3G.
import type { Translate } from "./texts.ts";
import { html, raw, type Html } from "./html.ts";

const CSS = raw(`
*{box-sizing:border-box}
body{margin:0;font:17px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1d2a1f;background:#f6f7f2}
header,main,footer{max-width:40rem;margin:0 auto;padding:.6rem .9rem}
header{display:flex;justify-content:space-between;align-items:baseline;gap:.5rem}
header a{color:#1d5e2c;text-decoration:none;font-weight:700}
h1{font-size:1.4rem;margin:.2rem 0}
h2{font-size:1.15rem;margin:0 0 .2rem}
a{color:#1d5e2c}
.muted{color:#5b665d;font-size:.92rem}
.card{background:#fff;border:1px solid #dfe3d8;border-radius:10px;padding:.7rem;margin:.7rem 0}
.item{display:flex;gap:.7rem}
.item img{width:96px;height:96px;object-fit:cover;border-radius:8px;flex:none;background:#e8ebe3}
.price{font-weight:700;color:#a33a12}
details summary{cursor:pointer;margin-top:.5rem;padding:.55rem .8rem;background:#1d5e2c;color:#fff;border-radius:8px;display:inline-block;font-weight:600}
label{display:block;margin:.55rem 0 .15rem;font-weight:600;font-size:.95rem}
input,select,textarea{display:block;width:100%;font:inherit;font-weight:400;padding:.5rem;margin-top:.15rem;border:1px solid #b9c2b2;border-radius:8px;background:#fff}
button{font:inherit;font-weight:600;padding:.6rem 1rem;border:0;border-radius:8px;background:#1d5e2c;color:#fff;margin-top:.7rem}
button.secondary{background:#5b665d}
.err{color:#b3261e;font-size:.92rem;margin:.15rem 0 0}
.bad{border-color:#b3261e}
.notice{background:#fdecea;border:1px solid #f3b7b2;color:#7a1b14;border-radius:8px;padding:.5rem .7rem}
.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end}
.filters>*{flex:1 1 10rem}
.pages{display:flex;justify-content:space-between;margin:1rem 0}
ol.steps{list-style:none;padding:0}
ol.steps li{padding:.3rem 0 .3rem 1.6rem;position:relative;color:#8a948b}
ol.steps li:before{content:"";position:absolute;left:.3rem;top:.65rem;width:.7rem;height:.7rem;border-radius:50%;border:2px solid #b9c2b2}
ol.steps li.done{color:#1d2a1f}
ol.steps li.done:before{background:#1d5e2c;border-color:#1d5e2c}
ol.steps li.stop:before{background:#b3261e;border-color:#b3261e}
`.replace(/\n/g, ""));

export interface PageOptions {
  t: Translate;
  title: string;
  body: Html;
  /** extra tags for <head> (meta refresh) */
  head?: Html;
  /** lang attribute */
  lang?: string;
}

export function page({ t, title, body, head, lang = "vi" }: PageOptions): string {
  return html`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,"><title>${title} · ${t("web:siteName")}</title><style>${CSS}</style>${head}</head><body><header><a href="/cho">${t("web:siteName")}</a><span><a class="muted" href="/gia">${t("prices:web.link")}</a> · <a class="muted" href="/cho">${t("web:nav.market")}</a></span></header><main>${body}</main><footer class="muted">${t("web:tagline")}</footer></body></html>`.value;
}

export function messagePage(t: Translate, title: string, text: string): string {
  return page({ t, title, body: html`<h1>${title}</h1><p>${text}</p><p><a href="/cho">${t("web:nav.market")}</a></p>` });
}
