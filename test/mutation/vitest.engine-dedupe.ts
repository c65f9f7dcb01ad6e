// Tests of mutation group "engine-dedupe" (engine-dedupe.stryker.mjs).
import { mutationTests } from "./vitest.shared.ts";

export default mutationTests(["test/engine.test.ts", "test/group-commit.test.ts"]);
