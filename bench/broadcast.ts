// Broadcast delivery figures (`npm run bench:broadcast`), on SQLite (or DATABASE_URL=postgresql://…):
//   (c) time to write the outbox for 100,000 recipients            target < 5 s
//   (a) 100,000 messages, no limit on the fake side: messages/s     target ≥ 2,000/s, peak RSS < 300 MB
//   (b) the fake allows 30 requests/s: achieved rate, 429 answers    target ≥ 28/s with zero 429s
// The fake Bot API (bench/fake-bot-api.ts) is a minimal sendMessage in a child process, not the full
// test fake: the full one keeps every message in memory and shares our event loop, which would
// measure the fake instead of the dispatcher. Options: --recipients N --limited N --concurrency N.
import "../src/timezone.ts";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import pino from "pino";
import { registry } from "../flows/index.ts";
import { TelegramBroadcastSender } from "../src/broadcast/senders.ts";
import { BroadcastService } from "../src/broadcast/service.ts";
import { broadcasts, Outbox, type Audience } from "../src/broadcast/store.ts";
import { isPostgresUrl } from "../src/config.ts";
import { createDb, type Db } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { Engine } from "../src/engine/engine.ts";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RECIPIENTS = arg("recipients", 100_000);
const LIMITED = arg("limited", 300);
const CONCURRENCY = arg("concurrency", 32);
const TOKEN = "7000000999:AAFakeTokenForTheBroadcastBench_01234";
const BIG = "06463"; // Xã Chi Lăng
const SMALL = "06385"; // Xã Hữu Lũng

const log = pino({ level: process.env.LOG_LEVEL ?? "warn" });
let peakRss = 0;
const sampler = process.argv.includes("--seed") ? undefined : setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;

