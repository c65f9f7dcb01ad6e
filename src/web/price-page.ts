// GET /gia — the price board: every product on sale or sold lately, with its live range (lowest,
// median, highest, count) and what accepted orders paid in 7 and 30 days (core/prices.ts).
// GET /gia/:product — one product's figures and a 30-day chart of prices paid, drawn here as inline
// SVG (no script, no library): a bar from the day's cheapest to dearest order, a dot at its mean.
import type { BoardRow, DayPrices, PriceFigures } from "../core/prices.ts";
import type { ReferencePriceView } from "../core/reference-prices.ts";
import { CHART_DAYS } from "../core/prices.ts";
import { getProvince } from "../lang/communes.ts";
import { unitLabel } from "../lang/lexicon.ts";
import { formatPrice } from "../lang/price.ts";
import { formatNumberVi } from "../lang/quantity.ts";
import { pricePath } from "../links.ts";
import { formatDay } from "./format.ts";
import { html, raw, type Html } from "./html.ts";
import { page } from "./layout.ts";
import type { Translate } from "./texts.ts";

export interface BoardProduct {
  id: string;
  name: string;
  priceRange: { min: number; max: number };
  unit: string;
}

const STYLE = raw(
  "<style>table.board{width:100%;border-collapse:collapse;font-size:.95rem}table.board th,table.board td{text-align:left;padding:.45rem .3rem;border-bottom:1px solid #dfe3d8;vertical-align:top}table.board td.n{white-space:nowrap}svg.chart{width:100%;height:auto;background:#fff;border:1px solid #dfe3d8;border-radius:8px}</style>",
);

function cell(t: Translate, f: PriceFigures | null, unit: string, counted: "listings" | "orders"): Html {
  if (!f) return html`<td class="n muted">${t("prices:web.none")}</td>`;
  const money = (vnd: number) => formatPrice({ vnd, per: null });
  const range = f.min === f.max ? formatPrice({ vnd: f.min, per: unit }) : `${t("prices:web.range", { min: money(f.min), max: money(f.max) })}/${unitLabel(unit)}`;
  const median = f.min === f.max ? null : html`<br><span class="muted">${t("prices:web.median", { median: money(f.median) })}</span>`;
  return html`<td class="n">${range}${median}<br><span class="muted">${t(`prices:web.${counted}`, { count: f.count })}</span></td>`;
}

/** An officer's reference price: the price, then where and when it was seen. */
function referenceCell(ref: ReferencePriceView | undefined): Html {
  if (!ref) return html`<td class="n muted">—</td>`;
  return html`<td class="n">${formatPrice({ vnd: ref.priceVnd, per: ref.unit })}<br><span class="muted">${ref.source} · ${formatDay(ref.createdAt)}</span></td>`;
}

export function renderBoardPage(
  t: Translate,
  opts: { provinceCode: string; rows: BoardRow[]; products: ReadonlyArray<BoardProduct>; references?: ReadonlyMap<string, ReferencePriceView> },
): string {
  const byId = new Map(opts.products.map((p) => [p.id, p]));
  const references = opts.references ?? new Map<string, ReferencePriceView>();
  // A product with only a reference price (nothing on sale or sold yet) is on the board too.
  const onBoard = new Set(opts.rows.map((r) => r.productId));
  const referenceOnly = [...references.values()]
    .filter((r) => !onBoard.has(r.productId))
    .map((r): BoardRow => ({ productId: r.productId, unit: byId.get(r.productId)?.unit ?? r.unit, live: null, orders7: null, orders30: null }));
  const rows = [...opts.rows, ...referenceOnly]
    .filter((r) => byId.has(r.productId))
    .sort((a, b) => (b.live?.count ?? 0) - (a.live?.count ?? 0) || (b.orders30?.count ?? 0) - (a.orders30?.count ?? 0));
  const table = rows.length
    ? html`<table class="board"><thead><tr><th>${t("prices:web.product")}</th><th>${t("prices:web.live")}</th><th>${t("prices:web.sold7")}</th><th>${t(
        "prices:web.sold30",
      )}</th><th>${t("prices:web.reference")}</th></tr></thead><tbody>${rows.map(
        (r) =>
          html`<tr><td><a href="${pricePath(r.productId)}">${byId.get(r.productId)!.name}</a></td>${cell(t, r.live, r.unit, "listings")}${cell(
            t,
            r.orders7,
            r.unit,
            "orders",
          )}${cell(t, r.orders30, r.unit, "orders")}${referenceCell(references.get(r.productId))}</tr>`,
      )}</tbody></table>`
    : html`<p>${t("prices:web.empty")}</p>`;
  const body = html`${STYLE}<h1>${t("prices:web.title")}</h1><p class="muted">${t("prices:web.intro", {
    province: getProvince(opts.provinceCode)?.name ?? "",
  })}</p>${table}`;
  return page({ t, title: t("prices:web.title"), body });
}

