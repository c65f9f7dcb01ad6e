// POST /api/v1/orders: a partner marketplace (Postmart, Vỏ Sò...) places an order for a listing on
// behalf of its buyer. The household is notified exactly as for an order from a shop page. Every call
// carries an Idempotency-Key: a repeat returns the first response and notifies nobody again.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { checkFreeText, checkPersonName } from "../../core/rules.ts";
import { orders, type OrderView, type PlaceResult } from "../../core/orders.ts";
import type { Db } from "../../db/client.ts";
import { parseVnMobile } from "../../lang/phone.ts";
import { isCountUnit } from "../../lang/quantity.ts";
import type { Logger } from "../../log.ts";
import type { OrderService } from "../../core/order-service.ts";
import { IDEMPOTENCY_KEY, idempotent, requestHash, type StoredResponse } from "./idempotency.ts";
import { apiError, invalidBody, type ApiClientAuth } from "./common.ts";

/** Largest quantity one order may ask for, in the listing's unit (100 tonnes of kg): far above any real order. */
export const MAX_ORDER_QUANTITY = 100_000;
export const ORDERS_BODY_LIMIT = 64 * 1024;
/**
 * Path of the buyer's order status page (served by the web pages, src/web/), followed by the order's
 * unguessable status token.
 */
export const ORDER_STATUS_PATH = "/don/";
/** An order code as shown to people ("DH7K2F9Q"). */
const ORDER_CODE = /^DH[0-9A-Z]{6}$/;

/**
 * Free text a person typed: NFC, spaces collapsed, no control characters and no markup (checkFreeText,
 * the same rule as the web order form). Control characters would break slips and CSV exports; < and >
 * are never part of an address and are refused rather than escaped.
 */
const freeText = (min: number, max: number) =>
  z.string().transform((raw, ctx) => {
    const r = checkFreeText(raw, min, max);
    if (r.ok) return r.value;
    const message = r.reason === "badChars" ? "must be plain text (no control characters, no < or >)" : `must be ${min}-${max} characters`;
    ctx.addIssue({ code: "custom", message });
    return z.NEVER;
  });

const NAME_PROBLEMS: Record<string, string> = {
  empty: "must not be empty",
  tooShort: "must have at least 2 letters",
  tooLong: "must be at most 60 characters",
  noLetters: "must contain letters",
  badChars: "may contain only letters, spaces, dots, apostrophes and hyphens",
};

const PHONE_PROBLEMS: Record<string, string> = {
  empty: "must not be empty",
  not_a_number: "is not a phone number",
  not_vietnamese: "must be a Vietnamese number",
  not_mobile: "must be a Vietnamese mobile number (e.g. 0912345678 or +84912345678)",
};

export const orderBody = z.object({
  listingId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be a listing id"),
  quantity: z
    .number()
    .positive()
    .max(MAX_ORDER_QUANTITY)
    // Stock is kept in thousandths of the unit (grams of a kg).
    .refine((q) => Math.abs(q * 1000 - Math.round(q * 1000)) < 1e-6, "must have at most 3 decimals"),
  buyer: z.object({
    name: z.string().transform((raw, ctx) => {
      const r = checkPersonName(raw);
      if (r.ok) return r.value;
      ctx.addIssue({ code: "custom", message: NAME_PROBLEMS[r.reason] });
      return z.NEVER;
    }),
    phone: z
      .string()
      .max(40, "is not a phone number")
      .transform((raw, ctx) => {
        const r = parseVnMobile(raw);
        if (r.ok) return r.e164;
        ctx.addIssue({ code: "custom", message: PHONE_PROBLEMS[r.reason] });
        return z.NEVER;
      }),
    address: freeText(5, 200),
    /** province or district, shown to the household before it accepts */
    area: freeText(2, 100),
  }),
  note: freeText(1, 500).optional(),
});

export type OrderBody = z.output<typeof orderBody>;

interface Deps {
  db: Db;
  orders: OrderService;
  log: Logger;
  publicUrl?: string;
  partner: ApiClientAuth;
}

/** The payment state partners and carriers see: unpaid | buyer_paid | paid, with times (ISO) and how it was paid. */
export function paymentJson(o: Pick<OrderView, "payment">) {
  const p = o.payment;
  return { state: p.state, buyerPaidAt: p.buyerPaidAt?.toISOString() ?? null, paidAt: p.paidAt?.toISOString() ?? null, paidBy: p.paidBy };
}

