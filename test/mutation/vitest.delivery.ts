// Tests of mutation group "delivery" (delivery.stryker.mjs).
import { mutationTests } from "./vitest.shared.ts";

export default mutationTests(["test/engine-delivery.test.ts"]);