const W = 600;
const H = 240;
const PAD = { left: 56, right: 10, top: 12, bottom: 28 };

/** The 30-day chart: x is the day (oldest left), y the price per unit; axis labels in Vietnamese numbers. */
export function priceChart(t: Translate, product: string, days: DayPrices[], now: Date): Html {
  const last = days.length ? days[days.length - 1].day : now;
  const first = new Date(now.getTime() - (CHART_DAYS - 1) * 86_400_000);
  const lo = Math.min(...days.map((d) => d.min));
  const hi = Math.max(...days.map((d) => d.max));
  const span = hi - lo || Math.max(1, hi * 0.1);
  const [yMin, yMax] = [Math.max(0, lo - span * 0.1), hi + span * 0.1];
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const dayIndex = (d: Date) => Math.round((d.getTime() - first.getTime()) / 86_400_000);
  const x = (d: Date) => (PAD.left + (Math.min(CHART_DAYS - 1, Math.max(0, dayIndex(d))) + 0.5) * (plotW / CHART_DAYS)).toFixed(1);
  const y = (v: number) => (PAD.top + (1 - (v - yMin) / (yMax - yMin)) * plotH).toFixed(1);
  const ticks = [yMin, (yMin + yMax) / 2, yMax].map((v) => Math.round(v / 100) * 100);
  const line = days.map((d) => `${x(d.day)},${y(d.mean)}`).join(" ");
  const label = t("prices:web.chartLabel", { product, from: formatDay(first), to: formatDay(last > now ? last : now) });
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${label}" xmlns="http://www.w3.org/2000/svg"><title>${label}</title>${ticks.map(
    (v) =>
      html`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v)}" y2="${y(v)}" stroke="#e4e7df"/><text x="${PAD.left - 6}" y="${y(v)}" dy="4" text-anchor="end" font-size="12" fill="#5b665d">${formatNumberVi(
        v,
        0,
      )}</text>`,
  )}<text x="${PAD.left}" y="${H - 8}" font-size="12" fill="#5b665d">${formatDay(first)}</text><text x="${W - PAD.right}" y="${H - 8}" font-size="12" text-anchor="end" fill="#5b665d">${formatDay(
    now,
  )}</text>${days.map(
    (d) =>
      html`<line class="range" x1="${x(d.day)}" x2="${x(d.day)}" y1="${y(d.min)}" y2="${y(d.max)}" stroke="#a7c4ad" stroke-width="6" stroke-linecap="round"/>`,
  )}${days.length > 1 ? html`<polyline points="${line}" fill="none" stroke="#1d5e2c" stroke-width="2"/>` : null}${days.map(
    (d) => html`<circle class="mean" cx="${x(d.day)}" cy="${y(d.mean)}" r="4" fill="#1d5e2c"><title>${formatDay(d.day)}: ${formatPrice({ vnd: d.mean, per: null })}</title></circle>`,
  )}</svg>`;
}

export function renderProductPricePage(
  t: Translate,
  opts: { product: BoardProduct; row: BoardRow | null; days: DayPrices[]; now: Date; reference?: ReferencePriceView | null },
): string {
  const { product, row, days, now, reference } = opts;
  const unit = row?.unit ?? product.unit;
  const figures = html`<table class="board"><tbody><tr><th>${t("prices:web.live")}</th>${cell(t, row?.live ?? null, unit, "listings")}</tr><tr><th>${t(
    "prices:web.sold7",
  )}</th>${cell(t, row?.orders7 ?? null, unit, "orders")}</tr><tr><th>${t("prices:web.sold30")}</th>${cell(t, row?.orders30 ?? null, unit, "orders")}</tr><tr><th>${t("prices:web.reference")}</th>${referenceCell(reference ?? undefined)}</tr></tbody></table>`;
  const chart = days.length
    ? html`${priceChart(t, product.name, days, now)}<p class="muted">${t("prices:web.chartKey")}</p>`
    : html`<p>${t("prices:web.chartEmpty")}</p>`;
  const usual = t("prices:web.usual", {
    min: formatPrice({ vnd: product.priceRange.min, per: null }),
    max: formatPrice({ vnd: product.priceRange.max, per: product.unit }),
  });
  const body = html`${STYLE}<p><a href="${pricePath()}">${t("prices:web.toBoard")}</a></p><h1>${t("prices:web.productTitle", {
    product: product.name,
  })}</h1><p class="muted">${t("prices:web.unit", { unit: unitLabel(unit) })}</p>${figures}<p><a href="${pricePath(product.id)}/bao">${t("prices:web.alertLink", { product: product.name })}</a></p><h2>${t("prices:web.chartTitle")}</h2>${chart}<p class="muted">${usual}</p><p><a href="/cho?product=${encodeURIComponent(
    product.id,
  )}">${t("prices:web.toMarket", { product: product.name })}</a></p>`;
  return page({ t, title: t("prices:web.productTitle", { product: product.name }), body });
}
