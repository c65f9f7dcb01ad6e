// Tests of mutation group "db-pg" (db-pg.stryker.mjs): those of group "db", on PostgreSQL. Set here,
// before vitest's global setup reads it (it migrates the PostgreSQL template then) and before its
// worker starts (which inherits it).
import { mutationTests } from "./vitest.shared.ts";
import db from "./vitest.db.ts";

process.env.TEST_DB = "postgres";

const config = mutationTests(db.test!.include!);
export default { ...config, test: { ...config.test, env: { ...config.test?.env, TEST_DB: "postgres" } } };
