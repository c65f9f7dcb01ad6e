// @ts-check
// Mutation group "db": plain SQL on the hot path and the transaction scope it relies on, checked on
// SQLite by their own tests (fast: no end-to-end test). Their PostgreSQL branches are measured by
// db-pg.stryker.mjs, the same files against the same tests on PostgreSQL.
import { mutationGroup } from "./shared.stryker.mjs";

export default mutationGroup({
  name: "db",
  mutate: ["src/db/plain-sql.ts", "src/db/plain-sql-pg.ts", "src/db/transaction-scope.ts", "src/db/insert-later.ts"],
});
