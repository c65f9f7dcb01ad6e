// The carriers' API (Viettel Post, Vietnam Post): each carrier, identified by its API key, lists its
// open pickup requests with what a postman needs, and reports progress (picked up, delivered,
// returned), which moves the order on and tells the household and the buyer. Post offices without an
// integration download the open pickups of a commune as CSV.
//
// A carrier sees only its own pickups: they carry the buyer's name, phone and address, which only the
// carrier that delivers needs (Decree 13/2023 on personal data).
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Carrier, PickupStatus } from "../../core/orders.ts";
import { orders } from "../../core/orders.ts";
import type { OrderService } from "../../core/order-service.ts";
import type { Db } from "../../db/client.ts";
import { tFor } from "../../i18n/index.ts";
import { getCommune } from "../../lang/communes.ts";
import { formatVnPhone } from "../../lang/phone.ts";
import { formatQuantity } from "../../lang/quantity.ts";
import { fromMilli } from "../../core/listings.ts";
import { apiError, invalidBody, type ApiClientAuth } from "./common.ts";
import { csvDocument } from "./csv.ts";
import { paymentJson } from "./orders.ts";

interface Deps {
  db: Db;
  orders: OrderService;
  carrier: ApiClientAuth;
}

export interface PickupForCarrier {
  id: string;
  status: PickupStatus;
  carrier: Carrier;
  orderCode: string;
  createdAt: string;
  weightGrams: number;
  codVnd: number;
  product: { title: string; quantity: number; unit: string };
  sender: { name: string; shopName: string; phone: string; commune: { code: string; name: string | null } };
  buyer: { name: string; phone: string; address: string; area: string };
  /** unpaid | buyer_paid | paid: whether the cash on delivery is still owed */
  payment: { state: string };
}

const statusBody = z.object({ status: z.enum(["picked_up", "delivered", "returned"]) });
const pickupId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** Open pickups of one carrier (optionally of one commune), oldest first, in the API's shape. */
async function openPickupsOf(db: Db, carrier: Carrier, communeCode?: string): Promise<PickupForCarrier[]> {
  const rows = await orders(db).openPickups({ carrier, communeCode });
  if (rows.length === 0) return [];
  // openPickups does not select the buyer's area nor the quantity: one more query for all rows.
  const extra = await db.order.findMany({
    where: { id: { in: rows.map((r) => r.orderId) } },
    select: { id: true, buyerArea: true, quantityMilli: true, payState: true, listing: { select: { unit: true } } },
  });
  const byOrder = new Map(extra.map((o) => [o.id, o]));
  return rows.map((r) => {
    const more = byOrder.get(r.orderId);
    const household = r.order.shop.household;
    return {
      id: r.id,
      status: r.status as PickupStatus,
      carrier: r.carrier as Carrier,
      orderCode: r.order.code,
      createdAt: r.createdAt.toISOString(),
      weightGrams: r.weightGrams,
      codVnd: r.codVnd,
      product: { title: r.order.listing.title, quantity: fromMilli(more?.quantityMilli ?? 0), unit: more?.listing.unit ?? "" },
      sender: {
        name: household.name,
        shopName: r.order.shop.name,
        phone: household.phone,
        commune: { code: r.communeCode, name: getCommune(r.communeCode)?.name ?? null },
      },
      buyer: { name: r.order.buyerName, phone: r.order.buyerPhone, address: r.order.buyerAddress, area: more?.buyerArea ?? "" },
      payment: { state: more?.payState ?? "unpaid" },
    };
  });
}

const LOCAL_TIME = new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Ho_Chi_Minh", dateStyle: "short", timeStyle: "short" });

const CSV_COLUMNS = [
  "pickupId",
  "orderCode",
  "carrier",
  "createdAt",
  "commune",
  "communeCode",
  "senderName",
  "shopName",
  "senderPhone",
  "product",
  "quantity",
  "weightGrams",
  "codVnd",
  "buyerName",
  "buyerPhone",
  "buyerAddress",
  "buyerArea",
] as const;

