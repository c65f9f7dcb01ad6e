// Tests are scripts, not people: the order caps per buyer phone (core/order-caps.ts) are off unless a
// test is about them (test/order-caps.test.ts), as the rate limits are.
import type { OrderCaps } from "../../src/core/order-caps.ts";

export const UNCAPPED: OrderCaps = { perShop: 1_000, total: 10_000, maxSharePercent: 100, floodAfter: 1_000, floodWindowMs: 600_000 };

export const CAPS_OFF_ENV: NodeJS.ProcessEnv = {
  ORDER_CAP_PER_SHOP: "1000",
  ORDER_CAP_TOTAL: "10000",
  ORDER_MAX_SHARE_PERCENT: "100",
  ORDER_FLOOD_AFTER: "1000",
};
