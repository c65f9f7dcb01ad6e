// The shipment worker and the tracking webhooks' effects (issue 21). Carrier calls never run inside a
// chat turn or a database transaction: a turn writes the request (Pickup.booking = quoting/booking/
// cancelling), this worker calls the carrier after the commit and writes the outcome with the notices
// it owes in one transaction. A row is claimed by a conditional update of its `nextTryAt` (a lease),
// so two instances never call the carrier for the same step at once; a crash between the carrier's
// answer and our commit only repeats the call, with the same order code as the reference, which the
// carrier refuses as a duplicate (or, for VNPost, finds by that code) — never a second shipment.
import type { Db, Tx } from "../db/client.ts";
import { BackgroundPass } from "./background.ts";
import { isUniqueViolation } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { queryRows } from "../db/plain-sql.ts";
import { getCommune, getProvince } from "../lang/communes.ts";
import type { Logger } from "../log.ts";
import { CarrierUnavailable, FINAL_RANK, TRACK_RANK, type BookRequest, type Carrier, type CarrierAdapter, type QuoteRequest, type TrackStep, type TrackingEvent } from "../carriers/port.ts";
import type { Notifier, Queued } from "./notify.ts";
import { orders, type OrderView } from "./orders.ts";
import { paymentState } from "./payment-state.ts";
import { splitArea } from "../carriers/areas.ts";
import { cancelOrder, type BookingState } from "./shipments-store.ts";
import { shipmentNotices as notice } from "./shipment-notices.ts";
import { tFor } from "../i18n/index.ts";

const LEASE_MS = 60_000;
const BATCH = 20;
/** quotes are retried a little, then the request goes to the post office by hand */
const MAX_QUOTE_TRIES = 3;
/** a booking still unanswered after this many tries (about 3 minutes) is reported to the household */
const SLOW_AFTER_TRIES = 4;
const backoffMs = (attempt: number) => Math.min(30 * 60_000, 1000 * 5 ** Math.min(attempt, 6));

export type CarrierSet = ReadonlyMap<Carrier, CarrierAdapter>;

interface Row {
  id: string;
  orderId: string;
  carrier: string;
  booking: string;
  weightGrams: number;
  codVnd: number;
  service: string | null;
  feeVnd: number | null;
  waybill: string | null;
  attempts: number;
  trackRank: number;
}

export class ShipmentService {
  private readonly worker = new BackgroundPass(() => this.tick(), (err) => this.log.error({ err }, "shipment worker failed"));

  constructor(
    private readonly db: Db,
    private readonly carriers: CarrierSet,
    private readonly notifier: Notifier,
    private readonly log: Logger,
    /** where the household's label pages are reached (links in its messages); none: no link */
    private readonly publicUrl?: string,
  ) {}

  /** How each carrier is reached in this deployment (the pickup flow offers quotes only for "api"). */
  modes(): Record<string, "api" | "manual"> {
    return Object.fromEntries([...this.carriers].map(([name, a]) => [name, a.mode]));
  }

  adapter(name: string): CarrierAdapter | undefined {
    return this.carriers.get(name as Carrier);
  }

  /** After a turn that may have asked for a quote, a booking or a cancel: work now, once at a time. */
  kick(): void {
    this.worker.kick();
  }

  /** Resolves once the current pass (if any) is over. */
  idle(): Promise<void> {
    return this.worker.idle();
  }

  startTimer(everyMs = 5000): void {
    this.worker.startTimer(everyMs);
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }

  /**
   * SQLite is one process: at its start, a step the previous run had claimed (its lease) belongs to
   * nobody, since that run is gone (a crash between the carrier's answer and our commit included). It is
   * tried again now rather than when the lease runs out, with the same order code, so a booking the
   * carrier did create comes back as a duplicate (or is found by that code): never a second shipment.
   * (On PostgreSQL other instances may hold leases: they run out instead.)
   */
  async reclaim(now = new Date()): Promise<number> {
    const where = { booking: { in: ["quoting", "booking", "cancelling"] }, nextTryAt: { gt: now } };
    // Read first: an UPDATE takes SQLite's write lock even when it matches nothing, and at start
    // another client of the file (a second app in one test process) may hold it inside a transaction,
    // which the driver's synchronous busy wait would then never let finish.
    if ((await this.db.pickup.count({ where })) === 0) return 0;
    const { count } = await this.db.pickup.updateMany({ where, data: { nextTryAt: now } });
    if (count > 0) this.log.info({ count }, "carrier steps of the previous run taken up again");
    return count;
  }

