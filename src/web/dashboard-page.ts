// GET /canbo — the campaign dashboard an officer sees after logging in: the headline share against
// the target, a bar per commune (furthest below the target first), the table, registrations per week
// (an inline SVG line chart: no script, no chart library), top products, who registered whom, and
// the recent announcements with their delivery reports. Plain HTML, readable on a phone.
import type { Report } from "../broadcast/store.ts";
import type { CommuneFigures, Dashboard } from "../dashboard/stats.ts";
import { formatDateTime } from "../lang/datetime.ts";
import { formatNumberVi } from "../lang/quantity.ts";
import { formatPrice } from "../lang/price.ts";
import { formatDay } from "./format.ts";
import { html, raw, type Html } from "./html.ts";
import { page } from "./layout.ts";
import type { Translate } from "./texts.ts";

export interface DashboardPageInput {
  t: Translate;
  stats: Dashboard;
  scopeLabel: string;
  /** the communes the officer may pick from (name, code), and the one picked */
  communeOptions: Array<{ code: string; name: string }>;
  selected?: string;
  productName: (id: string | null) => string;
  broadcasts: Array<Report & { text: string }>;
  /** the officer's open sessions (sessionsCard), shown last */
  sessions?: Html;
  /** transfers of this month that did not simply pay their order (underpaid, late, unmatched...) */
  transfers?: Array<{ outcome: string; amountVnd: number; receivedAt: Date; communeCode: string | null; orderCode: string | null }>;
}

const CSS = raw(`<style>
header,main,footer{max-width:64rem}
.head{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.5rem}
.head form button{margin:0;background:#5b665d}
.big{font-size:1.6rem;font-weight:700;color:#1d5e2c}
.bars{list-style:none;padding:0;margin:0}
.bars li{margin:.45rem 0}
.bar{position:relative;height:.9rem;background:#e8ebe3;border-radius:4px;overflow:hidden}
.bar span{position:absolute;left:0;top:0;bottom:0;background:#1d5e2c}
.bar.low span{background:#c0702a}
.bar i{position:absolute;top:0;bottom:0;width:2px;background:#1d2a1f}
.scroll{overflow-x:auto}
table{border-collapse:collapse;font-size:.92rem;min-width:100%}
th,td{padding:.3rem .45rem;border-bottom:1px solid #dfe3d8;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
tfoot td{font-weight:700}
svg{width:100%;height:auto}
svg text{font-size:11px;fill:#5b665d}
.filters button{margin:0}
</style>`);

const count = (n: number) => formatNumberVi(n, 0);
const percent = (share: number) => `${formatNumberVi(Math.round(share * 1000) / 10, 1)}%`;
const money = (vnd: number) => formatPrice({ vnd, per: null });

function bar(t: Translate, c: CommuneFigures, target: number): Html {
  const width = c.share === null ? 0 : Math.min(100, c.share * 100);
  const missing = c.households === null ? 0 : Math.max(0, Math.ceil(c.households * target - c.counted));
  const line =
    c.share === null
      ? t("dashboard:bars.noTotal", { counted: count(c.counted) })
      : missing > 0
        ? t("dashboard:bars.line", { share: percent(c.share), missing: count(missing) })
        : t("dashboard:bars.reached", { share: percent(c.share) });
  return html`<li data-code="${c.code}"><div>${c.name} <span class="muted">${line}</span></div><div class="bar${missing > 0 ? " low" : ""}"><span style="width:${width.toFixed(1)}%"></span><i style="left:${(target * 100).toFixed(1)}%"></i></div></li>`;
}

const CELLS = ["registered", "opened", "live", "epay", "counted", "households", "share", "orders", "sales"] as const;

function cells(t: Translate, c: CommuneFigures): Html[] {
  const none = t("dashboard:table.noValue");
  const values: Record<(typeof CELLS)[number], string> = {
    registered: count(c.registered),
    opened: count(c.opened),
    live: count(c.live),
    epay: count(c.epay),
    counted: count(c.counted),
    households: c.households === null ? none : count(c.households),
    share: c.share === null ? none : percent(c.share),
    orders: count(c.ordersMonth),
    sales: money(c.salesMonthVnd),
  };
  return CELLS.map((k) => html`<td data-col="${k}">${values[k]}</td>`);
}

const MONEY_CELLS = ["payAccount", "transferShops", "transferShare", "transferVnd", "codVnd", "shippedViettelPost", "shippedVnpost", "delivered", "returned"] as const;

/** Payments and shipments of this month, per commune (issue 15 part 4, issue 21 part 5). */
function moneyCells(t: Translate, c: CommuneFigures): Html[] {
  const values: Record<(typeof MONEY_CELLS)[number], string> = {
    payAccount: count(c.payAccount),
    transferShops: count(c.transferShops),
    transferShare: c.transferShare === null ? t("dashboard:table.noValue") : percent(c.transferShare),
    transferVnd: money(c.transferVnd),
    codVnd: money(c.codVnd),
    shippedViettelPost: count(c.shippedViettelPost),
    shippedVnpost: count(c.shippedVnpost),
    delivered: count(c.delivered),
    returned: count(c.returned),
  };
  return MONEY_CELLS.map((k) => html`<td data-col="${k}">${values[k]}</td>`);
}

