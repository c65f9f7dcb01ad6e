// Tests of mutation group "parsing" (parsing.stryker.mjs): unit tests of the parsers and secrets.
import { mutationTests } from "./vitest.shared.ts";

export default mutationTests([
  "test/lang/numbers*.test.ts",
  "test/lang/quantity-price*.test.ts",
  "test/lang/listing-parse.test.ts",
  "test/lang/listing-properties.test.ts",
  "test/http-secret.test.ts",
  "test/api-keys.test.ts",
]);