  /** One pass over the due rows; returns how many were worked on. */
  async tick(now = new Date()): Promise<number> {
    // Plain SQL: kicked after turns (every 250 ms in a burst), where Prisma's query compiler cost
    // about 1.4 ms of CPU a look that usually finds nothing.
    const due = await queryRows<{ id: string }>(
      this.db,
      Prisma.sql`SELECT "id" FROM "Pickup" WHERE "booking" IN ('quoting', 'booking', 'cancelling') AND "nextTryAt" <= ${now} ORDER BY "nextTryAt" ASC LIMIT ${BATCH}`,
    );
    let worked = 0;
    for (const { id } of due) {
      const claimed = await this.db.pickup.updateMany({
        where: { id, booking: { in: ["quoting", "booking", "cancelling"] }, nextTryAt: { lte: now } },
        data: { nextTryAt: new Date(now.getTime() + LEASE_MS) },
      });
      if (claimed.count === 0) continue;
      const row = (await this.db.pickup.findUnique({ where: { id } })) as Row | null;
      if (!row) continue;
      worked++;
      try {
        if (row.booking === "quoting") await this.quote(row, now);
        else if (row.booking === "booking") await this.book(row, now);
        else if (row.booking === "cancelling") await this.cancel(row, now);
      } catch (err) {
        // A bug or the database: the row is tried again after the backoff, never dropped.
        this.log.error({ err, pickup: id }, "shipment step failed");
        await this.retryLater(row, now);
      }
    }
    return worked;
  }

  private async retryLater(row: Row, now: Date) {
    await this.db.pickup.updateMany({ where: { id: row.id, booking: row.booking }, data: { attempts: { increment: 1 }, nextTryAt: new Date(now.getTime() + backoffMs(row.attempts)) } });
  }

  private async request(row: Row): Promise<{ order: OrderView; req: QuoteRequest }> {
    const order = (await orders(this.db).get(row.orderId))!;
    const household = await this.db.household.findUniqueOrThrow({ where: { id: order.shop.householdId }, select: { name: true, phone: true, provinceCode: true, communeCode: true } });
    const commune = getCommune(household.communeCode)?.name;
    const buyerArea = splitArea(order.buyerArea);
    const req: QuoteRequest = {
      from: { name: household.name, phone: household.phone, street: commune ?? "", province: getProvince(household.provinceCode)?.name ?? "", commune },
      to: { name: order.buyerName, phone: order.buyerPhone, street: order.buyerAddress, province: buyerArea.province, commune: buyerArea.commune },
      parcel: { weightGrams: Math.max(1, row.weightGrams), valueVnd: order.totalVnd, codVnd: row.codVnd, productName: order.title, quantity: order.quantity },
    };
    return { order, req };
  }

  /** Moves the row from its state (only if still there) and writes the notices, in one transaction. */
  private async settle(row: Row, data: Record<string, unknown>, notices: (tx: Tx, order: OrderView) => Promise<Array<Queued | null>>): Promise<boolean> {
    const queued = await this.db.$transaction(async (tx) => {
      const moved = await tx.pickup.updateMany({ where: { id: row.id, booking: row.booking }, data });
      if (moved.count === 0) return null;
      return notices(tx, (await orders(tx).get(row.orderId))!);
    });
    if (queued) await this.notifier.deliver(queued);
    return queued !== null;
  }

  /** No API (or no answer): the post office collects it as before; household and buyer are told. */
  private toManual(row: Row, reason: "no_quote" | "refused") {
    return this.settle(row, { booking: "manual" satisfies BookingState, nextTryAt: null }, async (tx, order) => [
      await this.notifier.household(tx, order.shop.householdId, (t) => notice.manual(t, order, reason, this.publicUrl)),
      await this.notifier.buyer(tx, order, (t) => notice.buyerBooked(t, order, null)),
    ]);
  }

  private async quote(row: Row, now: Date) {
    const adapter = this.carriers.get(row.carrier as Carrier);
    if (!adapter || adapter.mode === "manual") return this.toManual(row, "no_quote");
    const { req } = await this.request(row);
    let quotes;
    try {
      quotes = await adapter.quote(req);
    } catch (err) {
      this.log.warn({ err, pickup: row.id, carrier: row.carrier }, "carrier quote failed");
      if (err instanceof CarrierUnavailable && row.attempts + 1 < MAX_QUOTE_TRIES) return this.retryLater(row, now);
      return this.toManual(row, "no_quote");
    }
    if (quotes.length === 0) return this.toManual(row, "no_quote");
    const best = [...quotes].sort((a, b) => a.feeVnd - b.feeVnd).slice(0, 5);
    await this.settle(row, { booking: "quoted" satisfies BookingState, quotes: JSON.stringify(best), nextTryAt: null, attempts: 0 }, async (tx, order) => [
      await this.notifier.household(tx, order.shop.householdId, (t) => notice.quotes(t, order, row.id, best, row.weightGrams)),
    ]);
  }

