// @ts-check
// Mutation group "delivery": the outbox's delivery (send results, retries, the sweep, stopping),
// checked by its own test with a scripted channel and a real database. The engine group mutates it
// too, but there each surviving mutant runs the engine's end-to-end tests: hours, not minutes.
import { mutationGroup } from "./shared.stryker.mjs";

export default mutationGroup({ name: "delivery", mutate: ["src/engine/delivery.ts"] });
