// Tests of mutation group "engine-dedupe-pg" (engine-dedupe-pg.stryker.mjs): those of group
// "engine-dedupe", on PostgreSQL, where the tests with two instances on one database run (a conversation
// moved on by another instance, an update delivered to both, racing apologies). Set here, before
// vitest's global setup reads it and before its worker starts (which inherits it), as vitest.db-pg.ts.
import { mutationTests } from "./vitest.shared.ts";
import dedupe from "./vitest.engine-dedupe.ts";

process.env.TEST_DB = "postgres";

const config = mutationTests(dedupe.test!.include!);
export default { ...config, test: { ...config.test, env: { ...config.test?.env, TEST_DB: "postgres" } } };
