// Chat turns per second: the project against a bare grammY bot, in one run, both long polling the same
// loopback fake Telegram Bot API. `npm run bench:turns [-- --users 2000 --pg --rate 0 --only start|listing --flood 0]`.
//
// Two scenarios, each run by both contenders (each in a child process of its own, one after the other):
//   start    N new users send /start                    (done once the consent question and its button came)
//   listing  N registered users send "ban 2 ta hoi kho 80k" and press the card's publish button
//            (done once the "published" message came; the project must also hold N active listings)
// The users live in the fake (bench/turns-fake.ts) and react to replies there, without a round trip here.
// Latency runs from an update becoming available to getUpdates to a reply arriving at the fake: "first" to
// the turn's first message, "whole" to its last (before the same user's next update). With the default
// burst (--rate 0) every update is available at once, so late updates wait for the early ones and p99 is
// close to the total time; --rate R offers R users per second instead.
// Each contender first answers a warm-up round of other users (a tenth of N, 10 to 200), not measured.
// SQLite: a fresh temporary file. --pg: a scratch PostgreSQL database, dropped and created (trust auth).
import { fork, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { createServices } from "../src/core/services.ts";
import { createDb } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { tFor } from "../src/i18n/index.ts";
import { listCommunes } from "../src/lang/communes.ts";
import type { BareReplies, ContenderConfig } from "./turns-bots.ts";
import type { Report, Scenario } from "./turns-fake.ts";

const { values: args } = parseArgs({
  options: {
    users: { type: "string", default: "2000" },
    pg: { type: "boolean", default: false },
    rate: { type: "string", default: "0" },
    only: { type: "string" },
    flood: { type: "string", default: "0" },
  },
});
const USERS = Number(args.users);
const RATE = Number(args.rate);
/** one more chat sends this many messages at once, ahead of the users (others' latency is what to watch) */
const FLOOD = Number(args.flood);
const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const PG_DATABASE = "cho_so_bench_turns";
const TOKEN = "7300000001:AAH-bench-turns-token_0123456789abcdef";
const SENTENCE = "ban 2 ta hoi kho 80k";
const TARGETS = { ratio: 3, aimRatio: 1.5, p99Ms: 1000, rssMb: 300 };

const t = tFor("vi");
// The texts of the project's messages that end a turn: a short remark comes in one message with the
// question or menu after it (src/engine/join.ts), so /start is the greeting and the consent question.
const bare: BareReplies = {
  start: { text: `${t("register:greeting")}\n\n${t("register:consent")}`, button: t("register:consentYes") },
  card: { text: t("sell:confirmIntro"), button: t("sell:publish") },
  pressed: `${t("sell:published")}\n\n${t("common:menu.title")}`,
};

// ---------------------------------------------------------------------------------------------------
// The fake Bot API process

async function startFake(): Promise<{ root: string; call: <T>(path: string, body?: unknown) => Promise<T>; stop: () => void }> {
  const child = spawn(process.execPath, ["--import", "tsx", new URL("./turns-fake.ts", import.meta.url).pathname], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once("data", (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once("exit", (code) => reject(new Error(`fake Bot API exited (${code})`)));
  });
  const root = `http://127.0.0.1:${port}`;
  const call = async <T>(path: string, body?: unknown): Promise<T> => {
    const res = await fetch(root + path, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return (await res.json()) as T;
  };
  return { root, call, stop: () => child.kill() };
}

type Fake = Awaited<ReturnType<typeof startFake>>;

// ---------------------------------------------------------------------------------------------------
// Databases

async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!args.pg) {
    const dir = mkdtempSync(join(tmpdir(), "cho-so-bench-turns-"));
    const url = `file:${join(dir, "bench.db")}`;
    await migrate(url);
    return { url, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS "${PG_DATABASE}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${PG_DATABASE}"`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${PG_DATABASE}`;
  await migrate(url.toString());
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${PG_DATABASE}" WITH (FORCE)`) };
}

/** Registered households with a shop and a Telegram account, as registration in chat leaves them. */
async function seedHouseholds(url: string, userIds: number[]): Promise<void> {
  const db = createDb(url);
  const communes = listCommunes("20");
  try {
    for (let i = 0; i < userIds.length; i += 100) {
      await db.$transaction(async (tx) => {
        const households = createServices(tx).households;
        for (const [j, id] of userIds.slice(i, i + 100).entries()) {
          const n = i + j;
          await households.register({
            name: `Farmer ${id}`,
            phone: `+8491${String(2_000_000 + n).padStart(7, "0")}`,
            provinceCode: "20",
            communeCode: communes[n % communes.length].code,
            shopName: `Shop ${id}`,
            payment: "viettel_money",
            identity: { channel: "telegram", userKey: String(id), chatKey: String(id) },
            locale: "vi",
          });
        }
      });
    }
  } finally {
    await db.$disconnect();
  }
}

async function activeListings(url: string): Promise<number> {
  const db = createDb(url);
  try {
    return await db.listing.count({ where: { status: "active" } });
  } finally {
    await db.$disconnect();
  }
}

// ---------------------------------------------------------------------------------------------------
// One contender through one scenario

interface Outcome {
  seconds: number;
  updates: number;
  report: Report;
  maxRssMb: number;
  /** CPU time the contender used in the measured round: unlike the time, barely moved by other load */
  cpuSeconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * The node options the deployed service runs the project with (deploy/cho-so.service, e.g. its heap
 * size), so that the figures are those of the bot as deployed. The bare bot runs with node's defaults.
 */
const DEPLOYED_NODE_OPTIONS = (readFileSync(new URL("../deploy/cho-so.service", import.meta.url), "utf8").match(/^Environment=NODE_OPTIONS=(.+)$/m)?.[1] ?? "")
  .split(" ")
  .filter(Boolean);

function startContender(config: ContenderConfig): Promise<ChildProcess> {
  const execArgv = [
    "--import",
    "tsx",
    ...(config.kind === "project" ? DEPLOYED_NODE_OPTIONS : []),
    ...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(" ") : []),
    ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
  ];
  const child = fork(new URL("./turns-bots.ts", import.meta.url).pathname, [], { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    child.once("message", () => resolve(child));
    child.once("exit", (code) => reject(new Error(`${config.kind} bot exited (${code}) before it was ready`)));
    child.send({ start: config });
  });
}

function cpuMs(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once("message", (m: { cpuMs: number }) => resolve(m.cpuMs));
    child.send({ cpu: true });
  });
}

function stopContender(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once("message", (m: { maxRssMb: number }) => resolve(m.maxRssMb));
    child.send({ stop: true });
  });
}

