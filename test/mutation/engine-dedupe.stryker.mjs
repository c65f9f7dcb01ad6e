// @ts-check
// Mutation group "engine-dedupe": only the lines of engine.ts that make an update seen twice give one
// reply (the update keys recorded first in a group's transaction, a duplicate's empty outcome, the
// failed turn recorded as handled, and what handleNow does for a turn that was not handled) and that
// never advance a conversation twice from one state (the version check of the group's writes), checked
// by the engine's own database tests. A whole engine.ts run (engine.stryker.mjs) takes hours.
import { mutationGroup } from "./shared.stryker.mjs";

export default mutationGroup({
  name: "engine-dedupe",
  mutate: [
    "src/engine/engine.ts:231-237", // handleNow: listeners and delivery by outcome
    "src/engine/engine.ts:284-288", // runTurns: update keys first, a redelivery left out
    "src/engine/engine.ts:296-307", // runTurns: the conversations written after the turns
    "src/engine/engine.ts:311-315", // runTurns: a duplicate's outcome
    "src/engine/engine.ts:348-354", // save: a conversation moved on meanwhile is a conflict
    "src/engine/engine.ts:360-369", // apologize: a failed turn recorded as handled, once
    "src/engine/turn-store.ts:29-37", // recordUpdates: the keys that were new
    "src/engine/turn-store.ts:64-92", // saveConversations, existingConversations: the version check
  ],
});
