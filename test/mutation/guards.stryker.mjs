// @ts-check
// Mutation group "guards": orders and stock, dashboard auth and scope; checked by the
// tests that run them against a real database and fake chat servers.
import { mutationGroup } from "./shared.stryker.mjs";

export default mutationGroup({
  name: "guards",
  mutate: [
    // orders and stock
    "src/core/orders.ts",
    "src/core/order-service.ts",
    "flows/orders.ts:35-42", // ownOrder: a household acts only on its own shop's orders
    // dashboard auth and scope
    "src/dashboard/auth.ts",
    "src/dashboard/scope.ts",
    // the engine (dedupe, group commit, outbox, delivery) has its own group: engine.stryker.mjs
  ],
});
