// Officer dashboard page time (`npm run bench:dashboard [-- --households N --requests N --warmup N --pg --reuse --database NAME --only WORD --skip WORD --full --big-commune N --csv-requests N]`).
// Targets: SQLite with 200,000 households p99 < 200 ms; PostgreSQL with 2,000,000 households p99 < 1 s.
//
// A database is filled by `npm run seed:demo` (run as a child process, timed): a fresh SQLite file in a
// temporary folder, or with --pg the scratch PostgreSQL database `cho_so_bench` (dropped and created on
// BENCH_PG_URL, default postgresql://postgres@127.0.0.1:5432; --reuse keeps it when it already holds
// exactly that many demo households, to skip the long seed when measuring again; on SQLite --reuse keeps
// the file in the temporary folder, cho-so-bench-<database>-<households>.db; --database names another
// scratch database, so that two worktrees measuring at once do not drop each other's). Then the real app
// runs in this process; a province-wide officer and a commune officer get sessions as after a login,
// and each round requests a page over real HTTP on loopback (kept-alive connection, sequential, as a
// browser asks: gzip accepted), after warm-up requests.
//
// Rounds: the dashboard is computed for every request (a second server without the figures cache: the
// cost after any change, e.g. a household registering) and served with the cache (nothing changed
// since the last request); for the whole province, for a commune officer, filtered to one commune;
// and the CSV exports. The target applies to every page round; the households CSV (every household of
// the scope, a download) is measured with a few requests and reported only (province-wide on PostgreSQL
// only with --full: minutes per request at 2,000,000 rows). --only WORD runs just the rounds whose name
// holds WORD (e.g. `--only ho.csv`), --skip WORD all but those.
import "../src/timezone.ts";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { Agent, get as httpGet } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import pino from "pino";
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { officerSessions, SESSION_COOKIE } from "../src/dashboard/auth.ts";
import { fixTallies, verifyTallies } from "../src/dashboard/tallies.ts";
import { createDb } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { registerWeb } from "../src/web/index.ts";
import { pgAdmin, pgDatabaseUrl } from "./pg-server.ts";

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const arg = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(String(argv[i + 1]).replace(/[_,]/g, "")) : fallback;
};
const POSTGRES = flag("pg");
const HOUSEHOLDS = arg("households", POSTGRES ? 2_000_000 : 200_000);
const REQUESTS = arg("requests", 200);
const WARMUP = arg("warmup", 10);
const TARGET_P99_MS = POSTGRES ? 1000 : 200;
const TARGET_LABEL = POSTGRES ? "PostgreSQL 2,000,000 households: p99 < 1 s" : "SQLite 200,000 households: p99 < 200 ms";
const argOf = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const PG_DATABASE = argOf("database") ?? "cho_so_bench";
if (!/^[a-z_][a-z0-9_]*$/.test(PG_DATABASE)) throw new Error(`--database: ${PG_DATABASE} is not a plain database name`);
const ONLY = argOf("only");
const SKIP = argOf("skip");
const BIG_COMMUNE = arg("big-commune", 0);
const n = (x: number) => x.toLocaleString("en");

/** `npm run seed:demo` in a child process (its memory and garbage stay out of the measured server). */
async function seed(url: string): Promise<{ seconds: number; summary: string }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", resolve("src/admin/demo-seed.ts"), "--households", String(HOUSEHOLDS), "--force"], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => {
    out += c;
    process.stdout.write(c);
  });
  const code = await new Promise<number | null>((r) => child.once("exit", r));
  if (code !== 0) throw new Error(`seed:demo failed (exit ${code})`);
  return { seconds: (performance.now() - t0) / 1000, summary: out.split("\n").find((l) => l.startsWith("Seeded")) ?? "" };
}

