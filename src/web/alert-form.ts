// GET and POST /gia/:product/bao — a buyer on the web asks to be told when the product is listed
// (optionally in one commune, at or under a price), by mobile phone number, ticking the consent box.
// The request waits until a chat account has that phone (core/phone-alerts.ts). The answer is the same
// whether the phone is known or not (nobody learns from this form who uses Chợ Số), and shows the
// number masked.
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from "fastify";
import { z } from "zod";
import type { Catalog } from "../core/catalog.ts";
import { phoneAlerts } from "../core/phone-alerts.ts";
import type { Db } from "../db/client.ts";
import type { CatalogItem } from "../lang/product.ts";
import { listCommunes } from "../lang/communes.ts";
import { maskPhone, parseVnMobile } from "../lang/phone.ts";
import { formatPrice, parsePrice } from "../lang/price.ts";
import { unitLabel } from "../lang/lexicon.ts";
import { pricePath } from "../links.ts";
import { FORM_TOKEN_FIELD, formGuard, issueFormToken } from "./form-guard.ts";
import { html, raw, type Html } from "./html.ts";
import { page } from "./layout.ts";
import type { Translate } from "./texts.ts";

const PRODUCT_ID = /^[a-z0-9-]{1,80}$/;
/** a ceiling above this is not a ceiling (and not worth storing) */
const CEILING_MAX = 100_000_000;
const FIELDS = ["commune", "maxPrice", "phone", "consent"] as const;
type Field = (typeof FIELDS)[number];
type Values = Partial<Record<Field, string>>;
type Errors = Partial<Record<Field, string>>;

export const alertFormPath = (productId: string) => `${pricePath(productId)}/bao`;

const text = z.preprocess((v) => (typeof v === "string" ? v : ""), z.string());

/** "40k", "40.000", "40000", "40 nghìn" → đồng per the product's unit; "" → no ceiling. */
function readCeiling(raw: string, unit: string): { vnd: number | null } | { error: string } {
  const typed = raw.trim();
  if (typed === "") return { vnd: null };
  if (typed.length > 30) return { error: "prices:webAlert.field.maxPrice.bad" };
  const plain = /^(\d{1,3}(?:\.\d{3})+|\d+)\s*(?:đ|d|đồng|dong)?$/i.exec(typed);
  const price = plain ? { vnd: Number(plain[1].replace(/\./g, "")), per: null } : parsePrice(typed);
  if (!price || "ambiguous" in price) return { error: "prices:webAlert.field.maxPrice.bad" };
  if (price.per !== null && price.per !== unit) return { error: "prices:webAlert.field.maxPrice.unit" };
  if (!(price.vnd > 0) || price.vnd > CEILING_MAX) return { error: "prices:webAlert.field.maxPrice.bad" };
  return { vnd: price.vnd };
}

function alertSchema(product: CatalogItem, communes: Set<string>) {
  return z.object({
    commune: text.transform((raw, ctx) => {
      if (raw === "") return null;
      if (communes.has(raw)) return raw;
      ctx.addIssue({ code: "custom", message: "prices:webAlert.field.commune.bad" });
      return z.NEVER;
    }),
    maxPrice: text.transform((raw, ctx) => {
      const read = readCeiling(raw, product.unit);
      if ("vnd" in read) return read.vnd;
      ctx.addIssue({ code: "custom", message: read.error });
      return z.NEVER;
    }),
    phone: text.transform((raw, ctx) => {
      // A phone number is short: a long paste is not one (and is not worth parsing).
      const parsed = raw.trim() === "" ? ({ ok: false, reason: "empty" } as const) : raw.length > 40 ? ({ ok: false, reason: "not_a_number" } as const) : parseVnMobile(raw);
      if (parsed.ok) return parsed.e164;
      ctx.addIssue({ code: "custom", message: `web:field.phone.${parsed.reason}` });
      return z.NEVER;
    }),
    consent: text.refine((v) => v === "1", { message: "prices:webAlert.field.consent.missing" }),
  });
}

