// GET /baogia/huy/:token — the link under every price alert: one button that stops it. A GET only
// shows the question (chat apps open links for their previews, which must not unsubscribe anybody);
// the button's POST stops the alert and says so.
import type { FastifyInstance, FastifyReply, RouteShorthandOptions } from "fastify";
import { priceAlerts } from "../core/price-alerts.ts";
import type { Catalog } from "../core/catalog.ts";
import type { Db } from "../db/client.ts";
import { getCommune } from "../lang/communes.ts";
import { formatPrice } from "../lang/price.ts";
import { html } from "./html.ts";
import { page } from "./layout.ts";
import { LINK_TOKEN } from "./link-token.ts";
import type { Translate } from "./texts.ts";

export interface AlertForPage {
  token: string;
  productName: string;
  unit: string;
  maxPriceVnd: number | null;
  communeCode: string | null;
}

function what(t: Translate, a: AlertForPage): string {
  const ceiling = a.maxPriceVnd !== null ? t("prices:alert.under", { price: formatPrice({ vnd: a.maxPriceVnd, per: a.unit }) }) : "";
  const commune = a.communeCode ? getCommune(a.communeCode)?.name : undefined;
  return `${a.productName}${ceiling} ${commune ? t("prices:alert.inCommune", { commune }) : t("prices:alert.inProvince")}`;
}

export function renderAlertStopPage(t: Translate, a: AlertForPage): string {
  const body = html`<h1>${t("prices:alert.page.title")}</h1><p>${t("prices:alert.page.question", { what: what(t, a) })}</p><form method="post" action="/baogia/huy/${a.token}"><button type="submit">${t(
    "prices:alert.page.button",
  )}</button></form>`;
  return page({ t, title: t("prices:alert.page.title"), body });
}

export function renderAlertStoppedPage(t: Translate, productName: string | null): string {
  const text = productName ? t("prices:alert.page.done", { product: productName }) : t("prices:alert.page.gone");
  return page({ t, title: t("prices:alert.page.title"), body: html`<h1>${t("prices:alert.page.title")}</h1><p>${text}</p>` });
}

export interface AlertPagesOptions {
  db: Db;
  t: Translate;
  catalog: () => Promise<Catalog>;
  limit?: RouteShorthandOptions;
  /** a 200 page, not indexed, not cached */
  send: (reply: FastifyReply, body: string) => FastifyReply;
}

export function registerAlertPages(app: FastifyInstance, opts: AlertPagesOptions): void {
  const { db, t } = opts;
  const alertOf = (token: string) => (LINK_TOKEN.test(token) ? priceAlerts(db).byToken(token) : Promise.resolve(null));

  app.get<{ Params: { token: string } }>("/baogia/huy/:token", opts.limit ?? {}, async (req, reply) => {
    const alert = await alertOf(req.params.token);
    if (!alert) return opts.send(reply, renderAlertStoppedPage(t, null));
    const product = (await opts.catalog()).byId(alert.productId);
    return opts.send(reply, renderAlertStopPage(t, { ...alert, productName: product?.name ?? alert.productId, unit: product?.unit ?? "kg" }));
  });

  app.post<{ Params: { token: string } }>("/baogia/huy/:token", opts.limit ?? {}, async (req, reply) => {
    const alert = await alertOf(req.params.token);
    if (alert) await priceAlerts(db).unsubscribe(req.params.token);
    const name = alert ? ((await opts.catalog()).byId(alert.productId)?.name ?? alert.productId) : null;
    return opts.send(reply, renderAlertStoppedPage(t, name));
  });
}
