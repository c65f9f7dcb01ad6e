// Order operations that start outside a chat (web shop pages, partner API, carriers, the clock): the
// notices each one owes are written in the transaction of its change, and sent after the commit. Chat
// flows do the same through the engine's ctx.notify.
import type { Db, Tx } from "../db/client.ts";
import type { Logger } from "../log.ts";
import type { Notifier, Queued } from "./notify.ts";
import { DEFAULT_ORDER_CAPS, type OrderCaps } from "./order-caps.ts";
import { notices } from "./order-notices.ts";
import { paymentNotices } from "./payment-notices.ts";
import { paymentState } from "./payment-state.ts";
import { orders, type Carrier, type OrderView, type PickupStatus, type PlaceOrder, type PlaceResult } from "./orders.ts";
import { BackgroundPass } from "./background.ts";

export interface OrderTiming {
  /** remind the household after this long without an answer */
  remindAfterMs: number;
  /** then give up and release the stock */
  expireAfterMs: number;
  /** remind the household when the buyer said it paid this long ago and nothing was confirmed */
  payRemindAfterMs?: number;
}

export const DEFAULT_ORDER_TIMING: OrderTiming = { remindAfterMs: 3 * 3600_000, expireAfterMs: 24 * 3600_000, payRemindAfterMs: 24 * 3600_000 };

export class OrderService {
  private readonly clock = new BackgroundPass(() => this.tick(), (err) => this.log.error({ err }, "order reminders/expiry failed"));

  constructor(
    private readonly db: Db,
    private readonly notifier: Notifier,
    private readonly log: Logger,
    readonly timing: OrderTiming = DEFAULT_ORDER_TIMING,
    readonly caps: OrderCaps = DEFAULT_ORDER_CAPS,
  ) {}

  /** Place an order (web form, partner API) and notify the household at once. */
  async place(input: Omit<PlaceOrder, "expireAfterMs">): Promise<PlaceResult> {
    const { result, notice } = await this.db.$transaction(async (tx) => {
      const result = await orders(tx).place({ ...input, expireAfterMs: this.timing.expireAfterMs, caps: this.caps });
      return { result, notice: result.ok ? await this.queueNew(tx, result.order) : null };
    });
    if (result.ok) await this.deliverNew(result.order, notice);
    return result;
  }

  /**
   * In the order's own transaction: the household's notice of a new order (null: no chat reaches it,
   * or, during a flood, the order waits for the grouped notice of `tick`).
   */
  async queueNew(tx: Tx, order: OrderView): Promise<Queued | null> {
    if (!order.noticeAt) return [];
    return this.notifier.household(tx, order.shop.householdId, (t) => notices.newOrder(t, order));
  }

  /** After the order's commit: sends the notice written with it. */
  async deliverNew(order: OrderView, notice: Queued | null): Promise<void> {
    if (!notice) this.log.warn({ order: order.code }, "household could not be notified of a new order");
    await this.notifier.deliver([notice]);
  }

  /** A carrier's status update: the order follows, household and buyer are told. */
  async carrierUpdate(pickupId: string, carrier: Carrier, status: Exclude<PickupStatus, "open">): Promise<OrderView | null> {
    const { order, queued } = await this.db.$transaction(async (tx) => {
      let order = await orders(tx).pickupUpdate(pickupId, carrier, status);
      if (!order) return { order, queued: [] };
      // Delivered with the whole price collected on delivery: the post office has the money, the order is paid.
      if (status === "delivered" && order.pickup && order.pickup.codVnd >= order.totalVnd) order = (await paymentState(tx).codCollected(order.id, new Date())) ?? order;
      return { order, queued: [await this.notifier.household(tx, order.shop.householdId, (t) => notices.statusForHousehold(t, order)), await this.notifier.buyer(tx, order, (t) => notices.buyer.status(t, order))] };
    });
    await this.notifier.deliver(queued);
    return order;
  }

  /** A web or API buyer says it transferred (status page): the household is asked to check. Null when not possible now. */
  async buyerPaid(orderId: string, now = new Date()): Promise<OrderView | null> {
    const { order, queued } = await this.db.$transaction(async (tx) => {
      const order = await paymentState(tx).buyerPaid(orderId, now);
      return { order, queued: order ? [await this.notifier.household(tx, order.shop.householdId, (t) => paymentNotices.buyerPaid(t, order))] : [] };
    });
    await this.notifier.deliver(queued);
    return order;
  }

  /** Reminders and expiries that are due. Safe with several instances: each transition happens once. */
  async tick(now = new Date()): Promise<{ reminded: number; expired: number; grouped: number }> {
    // Orders held during a flood: one message per household, whatever their number.
    const grouped = await this.db.$transaction(async (tx) => {
      const byShop = await orders(tx).takeHeld(now);
      const queued = [];
      for (const list of byShop.values()) queued.push(await this.notifier.household(tx, list[0].shop.householdId, (t) => notices.grouped(t, list)));
      return { count: byShop.size, queued };
    });
    await this.notifier.deliver(grouped.queued);
    const reminded = await this.db.$transaction(async (tx) => {
      const due = await orders(tx).remindDue(now, this.timing.remindAfterMs);
      const queued = [];
      for (const o of due) queued.push(await this.notifier.household(tx, o.shop.householdId, (t) => notices.reminder(t, o)));
      return { count: due.length, queued };
    });
    await this.notifier.deliver(reminded.queued);
    const expired = await this.db.$transaction(async (tx) => {
      const due = await orders(tx).expireDue(now);
      const queued = [];
      for (const o of due) {
        queued.push(await this.notifier.household(tx, o.shop.householdId, (t) => notices.expiredForHousehold(t, o)));
        queued.push(await this.notifier.buyer(tx, o, (t) => notices.buyer.expired(t, o)));
      }
      return { count: due.length, queued };
    });
    await this.notifier.deliver(expired.queued);
    await this.remindPayments(now);
    return { reminded: reminded.count, expired: expired.count, grouped: grouped.count };
  }

  /** Part of tick: "the buyer says it paid" a day ago and the household has not answered. Returns how many were reminded. */
  async remindPayments(now = new Date()): Promise<number> {
    const { count, queued } = await this.db.$transaction(async (tx) => {
      const due = await paymentState(tx).remindDue(now, this.timing.payRemindAfterMs ?? DEFAULT_ORDER_TIMING.payRemindAfterMs!);
      const queued = [];
      for (const o of due) queued.push(await this.notifier.household(tx, o.shop.householdId, (t) => paymentNotices.reminder(t, o)));
      return { count: due.length, queued };
    });
    await this.notifier.deliver(queued);
    return count;
  }

  /** Runs tick() every `everyMs`; a run still going when the next is due is not doubled (a slow database would pile them up). */
  startTimer(everyMs = 60_000): void {
    this.clock.startTimer(everyMs);
  }

  /** Stops the timer; resolves once a run in progress has ended. */
  stop(): Promise<void> {
    return this.clock.stop();
  }
}
