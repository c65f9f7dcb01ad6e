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

export function createServices(tx: Tx) {
  return {
    households: households(tx),
    accounts: accounts(tx),
    listings: listings(tx),
    orders: orders(tx),
    shipments: shipments(tx),
    payments: paymentState(tx),
    heldNotices: heldNotices(tx),
    prices: prices(tx),
    market: marketSample(tx),
    referencePrices: referencePrices(tx),
    priceAlerts: priceAlerts(tx),
    harvestCalendar: harvestCalendar(tx),
    crops: householdCrops(tx),
    officers: officers(tx),
    broadcasts: broadcasts(tx),
    announcementReplies: announcementReplies(tx),
    officerLogins: officerLogins(tx),
    dashboard: (scope: Scope, opts: { targetPercent: number; now?: Date }) => dashboardStats(tx, scope, opts),
  };
}

export type Services = ReturnType<typeof createServices>;
