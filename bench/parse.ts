// Parser throughput on one core (Node runs this on a single thread), over the test corpora.
// `npm run bench:parse [-- --seconds 3]`. Target: at least 20.000 messages per second for each of
//   listings  parseListingSentence over the listing corpus (test/lang/corpus.json);
//   intents   understand() over the listing and intent corpora (test/lang/*corpus.json), which also
//             cuts several listings out of a message and parses each.
//
// Each: throughput over whole passes of its corpus (no timer around each call, so the timer does not
// weigh on the figure), then the latency of each call for p50/p99.

import { readFileSync } from "node:fs";
import { DEFAULT_CATALOG_PATH, loadCatalogFile } from "../src/lang/catalog-file.ts";
import { understand } from "../src/lang/intent.ts";
import { parseListingSentence } from "../src/lang/listing.ts";
import { compileCatalog } from "../src/lang/product.ts";

const TARGET_PER_SECOND = 20_000;
const secondsArg = process.argv.indexOf("--seconds");
const seconds = secondsArg >= 0 ? Number(process.argv[secondsArg + 1]) : 2;

const corpus = (name: string) =>
  (JSON.parse(readFileSync(new URL(`../test/lang/${name}`, import.meta.url), "utf8")) as { cases: { message: string }[] }).cases.map((c) => c.message);
const listings = corpus("corpus.json");
const intents = [...listings, ...corpus("intents.corpus.json"), ...corpus("intents-holdout.corpus.json"), ...corpus("intents-blind.corpus.json")];
const catalog = compileCatalog(loadCatalogFile(DEFAULT_CATALOG_PATH));

let sink = 0; // keeps the work observable so nothing is optimised away
const fmt = (n: number, digits = 1) => n.toLocaleString("en-US", { maximumFractionDigits: digits });

function bench(label: string, messages: readonly string[], run: (m: string) => void): boolean {
  // Warm up: let the JIT settle.
  for (let i = 0; i < 100; i++) for (const m of messages) run(m);

  let parsed = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() - start < budget) {
    for (const m of messages) run(m);
    parsed += messages.length;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  const perSecond = parsed / elapsed;

  const samples: number[] = [];
  for (let pass = 0; pass < 30; pass++) {
    for (const m of messages) {
      const t0 = process.hrtime.bigint();
      run(m);
      samples.push(Number(process.hrtime.bigint() - t0) / 1e3);
    }
  }
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))];
  const ok = perSecond >= TARGET_PER_SECOND;
  console.log(`${label}`);
  console.log(`  corpus:      ${messages.length} messages, ${parsed} parsed in ${fmt(elapsed, 2)} s`);
  console.log(`  throughput:  ${fmt(perSecond, 0)} msgs/s (target ${fmt(TARGET_PER_SECOND, 0)}) ${ok ? "OK" : "BELOW TARGET"}`);
  console.log(`  latency:     p50 ${fmt(pct(50), 2)} us, p99 ${fmt(pct(99), 2)} us, max ${fmt(samples[samples.length - 1], 2)} us`);
  return ok;
}

const listingsOk = bench("listings (parseListingSentence)", listings, (m) => {
  sink += parseListingSentence(m, catalog).unknown.length;
});
const intentsOk = bench("intents (understand)", intents, (m) => {
  sink += understand(m, catalog).items.length;
});
if (sink < 0) console.log(sink);
process.exitCode = listingsOk && intentsOk ? 0 : 1;