function moneyTable(t: Translate, stats: Dashboard): Html {
  return html`<div class="scroll"><table id="money"><thead><tr><th>${t("dashboard:table.commune")}</th>${MONEY_CELLS.map(
    (k) => html`<th>${t(`dashboard:money.${k}`)}</th>`,
  )}</tr></thead><tbody>${stats.communes.map((c) => html`<tr data-code="${c.code}"><td>${c.name}</td>${moneyCells(t, c)}</tr>`)}</tbody><tfoot><tr data-code="total"><td>${t(
    "dashboard:table.total",
  )}</td>${moneyCells(t, stats.total)}</tr></tfoot></table></div>`;
}

function transfersList(t: Translate, transfers: NonNullable<DashboardPageInput["transfers"]>): Html {
  if (!transfers.length) return html`<p class="muted">${t("dashboard:transfers.none")}</p>`;
  return html`<ul id="transfers">${transfers.map(
    (x) =>
      html`<li data-outcome="${x.outcome}">${t("dashboard:transfers.line", {
        when: formatDateTime(x.receivedAt),
        amount: money(x.amountVnd),
        outcome: t(`dashboard:transfers.outcome.${x.outcome}`),
        order: x.orderCode ?? t("dashboard:transfers.noOrder"),
      })}</li>`,
  )}</ul>`;
}