async function prepareDatabase(dir: string): Promise<{ url: string; seeded: string }> {
  if (!POSTGRES) {
    // --reuse: a file kept in the temporary folder between runs (named after --database and the count).
    const file = flag("reuse") ? join(tmpdir(), `cho-so-bench-${PG_DATABASE}-${HOUSEHOLDS}.db`) : join(dir, "dashboard.db");
    const url = `file:${file}`;
    if (flag("reuse") && existsSync(file)) {
      await migrate(url);
      const db = createDb(url);
      try {
        const [demo, real] = await Promise.all([db.household.count({ where: { demo: true } }), db.household.count({ where: { demo: false } })]);
        if (demo === HOUSEHOLDS && real === 0) return { url, seeded: `reused ${file} (${n(demo)} demo households seeded by an earlier run)` };
      } finally {
        await db.$disconnect();
      }
      for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    }
    await migrate(url);
    const s = await seed(url);
    return { url, seeded: `seed:demo ${s.seconds.toFixed(1)} s (process included). ${s.summary}${flag("reuse") ? ` Kept as ${file}.` : ""}` };
  }
  const url = pgDatabaseUrl(PG_DATABASE);
  if (flag("reuse")) {
    const exists = await pgAdmin(async (c) => (await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [PG_DATABASE])).rowCount === 1);
    if (exists) {
      await migrate(url.toString());
      const db = createDb(url.toString());
      try {
        const [demo, real] = await Promise.all([db.household.count({ where: { demo: true } }), db.household.count({ where: { demo: false } })]);
        if (demo === HOUSEHOLDS && real === 0) {
          // As autovacuum leaves a table some time after a load (the seed does the same; quick when nothing changed).
          await db.$executeRawUnsafe(`VACUUM (ANALYZE) "Household", "Shop", "Listing", "Order", "Pickup", "CommuneTally", "LiveTally", "ShopLiveTally", "WeekTally", "HouseholdCsvRow"`);
          return { url: url.toString(), seeded: `reused ${PG_DATABASE} (${n(demo)} demo households seeded by an earlier run; vacuumed)` };
        }
      } finally {
        await db.$disconnect();
      }
    }
  }
  await pgAdmin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${PG_DATABASE}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${PG_DATABASE}"`);
  });
  await migrate(url.toString());
  const s = await seed(url.toString());
  return { url: url.toString(), seeded: `seed:demo ${s.seconds.toFixed(1)} s (process included). ${s.summary}` };
}

/**
 * --big-commune N (PostgreSQL): the biggest commune made to hold N households by moving households of
 * other communes into it, so the households CSV of a commune as big as the biggest at 2,000,000
 * households (155,000) can be measured on a seed of a few hundred thousand (a minute) instead of the
 * 2,000,000 seed (27 minutes). The move runs with triggers off (through them, 136,000 row updates of the
 * same few tally rows in one transaction ran for over 6 minutes), their listings follow in one statement,
 * and the kept tallies are then rewritten from the rows as `tallies:verify --fix` does (the monthly
 * payment tallies are not: figures of the month on the pages are off after a move; the CSV has none).
 * Moves nothing when the commune is that big already (e.g. with --reuse).
 */
