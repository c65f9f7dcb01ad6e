// @ts-check
// Mutation group "parsing": pure code, checked by the unit tests only (fast; the end-to-end tests reach
// this code too, but running them for every mutant of the parsers would take hours on 2 cores).
import { mutationGroup } from "./shared.stryker.mjs";

export default mutationGroup({
  name: "parsing",
  mutate: [
    // price and quantity parsing
    "src/lang/price.ts",
    "src/lang/quantity.ts",
    "src/lang/numbers.ts",
    // webhook and API secrets
    "src/http/secret.ts",
    "src/http/api/keys.ts",
    "src/api-keys.ts",
  ],
});
