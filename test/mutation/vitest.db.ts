// Tests of mutation group "db" (db.stryker.mjs and, on PostgreSQL, db-pg.stryker.mjs).
import { mutationTests } from "./vitest.shared.ts";

export default mutationTests(["test/plain-sql.test.ts", "test/transaction-scope.test.ts", "test/insert-later.test.ts"]);