async function growBiggestCommune(db: ReturnType<typeof createDb>, households: number) {
  if (!POSTGRES) throw new Error("--big-commune: PostgreSQL only (--pg)");
  const [top] = await db.household.groupBy({ by: ["communeCode"], _count: { _all: true }, orderBy: { _count: { communeCode: "desc" } }, take: 1 });
  const missing = households - top._count._all;
  if (missing <= 0) return;
  const t0 = performance.now();
  const moved = await db.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL session_replication_role = replica`);
      const count = await tx.$executeRaw`UPDATE "Household" SET "communeCode" = ${top.communeCode}
        WHERE "id" IN (SELECT "id" FROM "Household" WHERE "communeCode" <> ${top.communeCode} ORDER BY "id" LIMIT ${missing})`;
      await tx.$executeRaw`UPDATE "Listing" l SET "communeCode" = h."communeCode" FROM "Shop" s JOIN "Household" h ON h."id" = s."householdId"
        WHERE l."shopId" = s."id" AND l."communeCode" <> h."communeCode"`;
      return count;
    },
    { timeout: 600_000 },
  );
  const fixed = await fixTallies(db, await verifyTallies(db, true), true);
  await db.$executeRawUnsafe(`VACUUM (ANALYZE) "Household", "Shop", "Listing", "CommuneTally", "LiveTally", "ShopLiveTally", "WeekTally", "HouseholdCsvRow"`);
  console.log(`--big-commune: moved ${n(moved)} households into ${top.communeCode}, rewrote ${fixed.map((f) => `${f.check.name} (${n(f.written)})`).join(", ")} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

interface Round {
  name: string;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  requests: number;
  kB: number;
  /** median time to the first byte of the body */
  firstByte: number;
  /** the most the JS heap grew over its size before the round, sampled while it ran (MB) */
  heapMB: number;
  /** CPU time of this process (server and client) per request, user + system (ms) */
  cpuMs: number;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "cho-so-bench-dashboard-"));
  try {
    console.log(`Preparing ${POSTGRES ? "PostgreSQL" : "SQLite"} with ${n(HOUSEHOLDS)} demo households…`);
    const { url, seeded } = await prepareDatabase(dir);

    const config = loadConfig({ DATABASE_URL: url, PORT: "0", LOG_LEVEL: "silent", MEDIA_DIR: join(dir, "media"), PROVINCE_CODE: "20" });
    const log = pino({ level: "silent" });
    const app = createApp({ config, log });
    // The same pages on a second server whose figures are computed for every request.
    const uncached = Fastify();
    registerWeb(uncached, {
      db: app.db,
      engine: app.engine,
      orders: app.orders,
      mediaDir: config.MEDIA_DIR,
      provinceCode: config.PROVINCE_CODE,
      chat: false,
      targetPercent: config.CAMPAIGN_TARGET_PERCENT,
      dashboardCache: false,
      log,
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await app.http.ready();
      await uncached.ready();
      const bases = new Map<FastifyInstance, string>([
        [app.http, await app.http.listen({ host: "127.0.0.1", port: 0 })],
        [uncached, await uncached.listen({ host: "127.0.0.1", port: 0 })],
      ]);

      if (BIG_COMMUNE) await growBiggestCommune(app.db, BIG_COMMUNE);
      // The biggest commune: the commune officer's, and the one the province officer filters on.
      const [top] = await app.db.household.groupBy({ by: ["communeCode"], _count: { _all: true }, orderBy: { _count: { communeCode: "desc" } }, take: 1 });
      // Upserts: a reused database keeps the officers of the run before.
      const officer = (userKey: string, name: string, communes: string[]) =>
        app.db.officer.upsert({
          where: { channel_userKey: { channel: "telegram", userKey } },
          create: { channel: "telegram", userKey, chatKey: userKey, name, communes: JSON.stringify(communes) },
          update: { communes: JSON.stringify(communes) },
        });
      const province = await officer("bench-province", "Bench province", []);
      const commune = await officer("bench-commune", "Bench commune", [top.communeCode]);
      const cookieOf = async (officerId: string) => `${SESSION_COOKIE}=${(await officerSessions(app.db).create(officerId)).token}`;
      const cookies = { province: await cookieOf(province.id), commune: await cookieOf(commune.id) };
      const communeHouseholds = top._count._all;

      const fetchPage = (base: string, path: string, cookie: string) =>
        new Promise<{ status: number; bytes: number; head: string; firstByteMs: number }>((resolveFetch, reject) => {
          const t0 = process.hrtime.bigint();
          let firstByteMs = 0;
          httpGet(`${base}${path}`, { agent, headers: { cookie, "accept-encoding": "gzip, deflate, br" } }, (res) => {
            let bytes = 0;
            let head = "";
            const plain = !res.headers["content-encoding"];
            res.on("data", (c: Buffer) => {
              if (bytes === 0) firstByteMs = Number(process.hrtime.bigint() - t0) / 1e6;
              bytes += c.length;
              if (plain && head.length < 2000) head += c.toString();
            });
            res.on("end", () => resolveFetch({ status: res.statusCode ?? 0, bytes, head, firstByteMs }));
            res.on("error", reject);
          }).on("error", reject);
        });

      const rounds: Round[] = [];
      async function round(name: string, server: FastifyInstance, path: string, cookie: string, opts: { requests?: number; warmup?: number; expect?: RegExp } = {}) {
        if ((ONLY && !name.includes(ONLY)) || (SKIP && name.includes(SKIP))) return;
        const base = bases.get(server)!;
        const requests = opts.requests ?? REQUESTS;
        const first = await fetchPage(base, path, cookie);
        if (first.status !== 200) throw new Error(`GET ${path}: ${first.status}`);
        if (opts.expect && first.head && !opts.expect.test(first.head)) throw new Error(`GET ${path}: unexpected body ${first.head.slice(0, 200)}`);
        for (let i = 0; i < Math.min(opts.warmup ?? WARMUP, requests); i++) await fetchPage(base, path, cookie);
        const samples: number[] = [];
        const firstBytes: number[] = [];
        let bytes = 0;
        const heapBefore = process.memoryUsage().heapUsed;
        let heapPeak = heapBefore;
        const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 5);
        const cpuBefore = process.cpuUsage();
        for (let i = 0; i < requests; i++) {
          const t0 = process.hrtime.bigint();
          const r = await fetchPage(base, path, cookie);
          samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
          firstBytes.push(r.firstByteMs);
          if (r.status !== 200) throw new Error(`GET ${path}: ${r.status}`);
          bytes = r.bytes;
        }
        clearInterval(sampler);
        const cpu = process.cpuUsage(cpuBefore);
        samples.sort((a, b) => a - b);
        firstBytes.sort((a, b) => a - b);
        const pct = (p: number) => samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)];
        const r = { name, requests, p50: pct(50), p95: pct(95), p99: pct(99), max: samples[samples.length - 1], kB: bytes / 1024,
          firstByte: firstBytes[Math.floor((firstBytes.length - 1) / 2)], heapMB: (heapPeak - heapBefore) / 2 ** 20, cpuMs: (cpu.user + cpu.system) / 1000 / requests };
        rounds.push(r);
        console.log(`  ${name}: p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, first byte p50 ${r.firstByte.toFixed(1)} ms, CPU ${r.cpuMs.toFixed(0)} ms/request`);
      }

      const xa = `?xa=${top.communeCode}`;
      console.log(`Measuring (${REQUESTS} requests per round after ${WARMUP} warm-up)…`);
      await round("/canbo province, computed", uncached, "/canbo", cookies.province);
      await round("/canbo province, cached", app.http, "/canbo", cookies.province);
      await round("/canbo commune officer, computed", uncached, "/canbo", cookies.commune);
      await round("/canbo commune officer, cached", app.http, "/canbo", cookies.commune);
      await round("/canbo?xa= province, 1 commune, computed", uncached, `/canbo${xa}`, cookies.province);
      await round("/canbo/xa.csv province, computed", uncached, "/canbo/xa.csv", cookies.province);
      // Downloads of every household in scope: a few requests each (the first request is the warm-up).
      await round(`/canbo/ho.csv commune officer (${n(communeHouseholds)} rows)`, uncached, "/canbo/ho.csv", cookies.commune, { requests: arg("csv-requests", Math.min(REQUESTS, POSTGRES ? 3 : 10)), warmup: 0 });
      if (!POSTGRES || flag("full")) {
        await round(`/canbo/ho.csv province (${n(HOUSEHOLDS)} rows)`, uncached, "/canbo/ho.csv", cookies.province, { requests: Math.min(REQUESTS, 2), warmup: 0 });
      }

      const fmt = (x: number, w = 8) => x.toFixed(1).padStart(w);
      console.log(`\nOfficer dashboard on ${POSTGRES ? "PostgreSQL" : "SQLite"}, ${n(HOUSEHOLDS)} demo households; Node ${process.version}, server and client in one process`);
      console.log(seeded);
      console.log(`commune officer and ?xa=: ${top.communeCode} (${n(communeHouseholds)} households, the biggest)\n`);
      console.log(`${"round".padEnd(48)} requests   p50 ms   p95 ms   p99 ms   max ms  kB sent  1st byte ms  heap +MB  CPU ms`);
      for (const r of rounds) {
        console.log(`${r.name.padEnd(48)} ${String(r.requests).padStart(8)} ${fmt(r.p50)} ${fmt(r.p95)} ${fmt(r.p99)} ${fmt(r.max)} ${fmt(r.kB)} ${fmt(r.firstByte, 12)} ${fmt(r.heapMB, 9)} ${fmt(r.cpuMs, 7)}`);
      }
      console.log("(1st byte: median time to the first byte of the body; heap +MB: the most the JS heap grew during the round, garbage included; CPU ms: this process per request, server and client)");
      // The households CSV streams every household of the scope: a download, not a page; reported, not held to the target.
      const pages = rounds.filter((r) => !r.name.startsWith("/canbo/ho.csv"));
      if (pages.length) {
        const worst = pages.reduce((a, b) => (b.p99 > a.p99 ? b : a));
        const ok = worst.p99 < TARGET_P99_MS;
        console.log(`\ntarget (${TARGET_LABEL}) in every page round: ${ok ? "OK" : "ABOVE TARGET"} (worst p99 ${worst.p99.toFixed(1)} ms: ${worst.name.trim()})`);
        process.exitCode = ok ? 0 : 1;
      }
    } finally {
      agent.destroy();
      await uncached.close();
      await app.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
