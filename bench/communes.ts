// Commune search latency (`npm run bench:communes [-- --runs 20000]`): searchCommunes after the first
// call (which builds the province's index), over typical queries: exact, unit prefixes, a typo,
// nothing found, short and long names. Target: under 0.5 ms per call on one core.
import { searchCommunes } from "../src/lang/communes.ts";

const TARGET_MS = 0.5;
const LANG_SON = "20";
const runsArg = process.argv.indexOf("--runs");
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 20_000;
const queries = ["chi lang", "huyện hữu lũng", "chi lnag", "xyzxyz", "quy hoa", "tan", "thành phố lạng sơn"];

let sink = 0; // keeps the work observable so nothing is optimised away
const first = performance.now();
sink += searchCommunes(LANG_SON, "warm up").length;
const firstMs = performance.now() - first;
for (let i = 0; i < 2_000; i++) sink += searchCommunes(LANG_SON, queries[i % queries.length]).length; // let the JIT settle

const start = performance.now();
for (let i = 0; i < runs; i++) sink += searchCommunes(LANG_SON, queries[i % queries.length]).length;
const perCall = (performance.now() - start) / runs;

const latencies: number[] = [];
for (let i = 0; i < Math.min(runs, 5_000); i++) {
  const t0 = performance.now();
  sink += searchCommunes(LANG_SON, queries[i % queries.length]).length;
  latencies.push(performance.now() - t0);
}
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)];

console.log(`first call (builds the index): ${firstMs.toFixed(1)} ms`);
console.log(`per call:    ${perCall.toFixed(3)} ms over ${runs} calls (target < ${TARGET_MS} ms) ${perCall < TARGET_MS ? "OK" : "ABOVE TARGET"}`);
console.log(`p50 ${pct(50).toFixed(3)} ms, p99 ${pct(99).toFixed(3)} ms (${sink > 0 ? "results seen" : "no results?"})`);
if (perCall >= TARGET_MS) process.exitCode = 1;
