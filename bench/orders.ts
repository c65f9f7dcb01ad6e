// Orders per second through POST /api/v1/orders on SQLite, each with its "🛒 Đơn mới" notification sent
// to a fake Telegram Bot API server on loopback, and the latency of each call (p50/p99).
// `npm run bench:orders [-- --orders 2000 --concurrency 16]`.
//
// The real app runs in this process (HTTP server, engine, Telegram adapter), on a fresh SQLite file;
// the household registers and lists through the chat like a person would. Requests come from the same
// process over real HTTP (keep-alive), so the figures include JSON parsing, validation, the
// idempotency record, the reservation, the notification and the client's own share of the one CPU.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate } from "../src/db/migrate.ts";
import { call, newOrderNotices, orderFor, PARTNER_KEYS, sellerWithListing, startApiApp, type ApiApp } from "../test/support/api.ts";
import { startFakeBotApi } from "../test/support/bot.ts";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const ORDERS = arg("orders", 2000);
const CONCURRENCY = arg("concurrency", 16);
const SELLER = 7001;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function run(app: ApiApp, listingId: string, orders: number, concurrency: number) {
  const latencies: number[] = [];
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < orders) {
      next++;
      const t0 = performance.now();
      const res = await call(app.url, "/api/v1/orders", { key: PARTNER_KEYS.postmart, idempotencyKey: randomUUID(), body: orderFor(listingId, 1) });
      latencies.push(performance.now() - t0);
      if (res.status !== 201) failed++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { orders: latencies.length, failed, perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1)! };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "cho-so-bench-"));
  const url = `file:${join(dir, "bench.db")}`;
  process.stdout.write("Preparing (migrate, register a household, list 10 kg)... ");
  await migrate(url);
  const fake = await startFakeBotApi();
  const app = await startApiApp(fake, url, { env: { MEDIA_DIR: join(dir, "media") } });
  try {
    const { listingId } = await sellerWithListing(app, fake, { userId: SELLER, phone: "0918 700 100", sentence: "ban 10 kg hoi kho 80k" });
    // Enough stock for every order of the run (1 kg each).
    await app.db.listing.update({ where: { id: listingId }, data: { stockMilli: (ORDERS * 2 + 1000) * 1000 } });
    console.log("done.\n");

    await run(app, listingId, 200, CONCURRENCY); // warm-up: JIT, connection pool, prepared statements
    const rows: Array<[string, Awaited<ReturnType<typeof run>>]> = [];
    rows.push(["1 at a time", await run(app, listingId, Math.min(ORDERS, 500), 1)]);
    rows.push([`${CONCURRENCY} at a time`, await run(app, listingId, ORDERS, CONCURRENCY)]);

    const notices = newOrderNotices(fake, SELLER).length;
    const placed = await app.db.order.count();
    console.log(`POST /api/v1/orders on SQLite, with the household's Telegram notification (fake Bot API on loopback)`);
    console.log(`Node ${process.version}, one process (server, fake Telegram and client share the CPU)\n`);
    console.log("clients          orders   orders/s    p50 ms    p99 ms    max ms   failed");
    for (const [label, r] of rows) {
      console.log(
        `${label.padEnd(15)} ${String(r.orders).padStart(7)} ${r.perSecond.toFixed(0).padStart(10)} ${r.p50.toFixed(1).padStart(9)} ${r.p99.toFixed(1).padStart(9)} ${r.max.toFixed(1).padStart(9)} ${String(r.failed).padStart(8)}`,
      );
    }
    console.log(`\norders in the database: ${placed}; "Đơn mới" notifications received by the fake Telegram server: ${notices}`);
    if (notices !== placed || rows.some(([, r]) => r.failed > 0)) {
      console.error("MISMATCH: every order should succeed and notify the household exactly once");
      process.exitCode = 1;
    }
  } finally {
    await app.stop();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
