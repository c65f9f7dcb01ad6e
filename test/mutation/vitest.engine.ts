// Tests of mutation group "engine" (engine.stryker.mjs).
import { mutationTests } from "./vitest.shared.ts";

export default mutationTests([
  "test/engine*.test.ts",
  "test/group-commit.test.ts",
  "test/plain-sql.test.ts",
  "test/order-notices.test.ts",
  "test/chat-order.e2e.test.ts",
  "test/reply-429.e2e.test.ts",
  "test/telegram.e2e.test.ts",
]);
