// @ts-check
// Mutation group "engine-dedupe": only the lines of engine.ts that make an update seen twice give one
// reply (the update keys recorded first in a group's transaction, a duplicate's empty outcome, the
// failed turn recorded as handled, and what handleNow does for a turn that was not handled), checked
// by the engine's own database tests. A whole engine.ts run (engine.stryker.mjs) takes hours.
import { mutationGroup } from "./shared.stryker.mjs";

export default mutationGroup({
  name: "engine-dedupe",
  mutate: [
    "src/engine/engine.ts:233-242", // handleNow: listeners and delivery by outcome
    "src/engine/engine.ts:286-290", // runTurns: update keys first, a redelivery left out
    "src/engine/engine.ts:312-316", // runTurns: a duplicate's outcome
    "src/engine/engine.ts:363-375", // apologize: a failed turn recorded as handled
    "src/engine/turn-store.ts:29-37", // recordUpdates: the keys that were new
  ],
});