  private async book(row: Row, now: Date) {
    const adapter = this.carriers.get(row.carrier as Carrier);
    if (!adapter || adapter.mode === "manual") return this.toManual(row, "refused");
    const { order, req } = await this.request(row);
    const booking: BookRequest = { ...req, reference: order.code, service: row.service ?? "" };
    let result;
    try {
      result = await adapter.book(booking);
    } catch (err) {
      // Timed out or unreachable: it may have been created. Tried again later with the same code.
      this.log.warn({ err, pickup: row.id, carrier: row.carrier, attempt: row.attempts + 1 }, "carrier booking unanswered; will retry with the same reference");
      if (row.attempts + 1 !== SLOW_AFTER_TRIES) return this.retryLater(row, now);
      // Minutes without an answer: the household hears that it is still being tried (once).
      return void (await this.settle(row, { attempts: { increment: 1 }, nextTryAt: new Date(now.getTime() + backoffMs(row.attempts)) }, async (tx, o) => [
        await this.notifier.household(tx, o.shop.householdId, (t) => notice.slow(t, o)),
      ]));
    }
    if (result.kind === "rejected") {
      this.log.warn({ pickup: row.id, carrier: row.carrier, message: result.message }, "carrier refused the booking");
      return this.toManual(row, "refused");
    }
    if (!result.waybill) {
      // The carrier has it (an earlier answer was lost): its webhook brings the waybill with our code.
      this.log.info({ pickup: row.id, carrier: row.carrier }, "booking already at the carrier; waiting for its webhook");
      return this.settle(row, { booking: "placed" satisfies BookingState, nextTryAt: null }, async () => []);
    }
    return this.booked(row, result.waybill);
  }

  private booked(row: Row, waybill: string) {
    return this.settle(row, { booking: "booked" satisfies BookingState, waybill, nextTryAt: null }, async (tx, order) => [
      await this.notifier.household(tx, order.shop.householdId, (t) => notice.booked(t, order, waybill, this.publicUrl)),
      await this.notifier.buyer(tx, order, (t) => notice.buyerBooked(t, order, waybill)),
    ]);
  }

  private async cancel(row: Row, now: Date) {
    const adapter = this.carriers.get(row.carrier as Carrier);
    let cancelled = true;
    if (adapter && adapter.mode === "api" && row.waybill) {
      try {
        cancelled = await adapter.cancel(row.waybill, tFor("vi")("shipping:cancelNote"));
      } catch (err) {
        this.log.warn({ err, pickup: row.id }, "carrier cancel unanswered; will retry");
        return this.retryLater(row, now);
      }
    }
    if (!cancelled) {
      return this.settle(row, { booking: "booked" satisfies BookingState, nextTryAt: null }, async (tx, order) => [
        await this.notifier.household(tx, order.shop.householdId, (t) => notice.cancelTooLate(t, order)),
      ]);
    }
    const queued = await this.db.$transaction(async (tx) => {
      const order = await cancelOrder(tx, row.orderId, row.id, "cancelling");
      if (!order) return null;
      return [
        await this.notifier.household(tx, order.shop.householdId, (t) => notice.cancelled(t, order)),
        await this.notifier.buyer(tx, order, (t) => notice.buyerCancelled(t, order)),
      ];
    });
    if (queued) await this.notifier.deliver(queued);
  }

