// GET /s/:slug — a household's public shop: its live listings, each with an order form.
import type { Translate } from "./texts.ts";
import { getCommune, getProvince } from "../lang/communes.ts";
import { html, type Html } from "./html.ts";
import { page } from "./layout.ts";
import { shopPath } from "../links.ts";
import { listingCard } from "./listing-view.ts";
import { orderForm, type FieldErrors, type FormValues } from "./order-form.ts";
import type { ShopPageData } from "./queries.ts";

export interface ShopPageState {
  /** the listing whose form was sent back with problems */
  listingId: string;
  values: FormValues;
  errors: FieldErrors;
  /** a message above that form (sold out meanwhile, ...) */
  notice?: string;
}

export function renderShopPage(t: Translate, shop: ShopPageData, state?: ShopPageState, now = new Date()): string {
  const commune = getCommune(shop.communeCode)?.name ?? "";
  const province = getProvince(shop.provinceCode)?.name ?? "";
  const action = shopPath(shop.slug);
  const items: Html[] = shop.listings.map((l) => {
    const mine = state?.listingId === l.id ? state : undefined;
    const form = orderForm({ t, action, listing: l, homeProvince: shop.provinceCode, values: mine?.values, errors: mine?.errors });
    const notice = mine ? html`<p class="notice" role="alert">${mine.notice ?? t("web:order.fixErrors")}</p>` : null;
    return listingCard(t, l, now, { origin: shop.communeCode, below: html`<details${mine ? html` open` : null}><summary>${t("web:order.open")}</summary>${notice}${form}</details>` });
  });
  // The form's listing may have gone (sold out, deleted) since the page was drawn: say so on top.
  const orphan = state && !shop.listings.some((l) => l.id === state.listingId) ? html`<p class="notice" role="alert">${state.notice ?? t("web:order.gone")}</p>` : null;
  const body = html`<h1>${shop.name}</h1><p class="muted">${t("web:shop.place", { commune, province })} · ${t("web:shop.count", {
    count: shop.listings.length,
  })}</p>${orphan}${items.length ? items : html`<p>${t("web:shop.empty")}</p>`}`;
  return page({ t, title: shop.name, body });
}