/** Registrations per week as a line chart, with the figures in <title>s and a table beside it. */
function weekChart(t: Translate, weeks: Dashboard["weeks"]): Html {
  const W = 600;
  const H = 170;
  const pad = { left: 34, right: 10, top: 12, bottom: 26 };
  const max = Math.max(1, ...weeks.map((w) => w.registered));
  const x = (i: number) => pad.left + (i * (W - pad.left - pad.right)) / Math.max(1, weeks.length - 1);
  const y = (v: number) => pad.top + (H - pad.top - pad.bottom) * (1 - v / max);
  const points = weeks.map((w, i) => `${x(i).toFixed(1)},${y(w.registered).toFixed(1)}`).join(" ");
  const short = (d: Date) => `${d.getDate()}/${d.getMonth() + 1}`;
  const labels = weeks.map((w, i) => (i % 2 === weeks.length % 2 ? null : html`<text x="${x(i).toFixed(1)}" y="${H - 8}" text-anchor="middle">${short(w.start)}</text>`));
  const dots = weeks.map(
    (w, i) =>
      html`<circle cx="${x(i).toFixed(1)}" cy="${y(w.registered).toFixed(1)}" r="3.5" fill="#1d5e2c"><title>${t("dashboard:weeks.label", { date: formatDay(w.start), n: count(w.registered) })}</title></circle>`,
  );
  const svg = html`<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${t("dashboard:weeks.title")}"><line x1="${pad.left}" y1="${y(0)}" x2="${W - pad.right}" y2="${y(0)}" stroke="#b9c2b2"/><text x="4" y="${pad.top + 4}">${count(max)}</text><text x="4" y="${y(0)}">0</text><polyline fill="none" stroke="#1d5e2c" stroke-width="2.5" points="${points}"/>${dots}${labels}</svg>`;
  const rows = weeks.map((w) => html`<tr><td>${formatDay(w.start)}</td><td data-col="week">${count(w.registered)}</td></tr>`);
  return html`${svg}<details><summary>${t("dashboard:table.title")}</summary><table id="weeks"><thead><tr><th>${t("dashboard:weeks.week")}</th><th>${t("dashboard:weeks.count")}</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}

export function renderDashboardPage(input: DashboardPageInput): string {
  const { t, stats } = input;
  const target = stats.targetPercent / 100;
  const total = stats.total;
  // A bar for communes with something to show; the rest (no household yet, no total) in one line.
  const barred = stats.communes.filter((c) => c.registered > 0 || c.households !== null);
  const empty = stats.communes.length - barred.length;
  const query = input.selected ? `?xa=${encodeURIComponent(input.selected)}` : "";

  const headline =
    total.share === null
      ? html`<p>${t("dashboard:headline.noTotals")}</p>`
      : html`<p class="big" id="share">${percent(total.share)}</p><p>${t("dashboard:headline.share", {
          counted: count(stats.communes.filter((c) => c.households !== null).reduce((s, c) => s + c.counted, 0)),
          households: count(total.households ?? 0),
        })}</p>${
          total.householdsKnownFor < stats.communes.length
            ? html`<p class="muted">${t("dashboard:headline.partTotals", { known: total.householdsKnownFor, all: stats.communes.length })}</p>`
            : null
        }`;

  const figures = (["registered", "opened", "live", "epay"] as const).map(
    (k) => html`<div><span class="muted">${t(`dashboard:figures.${k}`)}</span><br><strong data-total="${k}">${count(total[k])}</strong></div>`,
  );

  const filter =
    input.communeOptions.length > 1
      ? html`<form method="get" action="/canbo" class="filters"><label>${t("dashboard:filter.label")}<select name="xa"><option value="">${t("dashboard:filter.all")}</option>${input.communeOptions.map(
          (c) => html`<option value="${c.code}"${c.code === input.selected ? raw(" selected") : null}>${c.name}</option>`,
        )}</select></label><button type="submit">${t("dashboard:filter.submit")}</button></form>`
      : null;

  const table = html`<div class="scroll"><table id="communes"><thead><tr><th>${t("dashboard:table.commune")}</th>${CELLS.map(
    (k) => html`<th>${t(`dashboard:figures.${k}`)}</th>`,
  )}</tr></thead><tbody>${stats.communes.map((c) => html`<tr data-code="${c.code}"><td>${c.name}</td>${cells(t, c)}</tr>`)}</tbody><tfoot><tr data-code="total"><td>${t(
    "dashboard:table.total",
  )}</td>${cells(t, total)}</tr></tfoot></table></div>`;

  const products = stats.topProducts.length
    ? html`<ol id="products">${stats.topProducts.map(
        (p) => html`<li>${t("dashboard:products.line", { name: input.productName(p.productId), shops: count(p.shops), listings: count(p.listings) })}</li>`,
      )}</ol>`
    : html`<p class="muted">${t("dashboard:products.none")}</p>`;

  const assisted = stats.assistants.length
    ? html`<ul id="assisted">${stats.assistants.map(
        (a) =>
          html`<li>${t("dashboard:assisted.line", {
            name: a.name || t("dashboard:assisted.unnamed", { id: a.officerId.slice(-6) }),
            registered: count(a.registered),
            claimed: count(a.claimed),
          })}</li>`,
      )}</ul>`
    : html`<p class="muted">${t("dashboard:assisted.none")}</p>`;

  const broadcasts = input.broadcasts.length
    ? html`<ul id="broadcasts">${input.broadcasts.map(
        (b) =>
          html`<li><strong>${t("dashboard:broadcasts.line", { number: b.number, date: formatDateTime(b.scheduledAt), status: t(`dashboard:broadcasts.status.${b.status}`) })}</strong><br><span class="muted">${
            b.text.length > 120 ? `${b.text.slice(0, 119)}…` : b.text
          }</span><br>${t("dashboard:broadcasts.report", { ...b })}</li>`,
      )}</ul>`
    : html`<p class="muted">${t("dashboard:broadcasts.none")}</p>`;

  const body = html`<div class="head"><div><h1>${t("dashboard:title")}</h1><div class="muted">${input.scopeLabel} · ${t("dashboard:updated", {
    time: formatDateTime(stats.generatedAt),
  })}</div></div><form method="post" action="/canbo/dangxuat"><button type="submit">${t("dashboard:logout")}</button></form></div>${
    stats.demo ? html`<p class="notice">${t("dashboard:demo")}</p>` : null
  }<div class="card"><h2>${t("dashboard:headline.title", { target: stats.targetPercent })}</h2>${headline}<div class="filters">${figures}</div></div>${filter}<div class="card"><h2>${t(
    "dashboard:bars.title",
  )}</h2><ul class="bars">${barred.map((c) => bar(t, c, target))}</ul>${
    empty ? html`<p class="muted">${t("dashboard:bars.empty", { n: empty })}</p>` : null
  }</div><div class="card"><h2>${t("dashboard:table.title")}</h2>${table}<p class="muted">${t(
    "dashboard:legend",
  )}</p><h2>${t("dashboard:downloads.title")}</h2><ul><li><a href="/canbo/xa.csv${query}" download>${t("dashboard:downloads.communes")}</a></li><li><a href="/canbo/ho.csv${query}" download>${t(
    "dashboard:downloads.households",
  )}</a></li></ul></div><div class="card"><h2>${t("dashboard:money.title")}</h2>${moneyTable(t, stats)}<p class="muted">${t("dashboard:money.legend")}</p><h3>${t(
    "dashboard:transfers.title",
  )}</h3>${transfersList(t, input.transfers ?? [])}</div><div class="card"><h2>${t("dashboard:weeks.title")}</h2>${weekChart(t, stats.weeks)}</div><div class="card"><h2>${t(
    "dashboard:products.title",
  )}</h2>${products}</div><div class="card"><h2>${t("dashboard:assisted.title")}</h2>${assisted}</div><div class="card"><h2>${t("dashboard:broadcasts.title")}</h2>${broadcasts}</div>${input.sessions ?? null}`;

  return page({ t, title: t("dashboard:title"), body, head: CSS });
}

export function renderLoginPage(t: Translate, token: string): string {
  return page({
    t,
    title: t("dashboard:login.title"),
    body: html`<h1>${t("dashboard:login.title")}</h1><p>${t("dashboard:login.confirm")}</p><form method="post" action="/dangnhap/${token}"><button type="submit">${t("dashboard:login.button")}</button></form>`,
  });
}