export function orderRoutes(api: FastifyInstance, deps: Deps): void {
  const statusUrl = (o: OrderView) => `${(deps.publicUrl ?? "").replace(/\/+$/, "")}${ORDER_STATUS_PATH}${o.statusToken}`;

  const orderJson = (o: OrderView) => ({
    id: o.id,
    code: o.code,
    status: o.status,
    statusUrl: statusUrl(o),
    listingId: o.listingId,
    title: o.title,
    quantity: o.quantity,
    unit: o.unit,
    unitPriceVnd: o.unitPriceVnd,
    totalVnd: o.totalVnd,
    expiresAt: o.expiresAt.toISOString(),
    payment: paymentJson(o),
  });

  const responseFor = (result: PlaceResult, unit: string | undefined): StoredResponse => {
    if (result.ok) return { status: 201, body: { order: orderJson(result.order) } };
    switch (result.reason) {
      case "not_found":
        return { status: 404, body: { error: "listing_not_found", message: "no such listing" } };
      case "not_available":
        return { status: 422, body: { error: "listing_not_available", message: "the listing is paused" } };
      case "not_enough":
        return {
          status: 409,
          body: { error: "not_enough_stock", message: "not enough stock left", availableQuantity: result.availableQuantity ?? 0, unit },
        };
      case "blocked":
        return { status: 403, body: { error: "buyer_blocked", message: "the shop does not take orders from this buyer phone" } };
      case "too_many_open":
        return { status: 429, body: { error: "too_many_open_orders", message: "this buyer phone holds too many unanswered orders" } };
    }
  };

  api.post("/orders", { bodyLimit: ORDERS_BODY_LIMIT, onRequest: deps.partner.hook }, async (request: FastifyRequest, reply: FastifyReply) => {
    const partner = deps.partner.client(request);
    const header = request.headers["idempotency-key"];
    const key = typeof header === "string" ? header.trim() : "";
    if (!key) return apiError(reply, 400, "idempotency_key_required", "send an Idempotency-Key header (1-200 printable characters)");
    if (!IDEMPOTENCY_KEY.test(key)) return apiError(reply, 400, "invalid_idempotency_key", "Idempotency-Key must be 1-200 printable ASCII characters");

    const parsed = orderBody.safeParse(request.body);
    if (!parsed.success) return invalidBody(reply, parsed.error.issues);
    const input = parsed.data;

    // A counted unit (quả, con...) is sold whole. The unit never changes, so this read may precede the order.
    const listing = await deps.db.listing.findUnique({ where: { id: input.listingId }, select: { unit: true } });
    if (listing && isCountUnit(listing.unit) && !Number.isInteger(input.quantity)) {
      return invalidBody(reply, [{ path: ["quantity"], message: `must be a whole number of ${listing.unit}` }]);
    }

    const outcome = await idempotent(deps.db, `${partner}:${key}`, requestHash(request.body), async (tx) => {
      let result = await orders(tx).place({
        listingId: input.listingId,
        quantity: input.quantity,
        buyer: input.buyer,
        buyerChannel: "api",
        buyerChatKey: null,
        source: `api:${partner}`,
        expireAfterMs: deps.orders.timing.expireAfterMs,
        caps: deps.orders.caps,
      });
      if (!result.ok && result.reason === "not_available") {
        // Sold out is "not enough stock" (none left), as for a buyer who lost the race a moment
        // earlier; 422 is for a listing that is paused.
        const now = await tx.listing.findUnique({ where: { id: input.listingId }, select: { status: true } });
        if (now?.status === "sold_out") result = { ok: false, reason: "not_enough", availableQuantity: 0 };
      }
      // The household's notice is owed from the same commit as the order.
      const extra = result.ok ? { order: result.order, notice: await deps.orders.queueNew(tx, result.order) } : null;
      return { response: responseFor(result, listing?.unit), extra };
    });

    if (outcome.kind === "conflict") {
      return apiError(reply, 409, "idempotency_key_reused", "this Idempotency-Key was used for a different request");
    }
    if (outcome.kind === "replay") {
      return reply.code(outcome.status).header("idempotent-replayed", "true").type("application/json; charset=utf-8").send(outcome.json);
    }
    if (outcome.extra) {
      const { order, notice } = outcome.extra;
      deps.log.info({ partner, order: order.code }, "partner order placed");
      // Committed: now tell the household (the same message as for a shop-page order).
      await deps.orders.deliverNew(order, notice);
    }
    return reply.code(outcome.response.status).send(outcome.response.body);
  });

  // The partner follows its own orders (status and payment state); another partner's order, or one
  // placed elsewhere, is 404 like an unknown code.
  api.get<{ Params: { code: string } }>("/orders/:code", { onRequest: deps.partner.hook }, async (request, reply) => {
    const partner = deps.partner.client(request);
    const code = request.params.code.trim().toUpperCase();
    const order = ORDER_CODE.test(code) ? await orders(deps.db).byCode(code) : null;
    if (!order || order.source !== `api:${partner}`) return apiError(reply, 404, "order_not_found", "no such order of this partner");
    return reply.send({ order: orderJson(order) });
  });
}
