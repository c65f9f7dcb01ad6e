// The test files StrykerJS runs against its mutants (see stryker.config.mjs and docs/testing.md): the
// ones that exercise orders and stock, dashboard auth, webhook/API secrets, price and quantity parsing
// and engine dedupe. The rest of the suite (broadcasts, Zalo client, browser, benchmarks' seeds) never
// reaches the mutated files or only through them, and would only make every mutant slower.
import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

// Spread, not mergeConfig: mergeConfig would append to the base include (test/**) instead of replacing it.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      "test/lang/numbers.test.ts",
      "test/lang/quantity-price.test.ts",
      "test/lang/listing-parse.test.ts",
      "test/lang/listing-properties.test.ts",
      "test/lang/*-mutation.test.ts",
      "test/secret.test.ts",
      "test/api-keys.test.ts",
      "test/api-orders.test.ts",
      "test/api-carrier.test.ts",
      "test/orders.e2e.test.ts",
      "test/orders-*.test.ts",
      "test/dashboard*.test.ts",
      "test/engine*.test.ts",
      "test/telegram.e2e.test.ts",
      "test/zalo.e2e.test.ts",
    ],
  },
});
