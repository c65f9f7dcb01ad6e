// @ts-check
// Mutation group "db-pg": the files of db.stryker.mjs against the same tests on PostgreSQL (their
// PostgreSQL branches never run on SQLite, and the reverse). A mutant of a branch of one database
// survives the other's run by nature: `merge-reports.mjs db db-pg` counts a mutant killed on either.
import { mutationGroup } from "./shared.stryker.mjs";
import db from "./db.stryker.mjs";

export default mutationGroup({ name: "db-pg", mutate: /** @type {string[]} */ (db.mutate) });
