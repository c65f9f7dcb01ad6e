// @ts-check
// Mutation group "engine": update dedupe, group commit, per-chat order, the outbox and delivery, and
// plain SQL on the hot path; checked by the engine's own tests against a real database and the fake
// Telegram server (each mutant runs only the tests that reach it).
import { mutationGroup } from "./shared.stryker.mjs";

export default mutationGroup({
  name: "engine",
  mutate: [
    "src/engine/engine.ts",
    "src/engine/group-commit.ts",
    "src/engine/turn-store.ts",
    "src/engine/delivery.ts",
    "src/engine/outbox.ts",
    "src/db/plain-sql.ts",
  ],
});
