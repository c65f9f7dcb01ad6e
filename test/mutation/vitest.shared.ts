// The vitest configuration of a mutation group: the suite's own settings with the group's test files
// only. Stryker's vitest runner then forces one worker thread per runner process.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import base from "../../vitest.config.ts";

/**
 * Unit and database tests first, end-to-end tests (`*.e2e.test.ts`) last. Stryker stops a mutant's run
 * at its first failing test, so a mutant that a fast test kills no longer waits for the slow ones
 * (vitest's own order runs the longest files first).
 */
class FastFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const endToEnd = (f: TestSpecification) => f.moduleId.endsWith(".e2e.test.ts");
    return [...sorted.filter((f) => !endToEnd(f)), ...sorted.filter(endToEnd)];
  }
}

export function mutationTests(include: string[]) {
  // Spread, not mergeConfig: mergeConfig would append to the base include (test/**) instead of replacing it.
  return defineConfig({
    ...base,
    root: fileURLToPath(new URL("../..", import.meta.url)),
    test: { ...base.test, include, sequence: { sequencer: FastFirst } },
  });
}