async function fakeApi(limit: number): Promise<{ root: string; child: ChildProcess; stats(): Promise<{ sent: number; rejected: number; first: number; last: number }> }> {
  const child = spawn(process.execPath, ["--import", "tsx", resolve("bench/fake-bot-api.ts"), String(limit)], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((r) => createInterface({ input: child.stdout! }).once("line", r));
  const root = `http://127.0.0.1:${port.trim()}`;
  return { root, child, stats: async () => (await fetch(`${root}/stats`)).json() as Promise<{ sent: number; rejected: number; first: number; last: number }> };
}

async function seed(db: Db): Promise<void> {
  const CHUNK = 5_000;
  for (let start = 0; start < RECIPIENTS; start += CHUNK) {
    const n = Math.min(CHUNK, RECIPIENTS - start);
    const ids = Array.from({ length: n }, (_, i) => `bh${String(start + i).padStart(7, "0")}`);
    await db.household.createMany({
      data: ids.map((id, i) => ({
        id,
        name: "Hộ bench",
        phone: `+849${String(start + i).padStart(8, "0")}`,
        provinceCode: "20",
        communeCode: start + i < LIMITED ? SMALL : BIG,
        payment: "none",
        consentAt: new Date(),
        lastChannel: "telegram",
      })),
    });
    await db.channelAccount.createMany({
      data: ids.map((id, i) => ({ channel: "telegram", userKey: String(1_000_000 + start + i), chatKey: String(1_000_000 + start + i), householdId: id, locale: "vi" })),
    });
  }
}

async function newBroadcast(db: Db, officerId: string, audience: Audience): Promise<string> {
  const { id } = await broadcasts(db).create({
    officer: { id: officerId, channel: "telegram", chatKey: "1", locale: "vi" },
    text: "Thông báo: thứ Bảy này bưu điện xã nhận hàng từ 7 giờ sáng.",
    photo: null,
    audience,
    scheduledAt: new Date(),
  });
  await db.broadcast.update({ where: { id }, data: { status: "preparing" } });
  return id;
}

async function waitDone(db: Db, id: string): Promise<void> {
  for (;;) {
    const b = await db.broadcast.findUniqueOrThrow({ where: { id }, select: { status: true } });
    if (b.status === "done") return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main() {
  const url = process.env.DATABASE_URL ?? `file:${resolve(".tmp/bench/broadcast.db")}`;
  const postgres = isPostgresUrl(url);
  if (!postgres) {
    mkdirSync(resolve(".tmp/bench"), { recursive: true });
    for (const s of ["", "-wal", "-shm"]) rmSync(resolve(`.tmp/bench/broadcast.db${s}`), { force: true });
  }
  await migrate(url);
  // Seeded by a child process, so that its memory does not count in this one's peak RSS.
  console.log(`Seeding ${RECIPIENTS.toLocaleString("en")} households on ${postgres ? "PostgreSQL" : "SQLite"}…`);
  const seeder = spawn(process.execPath, ["--import", "tsx", resolve("bench/broadcast.ts"), "--seed", ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, DATABASE_URL: url },
  });
  const code = await new Promise<number | null>((r) => seeder.once("exit", r));
  if (code !== 0) throw new Error("seeding failed");
  const db = createDb(url);
  const officer = await db.officer.create({ data: { channel: "telegram", userKey: "1", chatKey: "1" } });
  const engine = new Engine({ db, registry, log, provinceCode: "20" });
  const outbox = new Outbox(db, postgres);
  const scope = { provinceCode: "20", communes: [] };
  const results: string[] = [];

  // (c) writing the outbox
  const all = await newBroadcast(db, officer.id, { communes: [], productId: null, channels: ["telegram"] });
  const rssBefore = process.memoryUsage().rss;
  let t0 = performance.now();
  const prepared = await outbox.prepare(all, scope, async () => true);
  const prepareS = (performance.now() - t0) / 1000;
  results.push(`(c) outbox for ${prepared?.total.toLocaleString("en")} recipients written in ${prepareS.toFixed(2)} s (target < 5 s) ${prepareS < 5 ? "OK" : "MISSED"}`);
  console.log(results.at(-1));

  // (a) no limit on the fake side
  const free = await fakeApi(0);
  const service = new BroadcastService(db, engine, log, "20", [new TelegramBroadcastSender(TOKEN, free.root)], postgres, {
    rates: { telegram: { rate: 0, burst: 1 } },
    concurrency: CONCURRENCY,
    batch: 1_000,
    tickMs: 200,
    idleMs: 20,
  });
  peakRss = process.memoryUsage().rss;
  t0 = performance.now();
  service.start();
  await waitDone(db, all);
  const sendS = (performance.now() - t0) / 1000;
  await service.stop();
  const freeStats = await free.stats();
  free.child.kill();
  const perSecond = Math.round(freeStats.sent / sendS);
  results.push(
    `(a) ${freeStats.sent.toLocaleString("en")} messages in ${sendS.toFixed(1)} s = ${perSecond.toLocaleString("en")} msg/s with ${CONCURRENCY} in flight (target ≥ 2,000/s) ${perSecond >= 2000 ? "OK" : "MISSED"}; ` +
      `peak RSS ${mb(peakRss)} (before the outbox: ${mb(rssBefore)}; target < 300 MB) ${peakRss < 300 * 1024 * 1024 ? "OK" : "MISSED"}`,
  );
  console.log(results.at(-1));

  // (b) the fake enforces 30/s; the bucket is set just under it (rate + burst ≤ 30 in any second)
  const limited = await fakeApi(30);
  const small = await newBroadcast(db, officer.id, { communes: [SMALL], productId: null, channels: ["telegram"] });
  await outbox.prepare(small, scope, async () => true);
  await db.rateBucket.deleteMany();
  const paced = new BroadcastService(db, engine, log, "20", [new TelegramBroadcastSender(TOKEN, limited.root)], postgres, {
    rates: { telegram: { rate: 28.5, burst: 1.5 } },
    concurrency: 4,
    tickMs: 200,
    idleMs: 20,
  });
  paced.start();
  await waitDone(db, small);
  await paced.stop();
  const s = await limited.stats();
  limited.child.kill();
  const achieved = (s.sent - 1) / ((s.last - s.first) / 1000);
  results.push(
    `(b) ${s.sent} messages at ${achieved.toFixed(1)} msg/s against a fake allowing 30/s, ${s.rejected} answered 429 (target ≥ 28/s, zero 429) ${achieved >= 28 && s.rejected === 0 ? "OK" : "MISSED"}`,
  );
  console.log(results.at(-1));

  clearInterval(sampler);
  await db.$disconnect();
  console.log(`\nSummary (${postgres ? "PostgreSQL" : "SQLite"}, Node ${process.version}):\n${results.join("\n")}`);
}

async function seedOnly() {
  const db = createDb(process.env.DATABASE_URL!);
  await db.outboxMessage.deleteMany();
  await db.broadcast.deleteMany();
  await db.rateBucket.deleteMany();
  await db.officer.deleteMany();
  await db.channelAccount.deleteMany();
  await db.household.deleteMany();
  await seed(db);
  await db.$disconnect();
}

(process.argv.includes("--seed") ? seedOnly() : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
