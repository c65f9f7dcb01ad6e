// Domain services bound to one database client or transaction. Flows, web routes and the admin CLI
// all go through these, never through Prisma directly.
import type { Tx } from "../db/client.ts";
import { accounts } from "./accounts.ts";
import { households } from "./households.ts";
import { listings } from "./listings.ts";
import { broadcasts } from "../broadcast/store.ts";
import { officers } from "../broadcast/officers.ts";
import { announcementReplies } from "../broadcast/replies.ts";
import { orders } from "./orders.ts";
import { shipments } from "./shipments-store.ts";
import { paymentState } from "./payment-state.ts";
import { heldNotices } from "./held-notices.ts";
import { prices } from "./prices.ts";
import { marketSample } from "./market-sample.ts";
import { referencePrices } from "./reference-prices.ts";
import { priceAlerts } from "./price-alerts.ts";
import { harvestCalendar } from "./harvest-calendar.ts";
import { householdCrops } from "./household-crops.ts";
import { officerLogins } from "../dashboard/auth.ts";
import { dashboardStats } from "../dashboard/stats.ts";
import type { Scope } from "../broadcast/store.ts";

/**
 * The services of `tx`, each made when first used: the engine makes a set per turn, and a turn uses one
 * or two of them (making all of them was thousands of closures a second in a burst).
 */
export function createServices(tx: Tx) {
  const made = new Map<unknown, unknown>();
  const once = <T>(make: (tx: Tx) => T): T => {
    let service = made.get(make) as T | undefined;
    if (service === undefined) made.set(make, (service = make(tx)));
    return service;
  };
  return {
    get households() { return once(households); },
    get accounts() { return once(accounts); },
    get listings() { return once(listings); },
    get orders() { return once(orders); },
    get shipments() { return once(shipments); },
    get payments() { return once(paymentState); },
    get heldNotices() { return once(heldNotices); },
    get prices() { return once(prices); },
    get market() { return once(marketSample); },
    get referencePrices() { return once(referencePrices); },
    get priceAlerts() { return once(priceAlerts); },
    get harvestCalendar() { return once(harvestCalendar); },
    get crops() { return once(householdCrops); },
    get officers() { return once(officers); },
    get broadcasts() { return once(broadcasts); },
    get announcementReplies() { return once(announcementReplies); },
    get officerLogins() { return once(officerLogins); },
    dashboard: (scope: Scope, opts: { targetPercent: number; now?: Date }) => dashboardStats(tx, scope, opts),
  };
}

export type Services = ReturnType<typeof createServices>;
