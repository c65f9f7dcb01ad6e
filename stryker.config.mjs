// @ts-check
// Mutation testing of the guards that matter (npm run test:mutation; see docs/testing.md).
// Not part of `npm test` or CI: a full run takes a while on a small machine.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.stryker.config.ts" },
  mutate: [
    // orders and stock
    "src/core/orders.ts",
    "src/core/order-service.ts",
    "flows/orders.ts:35-40", // ownOrder: a household acts only on its own shop's orders
    // dashboard auth
    "src/dashboard/auth.ts",
    "src/dashboard/scope.ts",
    // webhook and API secrets
    "src/http/secret.ts",
    "src/http/api/keys.ts",
    // price and quantity parsing
    "src/lang/price.ts",
    "src/lang/quantity.ts",
    "src/lang/numbers.ts",
    // engine: update dedupe, per-chat order, version check
    "src/engine/engine.ts",
  ],
  coverageAnalysis: "perTest",
  // Code the end-to-end tests reach outside any test (module loading, beforeAll seeding, servers still
  // answering between tests) makes a mutant "static"; without this option every such mutant would run
  // the whole selection (over a minute each). Mutants also covered by a test still run against those
  // tests, activated from module load on; only mutants no test covers at all are left out.
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 30_000,
  timeoutFactor: 3,
  dryRunTimeoutMinutes: 20,
  incremental: true,
  incrementalFile: "reports/stryker-incremental.json",
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 90, low: 80, break: null },
  ignorePatterns: [".tmp", "data", "media", "coverage", "test-results", "reports"],
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
};
