// Order operations that start outside a chat (web shop pages, partner API, carriers, the clock):
// each one commits its change first, then tells the people concerned. Chat flows do the same through
// the engine's ctx.notify.
import type { Db } from "../db/client.ts";
import type { Logger } from "../log.ts";
import type { Notifier } from "./notify.ts";
import { notices } from "./order-notices.ts";
import { orders, type Carrier, type OrderView, type PickupStatus, type PlaceOrder, type PlaceResult } from "./orders.ts";

export interface OrderTiming {
  /** remind the household after this long without an answer */
  remindAfterMs: number;
  /** then give up and release the stock */
  expireAfterMs: number;
}

export const DEFAULT_ORDER_TIMING: OrderTiming = { remindAfterMs: 3 * 3600_000, expireAfterMs: 24 * 3600_000 };

export class OrderService {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly notifier: Notifier,
    private readonly log: Logger,
    readonly timing: OrderTiming = DEFAULT_ORDER_TIMING,
  ) {}

  /** Place an order (web form, partner API) and notify the household at once. */
  async place(input: Omit<PlaceOrder, "expireAfterMs">): Promise<PlaceResult> {
    const result = await this.db.$transaction((tx) => orders(tx).place({ ...input, expireAfterMs: this.timing.expireAfterMs }));
    if (result.ok) await this.notifyNew(result.order);
    return result;
  }

  async notifyNew(order: OrderView): Promise<void> {
    const reached = await this.notifier.household(order.shop.householdId, (t) => notices.newOrder(t, order));
    if (!reached) this.log.warn({ order: order.code }, "household could not be notified of a new order");
  }

  /** A carrier's status update: the order follows, household and buyer are told. */
  async carrierUpdate(pickupId: string, carrier: Carrier, status: Exclude<PickupStatus, "open">): Promise<OrderView | null> {
    const order = await this.db.$transaction((tx) => orders(tx).pickupUpdate(pickupId, carrier, status));
    if (order) {
      await this.notifier.household(order.shop.householdId, (t) => notices.statusForHousehold(t, order));
      await this.notifier.buyer(order, (t) => notices.buyer.status(t, order));
    }
    return order;
  }

  /** Reminders and expiries that are due. Safe with several instances: each transition happens once. */
  async tick(now = new Date()): Promise<{ reminded: number; expired: number }> {
    const reminded = await this.db.$transaction((tx) => orders(tx).remindDue(now, this.timing.remindAfterMs));
    for (const o of reminded) await this.notifier.household(o.shop.householdId, (t) => notices.reminder(t, o));
    const expired = await this.db.$transaction((tx) => orders(tx).expireDue(now));
    for (const o of expired) {
      await this.notifier.household(o.shop.householdId, (t) => notices.expiredForHousehold(t, o));
      await this.notifier.buyer(o, (t) => notices.buyer.expired(t, o));
    }
    return { reminded: reminded.length, expired: expired.length };
  }

  startTimer(everyMs = 60_000): void {
    this.timer = setInterval(() => {
      this.tick().catch((err) => this.log.error({ err }, "order reminders/expiry failed"));
    }, everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