export function pickupsCsv(pickups: PickupForCarrier[], locale = "vi"): string {
  const t = tFor(locale);
  const header = CSV_COLUMNS.map((c) => t(`pickups:csv.${c}`));
  const rows = pickups.map((p) => [
    p.id,
    p.orderCode,
    t(`orders:carrier.${p.carrier}`),
    LOCAL_TIME.format(new Date(p.createdAt)),
    p.sender.commune.name ?? "",
    p.sender.commune.code,
    p.sender.name,
    p.sender.shopName,
    // 0912 345 678: a spreadsheet keeps it as text (a bare +84... or 0912... would become a number).
    formatVnPhone(p.sender.phone),
    p.product.title,
    formatQuantity({ value: p.product.quantity, unit: p.product.unit }),
    p.weightGrams,
    p.codVnd,
    p.buyer.name,
    formatVnPhone(p.buyer.phone),
    p.buyer.address,
    p.buyer.area,
  ]);
  return csvDocument(header, rows);
}

export function carrierRoutes(api: FastifyInstance, deps: Deps): void {
  const carrierOf = (request: Parameters<ApiClientAuth["client"]>[0]) => deps.carrier.client(request) as Carrier;

  api.get<{ Querystring: { status?: string } }>("/carrier/pickups", { onRequest: deps.carrier.hook }, async (request, reply) => {
    const status = request.query.status ?? "open";
    if (status !== "open") {
      return apiError(reply, 400, "invalid_query", "status: only open pickups can be listed", { field: "status" });
    }
    return { pickups: await openPickupsOf(deps.db, carrierOf(request)) };
  });

  api.post<{ Params: { id: string } }>(
    "/carrier/pickups/:id/status",
    { onRequest: deps.carrier.hook, bodyLimit: 4 * 1024 },
    async (request, reply) => {
      const carrier = carrierOf(request);
      const parsed = statusBody.safeParse(request.body);
      if (!parsed.success) return invalidBody(reply, parsed.error.issues);
      const wanted = parsed.data.status;
      const id = request.params.id;
      const current = pickupId.safeParse(id).success
        ? await deps.db.pickup.findUnique({ where: { id }, select: { carrier: true, status: true } })
        : null;
      // Another carrier's pickup is "not found", so ids of others' pickups cannot be probed.
      if (!current || current.carrier !== carrier) return apiError(reply, 404, "pickup_not_found", "no such pickup for this carrier");
      // A retry of an update that already happened (e.g. after a timeout) changes and tells nothing.
      if (current.status === wanted) {
        const order = await deps.db.pickup.findUnique({ where: { id }, select: { order: { select: { code: true, status: true, payState: true } } } });
        const o = order?.order;
        return { pickup: { id, status: wanted }, order: o ? { code: o.code, status: o.status, payment: { state: o.payState } } : null, changed: false };
      }
      const order = await deps.orders.carrierUpdate(id, carrier, wanted);
      if (order) return { pickup: { id, status: wanted }, order: { code: order.code, status: order.status, payment: paymentJson(order) }, changed: true };
      const after = await deps.db.pickup.findUnique({ where: { id }, select: { status: true, order: { select: { code: true, status: true } } } });
      if (after?.status === wanted) {
        // The pickup moved but its order was no longer in a state that follows (e.g. cancelled meanwhile).
        return { pickup: { id, status: wanted }, order: after.order, changed: true };
      }
      return apiError(reply, 409, "transition_not_allowed", `a pickup that is ${after?.status ?? current.status} cannot become ${wanted}`, {
        status: after?.status ?? current.status,
      });
    },
  );

  api.get<{ Querystring: { commune?: string; lang?: string } }>("/pickups.csv", { onRequest: deps.carrier.hook }, async (request, reply) => {
    const commune = request.query.commune ?? "";
    if (!/^\d{5}$/.test(commune)) {
      return apiError(reply, 400, "invalid_query", "commune: a 5-digit commune code is required, e.g. ?commune=06463", { field: "commune" });
    }
    if (!getCommune(commune)) return apiError(reply, 400, "invalid_query", "commune: unknown commune code", { field: "commune" });
    const pickups = await openPickupsOf(deps.db, carrierOf(request), commune);
    const stamp = LOCAL_TIME.format(new Date()).slice(0, 10).replace(/-/g, "");
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="pickups-${commune}-${stamp}.csv"`)
      .header("cache-control", "no-store")
      .send(pickupsCsv(pickups, request.query.lang === "en" ? "en" : "vi"));
  });
}
