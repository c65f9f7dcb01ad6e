// @ts-check
// Mutation group "engine-dedupe-pg": the lines of engine-dedupe.stryker.mjs against the same tests on
// PostgreSQL. `merge-reports.mjs engine-dedupe engine-dedupe-pg` counts a mutant killed on either.
import { mutationGroup } from "./shared.stryker.mjs";
import dedupe from "./engine-dedupe.stryker.mjs";

export default mutationGroup({ name: "engine-dedupe-pg", mutate: /** @type {string[]} */ (dedupe.mutate) });
