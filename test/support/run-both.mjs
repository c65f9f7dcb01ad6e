// `npm test`'s two suites, SQLite and PostgreSQL, side by side: vitest runs one test file at a time on
// a 2-core machine (its default: cores - 1 workers), and most of a file's time is spent waiting on
// fakes and the database, so the two suites together take little longer than the slower one alone.
// Each line is prefixed with its suite; the exit code is non-zero if either suite failed.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

const suites = [
  { name: "sqlite", env: {} },
  { name: "pg", env: { TEST_DB: "postgres" } },
];

const codes = await Promise.all(
  suites.map(
    ({ name, env }) =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, ["node_modules/vitest/vitest.mjs", "run", ...process.argv.slice(2)], {
          env: { ...process.env, ...env },
          stdio: ["ignore", "pipe", "pipe"],
        });
        for (const stream of [child.stdout, child.stderr]) {
          createInterface({ input: stream }).on("line", (line) => process.stdout.write(`[${name}] ${line}\n`));
        }
        child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
      }),
  ),
);
suites.forEach((s, i) => console.log(`${s.name}: ${codes[i] === 0 ? "passed" : "FAILED"}`));
process.exit(codes.some((c) => c !== 0) ? 1 : 0);
