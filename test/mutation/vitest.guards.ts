// Tests of mutation group "guards" (guards.stryker.mjs): orders, dashboard and engine against a real
// database and the fake chat servers.
import { mutationTests } from "./vitest.shared.ts";

export default mutationTests([
  "test/api-orders.test.ts",
  "test/api-carrier.test.ts",
  "test/orders*.test.ts",
  "test/dashboard*.test.ts",
  "test/engine*.test.ts",
  "test/group-commit.test.ts",
  "test/order-notices.test.ts",
  "test/telegram.e2e.test.ts",
  "test/zalo.e2e.test.ts",
  "test/web.test.ts",
]);
