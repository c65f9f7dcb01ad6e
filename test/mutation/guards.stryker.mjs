// @ts-check
// Mutation group "guards": orders and stock, dashboard auth and scope, engine dedupe; checked by the
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
    // engine: update dedupe (turn-store), per-chat order and flood allowance, group commit, version check
    "src/engine/engine.ts",
    "src/engine/group-commit.ts",
    "src/engine/turn-store.ts",
    "src/engine/delivery.ts",
    "src/engine/outbox.ts",
  ],
});
