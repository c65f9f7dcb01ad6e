// Mutation scores of one set of files measured by several runs (e.g. `db` on SQLite and `db-pg` on
// PostgreSQL, or line ranges of one file run apart): a mutant counts as killed when any run killed it
// (or timed out on it), since a branch of one database runs only under that database's tests. Per file: killed / (killed + survived + no
// coverage); mutants every run ignored (or that failed to run: runtime and compile errors) are left out,
// as Stryker does.
//   node test/mutation/merge-reports.mjs db db-pg        (reads reports/mutation/<name>.json)
import { readFileSync } from "node:fs";

const names = process.argv.slice(2).filter((a) => !a.startsWith("--"));
if (names.length === 0) throw new Error("usage: merge-reports.mjs <group> [<group> ...]");

const KILLED = new Set(["Killed", "Timeout"]);
/** not valid mutants (Stryker leaves them out of the score too) */
const INVALID = new Set(["Ignored", "RuntimeError", "CompileError"]);
/** @type {Map<string, Map<string, string[]>>} file -> mutant -> statuses, one per run */
const files = new Map();
for (const name of names) {
  const report = JSON.parse(readFileSync(`reports/mutation/${name}.json`, "utf8"));
  for (const [file, { mutants }] of Object.entries(report.files)) {
    if (!files.has(file)) files.set(file, new Map());
    const byMutant = files.get(file);
    for (const m of mutants) {
      const { start, end } = m.location;
      const key = `${start.line}:${start.column}-${end.line}:${end.column} ${m.mutatorName} ${m.replacement ?? ""}`;
      byMutant.set(key, [...(byMutant.get(key) ?? []), m.status]);
    }
  }
}

const rows = [];
for (const [file, byMutant] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
  const count = { killed: 0, survived: 0, noCoverage: 0, ignored: 0 };
  const left = [];
  for (const [key, statuses] of byMutant) {
    if (statuses.some((s) => KILLED.has(s))) count.killed++;
    else if (statuses.every((s) => INVALID.has(s))) count.ignored++;
    else if (statuses.includes("Survived")) (count.survived++, left.push(key));
    else (count.noCoverage++, left.push(key));
  }
  const valid = count.killed + count.survived + count.noCoverage;
  rows.push({ file, score: valid ? ((100 * count.killed) / valid).toFixed(1) : "n/a", ...count });
  if (process.argv.includes("--list") || process.env.LIST_SURVIVORS) for (const key of left) console.log(`  not killed: ${file}:${key}`);
}
console.table(rows);
