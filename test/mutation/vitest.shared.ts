// The vitest configuration of a mutation group: the suite's own settings with the group's test files
// only. Stryker's vitest runner then forces one worker thread per runner process.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import base from "../../vitest.config.ts";

export function mutationTests(include: string[]) {
  // Spread, not mergeConfig: mergeConfig would append to the base include (test/**) instead of replacing it.
  return defineConfig({
    ...base,
    root: fileURLToPath(new URL("../..", import.meta.url)),
    test: { ...base.test, include },
  });
}
