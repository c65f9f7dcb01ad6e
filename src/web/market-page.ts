// GET /cho — every live listing, newest first, filtered by product and commune, page by page.
import type { Translate } from "./texts.ts";
import { z } from "zod";
import { getCommune, getProvince, listCommunes } from "../lang/communes.ts";
import { html, raw, type Html } from "./html.ts";
import { page } from "./layout.ts";
import { shopPath } from "../links.ts";
import { listingCard } from "./listing-view.ts";
import { OTHER_PRODUCT, type MarketListing } from "./queries.ts";

export const PER_PAGE = 30;

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** Query parameters: product id (or OTHER_PRODUCT), commune code, page. Unknown parameters are ignored. */
export const marketQuery = z.object({
  product: z.preprocess(blankToUndefined, z.string().regex(/^[a-z0-9-]{1,60}$/).optional()),
  commune: z.preprocess(blankToUndefined, z.string().regex(/^\d{5}$/).optional()),
  page: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(10_000).default(1)),
});
export type MarketQuery = z.infer<typeof marketQuery>;

export interface MarketRender {
  t: Translate;
  provinceCode: string;
  products: ReadonlyArray<{ id: string; name: string }>;
  query: MarketQuery;
  listings: MarketListing[];
  hasMore: boolean;
  now?: Date;
}

function select(name: string, label: string, all: string, options: Array<{ value: string; label: string }>, selected: string | undefined): Html {
  return html`<div><label for="${name}">${label}</label><select id="${name}" name="${name}"><option value="">${all}</option>${options.map(
    (o) => html`<option value="${o.value}"${raw(o.value === selected ? " selected" : "")}>${o.label}</option>`,
  )}</select></div>`;
}

function pageLink(query: MarketQuery, pageNo: number): string {
  const params = new URLSearchParams();
  if (query.product) params.set("product", query.product);
  if (query.commune) params.set("commune", query.commune);
  if (pageNo > 1) params.set("page", String(pageNo));
  const qs = params.toString();
  return qs ? `/cho?${qs}` : "/cho";
}

export function renderMarketPage({ t, provinceCode, products, query, listings, hasMore, now = new Date() }: MarketRender): string {
  const communes = listCommunes(provinceCode)
    .map((c) => ({ value: c.code, label: c.name }))
    .sort((a, b) => a.label.localeCompare(b.label, "vi"));
  const productOptions = [...products.map((p) => ({ value: p.id, label: p.name })), { value: OTHER_PRODUCT, label: t("web:market.other") }];
  const filters = html`<form class="filters" method="get" action="/cho">${select(
    "product",
    t("web:market.product"),
    t("web:market.allProducts"),
    productOptions,
    query.product,
  )}${select("commune", t("web:market.commune"), t("web:market.allCommunes"), communes, query.commune)}<div><button type="submit">${t(
    "web:market.filter",
  )}</button></div></form>`;
  const items = listings.map((l) =>
    listingCard(t, l, now, {
      origin: l.shop.communeCode,
      line: html`<div class="muted">${t("web:listing.shop", { shop: l.shop.name, commune: getCommune(l.shop.communeCode)?.name ?? "" })}</div><a href="${shopPath(
        l.shop.slug,
      )}#l-${l.id}">${t("web:market.toShop")}</a>`,
    }),
  );
  const pages =
    query.page > 1 || hasMore
      ? html`<nav class="pages">${query.page > 1 ? html`<a href="${pageLink(query, query.page - 1)}" rel="prev">${t("web:market.prev")}</a>` : html`<span></span>`}<span class="muted">${t(
          "web:market.page",
          { page: query.page },
        )}</span>${hasMore ? html`<a href="${pageLink(query, query.page + 1)}" rel="next">${t("web:market.next")}</a>` : html`<span></span>`}</nav>`
      : null;
  const body = html`<h1>${t("web:market.title")}</h1><p class="muted">${t("web:market.intro", {
    province: getProvince(provinceCode)?.name ?? "",
  })}</p>${filters}${items.length ? items : html`<p>${t("web:market.empty")}</p>`}${pages}`;
  return page({ t, title: t("web:market.title"), body });
}
