// GET /nhan/:token — the household's printable label for one pickup (issue 21). The token is the only
// key and is sent only in the household's own messages, because the label carries the buyer's phone and
// address. A shipment booked with a carrier that prints labels (Viettel Post) is sent on to the
// carrier's own label, a fresh short-lived link each time; otherwise (the manual carrier, VNPost whose
// label export is undocumented, or a carrier that does not answer) Chợ Số draws the label itself.
import type { FastifyInstance, FastifyReply, RouteShorthandOptions } from "fastify";
import type { CarrierSet } from "../core/shipments.ts";
import type { Db } from "../db/client.ts";
import type { Logger } from "../log.ts";
import { getCommune, getProvince } from "../lang/communes.ts";
import { formatVnPhone } from "../lang/phone.ts";
import { formatPrice } from "../lang/price.ts";
import { formatQuantity } from "../lang/quantity.ts";
import { fromMilli } from "../core/listings.ts";
import { html, raw } from "./html.ts";
import { page } from "./layout.ts";
import { LINK_TOKEN } from "./link-token.ts";
import type { Translate } from "./texts.ts";

const PRINT_CSS = raw("<style>.label{border:2px solid #1d2a1f;border-radius:6px;padding:.8rem;background:#fff}.label .big{font-size:1.5rem;font-weight:700;letter-spacing:.05em}.label h2{margin-top:.6rem}@media print{header,footer,.noprint{display:none}body{background:#fff}}</style>");

export interface LabelPageOptions {
  db: Db;
  carriers?: CarrierSet;
  log: Logger;
  t: Translate;
  limit?: RouteShorthandOptions;
  send: (reply: FastifyReply, status: number, body: string) => FastifyReply;
  notFound: (reply: FastifyReply) => FastifyReply;
}

export function registerLabelPage(app: FastifyInstance, opts: LabelPageOptions): void {
  const { db, t } = opts;
  app.get<{ Params: { token: string } }>("/nhan/:token", opts.limit ?? {}, async (req, reply) => {
    const pickup = LINK_TOKEN.test(req.params.token)
      ? await db.pickup.findUnique({
          where: { labelToken: req.params.token },
          include: {
            order: {
              include: {
                listing: { select: { title: true, unit: true } },
                shop: { select: { household: { select: { name: true, phone: true, communeCode: true, provinceCode: true } } } },
              },
            },
          },
        })
      : null;
    if (!pickup) return opts.notFound(reply);
    reply.header("x-robots-tag", "noindex");
    // Booked through the carrier's API: its own label, if it gives one now (asked outside any transaction).
    const adapter = opts.carriers?.get(pickup.carrier as never);
    if (pickup.waybill && adapter?.mode === "api" && adapter.labelLink && pickup.booking === "booked") {
      const link = await adapter.labelLink(pickup.waybill).catch((err: unknown) => {
        opts.log.warn({ err, carrier: pickup.carrier }, "carrier label link failed; drawing our own");
        return null;
      });
      if (link) return reply.code(302).header("location", link).header("cache-control", "no-store").header("referrer-policy", "no-referrer").send();
    }
    const o = pickup.order;
    const h = o.shop.household;
    const place = (commune: string | undefined, province: string | undefined) => [commune, province].filter(Boolean).join(", ");
    const body = html`<div class="label"><div>${t("web:label.carrier", { carrier: t(`orders:carrier.${pickup.carrier}`) })}</div>${
      pickup.waybill ? html`<div class="big">${t("web:label.waybill", { waybill: pickup.waybill })}</div>` : html`<div class="big">${o.code}</div><div>${t("web:label.noWaybill", { code: o.code })}</div>`
    }<h2>${t("web:label.to")}</h2><div><strong>${o.buyerName}</strong> · ${formatVnPhone(o.buyerPhone)}</div><div>${o.buyerAddress}, ${o.buyerArea}</div><h2>${t("web:label.from")}</h2><div><strong>${h.name}</strong> · ${formatVnPhone(
      h.phone,
    )}</div><div>${place(getCommune(h.communeCode)?.name, getProvince(h.provinceCode)?.name)}</div><h2>${t("web:label.goods", {
      quantity: formatQuantity({ value: fromMilli(o.quantityMilli), unit: o.listing.unit }),
      title: o.listing.title,
    })}</h2><div>${t("web:label.weight", { weight: formatQuantity({ value: pickup.weightGrams / 1000, unit: "kg" }) })}</div><div class="big">${
      pickup.codVnd > 0 ? t("web:label.cod", { cod: formatPrice({ vnd: pickup.codVnd, per: null }) }) : t("web:label.noCod")
    }</div><div class="muted">${t("web:label.order", { code: o.code })}</div></div><p class="muted noprint">${t("web:label.print")}</p>`;
    reply.header("cache-control", "no-store");
    return opts.send(reply, 200, page({ t, title: t("web:label.title", { code: o.code }), body, head: PRINT_CSS }));
  });
}
