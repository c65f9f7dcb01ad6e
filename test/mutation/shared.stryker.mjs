// @ts-check
// Options shared by the two mutation groups (parsing.stryker.mjs, guards.stryker.mjs); see docs/testing.md.
// Paths are relative to the checkout root, where `npm run test:mutation` runs.

/**
 * @param {{ name: string; mutate: string[] }} group
 * @returns {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export function mutationGroup({ name, mutate }) {
  return {
    testRunner: "vitest",
    vitest: { configFile: `test/mutation/vitest.${name}.ts` },
    mutate,
    // Log lines are left out (see ignore-log-lines.mjs).
    plugins: ["@stryker-mutator/*", "./test/mutation/ignore-log-lines.mjs"],
    ignorers: ["log-lines"],
    coverageAnalysis: "perTest",
    // Code the end-to-end tests reach outside any test (module loading, beforeAll seeding, servers
    // still answering between tests) makes a mutant "static"; without this option each such mutant
    // would run every test file of the group. Mutants also covered by a test still run, against those
    // tests and activated from module load on; only mutants that no test covers are left out.
    ignoreStatic: true,
    // 2 cores: one vitest (itself one worker thread) per core.
    concurrency: 2,
    timeoutMS: 30_000,
    timeoutFactor: 3,
    dryRunTimeoutMinutes: 20,
    // Reuses earlier results for mutants whose code and covering tests did not change. The file stays
    // local (reports/ is git-ignored); `-- --force` runs everything again.
    incremental: true,
    incrementalFile: `reports/mutation/${name}-incremental.json`,
    reporters: ["clear-text", "progress", "html", "json"],
    htmlReporter: { fileName: `reports/mutation/${name}.html` },
    jsonReporter: { fileName: `reports/mutation/${name}.json` },
    clearTextReporter: { allowEmojis: false, logTests: false, reportScoreTable: true },
    thresholds: { high: 90, low: 80, break: null },
    ignorePatterns: [".tmp", "data", "media", "coverage", "test-results", "reports"],
    tempDirName: ".stryker-tmp",
    cleanTempDir: true,
  };
}