/** Release the scenario's users and wait until each got its answer and the bot fell quiet. */
async function play(fake: Fake, kind: ContenderConfig["kind"], scenario: Scenario): Promise<Report> {
  await fake.call("/control/scenario", { scenario });
  await until("the bot to poll", 30_000, async () => (await fake.call<{ pollsWaiting: number }>("/control/status")).pollsWaiting > 0);
  await fake.call("/control/go", {});
  // Generous: the project may be an order of magnitude slower than the bare bot before issue 12.
  const limitMs = 120_000 + scenario.userIds.length * 500 + (RATE > 0 ? (scenario.userIds.length / RATE) * 1000 : 0);
  await until(`every user's replies (${kind})`, limitMs, async () => {
    const s = await fake.call<{ done: number; users: number }>("/control/status");
    return s.done >= s.users;
  }).catch(async (e) => {
    const s = await fake.call<{ done: number; users: number }>("/control/status");
    throw new Error(`${(e as Error).message}: ${s.done} of ${s.users} users done`);
  });
  // Messages that follow the one that finishes a user (e.g. the menu after "published") are counted too.
  await until("the bot to fall quiet", 30_000, async () => {
    const s = await fake.call<{ lastSendAt: number; now: number }>("/control/status");
    return s.now - s.lastSendAt > 500;
  });
  return fake.call<Report>("/control/report");
}

/**
 * One contender: a warm-up round with other users first (start-up work, JIT, connection pools and caches
 * are then behind it, as in a running deployment), then the measured round.
 */