function renderForm(t: Translate, o: { product: CatalogItem; provinceCode: string; token: string; values?: Values; errors?: Errors; notice?: string }): string {
  const { product, values = {}, errors = {} } = o;
  const first = FIELDS.find((f) => errors[f]);
  const err = (f: Field) => (errors[f] ? html`<p class="err" id="err-${f}">${t(errors[f]!, { unit: unitLabel(product.unit) })}</p>` : null);
  const attrs = (f: Field) => (errors[f] ? html` class="bad" aria-invalid="true" aria-describedby="err-${f}"${raw(f === first ? " autofocus" : "")}` : null);
  const value = (f: Field) => (values[f] ? html` value="${values[f]!.slice(0, 40)}"` : null);
  const communes = listCommunes(o.provinceCode).sort((a, b) => a.name.localeCompare(b.name, "vi"));
  const communeSelect = html`<label>${t("prices:webAlert.commune")}<select name="commune"${attrs("commune")}><option value="">${t("prices:webAlert.anyCommune")}</option>${communes.map(
    (c) => html`<option value="${c.code}"${raw(c.code === values.commune ? " selected" : "")}>${c.name}</option>`,
  )}</select></label>${err("commune")}`;
  const body = html`<p><a href="${pricePath(product.id)}">${t("prices:webAlert.back", { product: product.name })}</a></p><h1>${t("prices:webAlert.title", {
    product: product.name,
  })}</h1><p>${t("prices:webAlert.intro", { product: product.name })}</p>${o.notice ? html`<p class="notice">${o.notice}</p>` : null}<form method="post" action="${alertFormPath(
    product.id,
  )}" novalidate><input type="hidden" name="${FORM_TOKEN_FIELD}" value="${o.token}">${communeSelect}<label>${t("prices:webAlert.maxPrice", {
    unit: unitLabel(product.unit),
  })}<input name="maxPrice" inputmode="decimal" autocomplete="off" maxlength="30" placeholder="${t("prices:webAlert.maxPriceExample")}"${value("maxPrice")}${attrs(
    "maxPrice",
  )}></label>${err("maxPrice")}<label>${t("prices:webAlert.phone")}<input name="phone" type="tel" autocomplete="tel" maxlength="20" required${value("phone")}${attrs(
    "phone",
  )}></label>${err("phone")}<label><input type="checkbox" name="consent" value="1" style="display:inline;width:auto"${raw(values.consent === "1" ? " checked" : "")}${attrs(
    "consent",
  )}> ${t("prices:webAlert.consent")}</label>${err("consent")}<button type="submit">${t("prices:webAlert.submit")}</button><p class="muted">${t(
    "prices:webAlert.note",
  )}</p></form>`;
  return page({ t, title: t("prices:webAlert.title", { product: product.name }), body });
}

function renderDone(t: Translate, product: CatalogItem, o: { phone: string; communeName: string | null; maxPriceVnd: number | null }): string {
  const ceiling = o.maxPriceVnd !== null ? t("prices:alert.under", { price: formatPrice({ vnd: o.maxPriceVnd, per: product.unit }) }) : "";
  const where = o.communeName ? t("prices:alert.inCommune", { commune: o.communeName }) : t("prices:alert.inProvince");
  const body = html`<h1>${t("prices:webAlert.doneTitle")}</h1><p>${t("prices:webAlert.done", { what: `${product.name}${ceiling} ${where}`, phone: maskPhone(o.phone) })}</p><p>${t(
    "prices:webAlert.how",
  )}</p><p><a href="${pricePath(product.id)}">${t("prices:webAlert.back", { product: product.name })}</a></p>`;
  return page({ t, title: t("prices:webAlert.doneTitle"), body });
}

export interface AlertFormOptions {
  db: Db;
  t: Translate;
  provinceCode: string;
  publicUrl: string;
  catalog: () => Promise<Catalog>;
  /** the rate limit on posts */
  limit?: RouteShorthandOptions;
  send: (reply: FastifyReply, status: number, body: string) => FastifyReply;
  notFound: (reply: FastifyReply) => FastifyReply;
  /** a post from another site or without the form's token */
  refused: (reply: FastifyReply) => FastifyReply;
}

/** Needs the form tokens registered on `app` first (registerFormTokens). */
export function registerAlertForm(app: FastifyInstance, opts: AlertFormOptions): void {
  const { db, t } = opts;
  const guard = formGuard(app, { publicUrl: opts.publicUrl, refused: opts.refused });
  const communeCodes = new Set(listCommunes(opts.provinceCode).map((c) => c.code));
  const productOf = async (req: FastifyRequest<{ Params: { product: string } }>) =>
    PRODUCT_ID.test(req.params.product) ? (await opts.catalog()).byId(req.params.product) : undefined;

  app.get<{ Params: { product: string } }>("/gia/:product/bao", async (req, reply) => {
    const product = await productOf(req);
    if (!product) return opts.notFound(reply);
    const token = issueFormToken(reply);
    return opts.send(reply, 200, renderForm(t, { product, provinceCode: opts.provinceCode, token }));
  });

  app.post<{ Params: { product: string } }>("/gia/:product/bao", { ...opts.limit, ...guard }, async (req, reply) => {
    const product = await productOf(req);
    if (!product) return opts.notFound(reply);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values: Values = {};
    for (const f of FIELDS) if (typeof body[f] === "string") values[f] = body[f] as string;
    const token = issueFormToken(reply);
    const parsed = alertSchema(product, communeCodes).safeParse(values);
    if (!parsed.success) {
      const errors: Errors = {};
      for (const issue of parsed.error.issues) {
        const f = issue.path[0] as Field;
        if (FIELDS.includes(f) && !errors[f]) errors[f] = issue.message;
      }
      return opts.send(reply, 400, renderForm(t, { product, provinceCode: opts.provinceCode, token, values, errors }));
    }
    const d = parsed.data;
    const kept = await phoneAlerts(db).subscribe({ phone: d.phone, productId: product.id, communeCode: d.commune, maxPriceVnd: d.maxPrice, locale: "vi" });
    if (!kept) return opts.send(reply, 429, renderForm(t, { product, provinceCode: opts.provinceCode, token, values, notice: t("prices:webAlert.tooMany") }));
    const communeName = d.commune ? (listCommunes(opts.provinceCode).find((c) => c.code === d.commune)?.name ?? null) : null;
    return opts.send(reply, 200, renderDone(t, product, { phone: d.phone, communeName, maxPriceVnd: d.maxPrice }));
  });
}