  /**
   * A webhook's events: each kept once (eventKey), matched to its shipment by waybill (or by our order
   * code, which fills the waybill of a booking whose answer was lost). A step applies only if it ranks
   * at or above the current one and is not the same again; final states never move.
   */
  async track(
    carrier: Carrier,
    events: TrackingEvent[],
    now = new Date(),
    opts: { waitForSends?: boolean } = {},
  ): Promise<{ applied: number; duplicates: number; unknown: number }> {
    const stats = { applied: 0, duplicates: 0, unknown: 0 };
    for (const event of events) {
      const queued = await this.db.$transaction(async (tx) => {
        let pickup = (await tx.pickup.findUnique({ where: { carrier_waybill: { carrier, waybill: event.waybill } } })) as Row | null;
        if (!pickup && event.reference) {
          const byCode = await tx.pickup.findFirst({ where: { carrier, order: { code: event.reference.toUpperCase() }, booking: { in: ["booking", "placed"] } } });
          if (byCode) {
            await tx.pickup.update({ where: { id: byCode.id }, data: { waybill: event.waybill, booking: "booked", nextTryAt: null } });
            pickup = { ...(byCode as Row), waybill: event.waybill, booking: "booked" };
            const order = (await orders(tx).get(byCode.orderId))!;
            const q = [
              await this.notifier.household(tx, order.shop.householdId, (t) => notice.booked(t, order, event.waybill, this.publicUrl)),
              await this.notifier.buyer(tx, order, (t) => notice.buyerBooked(t, order, event.waybill)),
            ];
            return [...q, ...(await this.applyEvent(tx, carrier, pickup, event, now, stats))];
          }
        }
        if (!pickup) {
          stats.unknown++;
          return [];
        }
        return this.applyEvent(tx, carrier, pickup, event, now, stats);
      });
      // The notices are committed to the outbox: a webhook answers without waiting for the chats (a slow
      // platform must not make the carrier time out and retry); they go out in order, per chat.
      const sending = this.notifier.deliver(queued);
      if (opts.waitForSends === false) sending.catch((err: unknown) => this.log.warn({ err, carrier }, "carrier notices: delivery failed; the outbox keeps them"));
      else await sending;
    }
    return stats;
  }

  private async applyEvent(tx: Tx, carrier: Carrier, pickup: Row, event: TrackingEvent, now: Date, stats: { applied: number; duplicates: number }): Promise<Array<Queued | null>> {
    const eventKey = `${carrier}:${event.waybill}:${event.code}:${event.at.toISOString()}`;
    // Looked up before the insert: on PostgreSQL a failed insert would abort the transaction.
    if (await tx.carrierEvent.findUnique({ where: { eventKey }, select: { id: true } })) {
      stats.duplicates++;
      return [];
    }
    try {
      await tx.carrierEvent.create({ data: { eventKey, carrier, waybill: event.waybill, pickupId: pickup.id, code: event.code, step: null, at: event.at, receivedAt: now } });
    } catch (e) {
      if (isUniqueViolation(e)) {
        stats.duplicates++;
        return [];
      }
      throw e;
    }
    const step = event.step;
    if (!step || pickup.trackRank >= FINAL_RANK) return [];
    const rank = TRACK_RANK[step];
    if (rank < pickup.trackRank) return [];
    const moved = await tx.pickup.updateMany({
      // Never back, never the same step again, never past a final state (two webhook calls at once included).
      where: { id: pickup.id, trackRank: { lte: rank, lt: FINAL_RANK }, OR: [{ trackStep: null }, { trackStep: { not: step } }] },
      data: { trackStep: step, trackRank: rank },
    });
    if (moved.count === 0) return [];
    // Only an event that moved the shipment is a step of its journey (not a repeat, a late or a post-final one).
    await tx.carrierEvent.update({ where: { eventKey }, data: { step } });
    stats.applied++;
    return this.follow(tx, carrier, pickup, step);
  }

  /** The order follows the steps it has (picked up, delivered, returned); people hear what matters to them. */
  private async follow(tx: Tx, carrier: Carrier, pickup: Row, step: TrackStep): Promise<Array<Queued | null>> {
    if (step === "cancelled") {
      // The carrier dropped it (refused, or cancelled at our request): back to the post office by hand.
      await tx.pickup.updateMany({ where: { id: pickup.id, booking: { in: ["booked", "placed"] } }, data: { booking: "manual" } });
      const order = (await orders(tx).get(pickup.orderId))!;
      if (pickup.booking === "cancelling") return [];
      return [await this.notifier.household(tx, order.shop.householdId, (t) => notice.carrierDropped(t, order))];
    }
    const orderStep = step === "picked_up" || step === "delivered" || step === "returned" ? step : null;
    const moved = orderStep ? await orders(tx).pickupUpdate(pickup.id, carrier, orderStep) : null;
    let order = moved ?? (await orders(tx).get(pickup.orderId))!;
    // Delivered with the whole price to collect on delivery: the postman took the cash, the order is paid
    // (COD), only when the order really moved to delivered (not after a final state such as returned).
    if (moved && step === "delivered" && pickup.codVnd >= order.totalVnd) order = (await paymentState(tx).codCollected(order.id, new Date())) ?? order;
    const waybill = pickup.waybill ?? "";
    return [
      notice.householdHears(step) ? await this.notifier.household(tx, order.shop.householdId, (t) => notice.track(t, order, step, waybill)) : null,
      notice.buyerHears(step) ? await this.notifier.buyer(tx, order, (t) => notice.buyerTrack(t, order, step, waybill)) : null,
    ];
  }
}