async function runOne(fake: Fake, kind: ContenderConfig["kind"], warmUp: Scenario, scenario: Scenario, databaseUrl: string, mediaDir: string): Promise<Outcome> {
  const child = await startContender({ kind, token: TOKEN, apiRoot: fake.root, databaseUrl, mediaDir, bare });
  try {
    await play(fake, kind, warmUp);
    const cpuBefore = await cpuMs(child);
    const report = await play(fake, kind, scenario);
    const cpuSeconds = ((await cpuMs(child)) - cpuBefore) / 1000;
    return { seconds: (report.lastReplyAt - report.startedAt) / 1000, updates: report.updates, report, maxRssMb: await stopContender(child), cpuSeconds };
  } catch (e) {
    child.kill();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------
// Figures and checks

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

function summarize(o: Outcome) {
  const first = o.report.users.flatMap((u) => u.firstMs).sort((a, b) => a - b);
  const whole = o.report.users.flatMap((u) => u.wholeMs).sort((a, b) => a - b);
  const replies = o.report.users.map((u) => u.replies);
  return {
    seconds: o.seconds,
    perSecond: o.updates / o.seconds,
    first: { p50: percentile(first, 50), p99: percentile(first, 99) },
    whole: { p50: percentile(whole, 50), p99: percentile(whole, 99) },
    replies: { min: Math.min(...replies), max: Math.max(...replies), total: replies.reduce((a, b) => a + b, 0) },
    rss: o.maxRssMb,
    cpu: o.cpuSeconds,
  };
}

/** What every user should have got; empty when all is well. */
function problems(o: Outcome, scenario: Scenario): string[] {
  const out: string[] = [];
  const notDone = o.report.users.filter((u) => !u.done);
  if (notDone.length) out.push(`${notDone.length} users did not get their answer (e.g. user ${notDone[0].userId})`);
  for (const u of o.report.users.filter((u) => u.problem).slice(0, 3)) out.push(`user ${u.userId}: ${u.problem}`);
  if (scenario.kind === "listing") {
    const wrongPresses = o.report.users.filter((u) => u.pressed !== 1);
    if (wrongPresses.length) out.push(`${wrongPresses.length} users pressed the publish button other than once`);
  }
  // Same turns, same flow: every user should get the same number of messages (none lost, none doubled).
  const s = summarize(o);
  if (s.replies.min !== s.replies.max) out.push(`replies per user differ: ${s.replies.min} to ${s.replies.max}`);
  return out;
}

const ms = (v: number) => v.toFixed(0).padStart(6);

function printScenario(title: string, bareOutcome: Outcome, projectOutcome: Outcome): void {
  const b = summarize(bareOutcome);
  const p = summarize(projectOutcome);
  console.log(`\n${title}`);
  console.log("              time s   turns/s   first p50   p99 ms   whole p50   p99 ms   replies/user   peak RSS MB   CPU s");
  for (const [label, s] of [["bare grammY", b], ["Chợ Số", p]] as const) {
    const replies = s.replies.min === s.replies.max ? String(s.replies.min) : `${s.replies.min}–${s.replies.max}`;
    console.log(
      `${label.padEnd(12)} ${s.seconds.toFixed(2).padStart(7)} ${s.perSecond.toFixed(0).padStart(9)}    ${ms(s.first.p50)} ${ms(s.first.p99)}      ${ms(s.whole.p50)} ${ms(s.whole.p99)}   ${replies.padStart(12)}   ${s.rss.toFixed(0).padStart(11)}   ${s.cpu.toFixed(2).padStart(5)}`,
    );
  }
  const ratio = p.seconds / b.seconds;
  const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
  console.log(
    `ratio ${ratio.toFixed(1)}× (target ≤ ${TARGETS.ratio}×, aim ${TARGETS.aimRatio}×: ${verdict(ratio <= TARGETS.ratio)}); ` +
      `Chợ Số p99 ${p.whole.p99.toFixed(0)} ms (target < ${TARGETS.p99Ms} ms: ${verdict(p.whole.p99 < TARGETS.p99Ms)}); ` +
      `peak RSS ${p.rss.toFixed(0)} MB (target < ${TARGETS.rssMb} MB: ${verdict(p.rss < TARGETS.rssMb)})`,
  );
  // On a busy machine the times stretch with the load; CPU time per turn does much less so.
  console.log(`CPU time ratio ${(p.cpu / b.cpu).toFixed(1)}× (${((p.cpu / projectOutcome.updates) * 1000).toFixed(2)} ms per turn against ${((b.cpu / bareOutcome.updates) * 1000).toFixed(2)} ms)`);
  const other = Object.entries(projectOutcome.report.otherCalls).map(([m, n]) => `${m} ${n}`).join(", ");
  console.log(`Chợ Số: ${p.replies.total} messages for ${projectOutcome.updates} updates; other Bot API calls: ${other || "none"}`);
}

// ---------------------------------------------------------------------------------------------------

async function main() {
  const engineName = args.pg ? "PostgreSQL" : "SQLite";
  const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
  console.log(`bench:turns: ${USERS} users per scenario, ${engineName}, ${RATE > 0 ? `${RATE} users/s` : "burst (all at once)"}, Node ${process.version}`);
  console.log(`Chợ Số runs with the deployed node options: ${DEPLOYED_NODE_OPTIONS.join(" ") || "(none)"} (deploy/cho-so.service)`);
  console.log(`load average at start: ${load()}`);
  const fake = await startFake();
  const mediaDir = mkdtempSync(join(tmpdir(), "cho-so-bench-media-"));
  let failed = false;
  try {
    const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
    // Each contender warms up with users of its own, so no user meets the bot twice.
    const warm = Math.max(10, Math.min(200, Math.round(USERS / 10)));
    const newUsers = ids(1_000_001, USERS);
    const registered = ids(2_000_001, USERS);
    const flood = FLOOD > 0 ? { userId: 9_000_001, count: FLOOD, text: "xin chao" } : undefined;
    const warmUsers = { start: [ids(3_000_001, warm), ids(3_100_001, warm)], listing: [ids(4_000_001, warm), ids(4_100_001, warm)] };
    const scenarios: Array<{ title: string; scenario: Scenario; seed: boolean }> = [
      {
        title: `${USERS} new users send /start (${engineName})`,
        scenario: { kind: "start", userIds: newUsers, text: "/start", rate: RATE, doneButton: bare.start.button, flood },
        seed: false,
      },
      {
        title: `${USERS} registered users send "${SENTENCE}" and press ${bare.card.button} (${engineName})`,
        scenario: { kind: "listing", userIds: registered, text: SENTENCE, rate: RATE, pressButton: bare.card.button, doneText: bare.pressed, flood },
        seed: true,
      },
    ];
    for (const { title, scenario, seed } of scenarios) {
      if (args.only && args.only !== scenario.kind) continue;
      const database = await freshDatabase();
      try {
        const [bareWarm, projectWarm] = warmUsers[scenario.kind].map((userIds) => ({ ...scenario, userIds, rate: 0, flood: undefined }));
        if (seed) await seedHouseholds(database.url, [...scenario.userIds, ...bareWarm.userIds, ...projectWarm.userIds]);
        const bareOutcome = await runOne(fake, "grammy", bareWarm, scenario, database.url, mediaDir);
        const projectOutcome = await runOne(fake, "project", projectWarm, scenario, database.url, mediaDir);
        printScenario(title, bareOutcome, projectOutcome);
        if (flood) console.log(`flooding chat: ${flood.count} messages at once, ahead of the users; replies to it: bare grammY ${bareOutcome.report.floodReplies}, Chợ Số ${projectOutcome.report.floodReplies}`);
        const found = [...problems(bareOutcome, scenario).map((p) => `bare grammY: ${p}`), ...problems(projectOutcome, scenario).map((p) => `Chợ Số: ${p}`)];
        if (scenario.kind === "listing") {
          const listed = await activeListings(database.url);
          const expected = USERS + projectWarm.userIds.length;
          if (listed !== expected) found.push(`Chợ Số: ${listed} active listings in the database, expected ${expected} (warm-up included)`);
        }
        for (const p of found) console.error(`FAILED: ${p}`);
        failed ||= found.length > 0;
      } finally {
        await database.drop();
      }
    }
  } finally {
    fake.stop();
    rmSync(mediaDir, { recursive: true, force: true });
  }
  console.log(`\nload average at end: ${load()}`);
  if (failed) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
