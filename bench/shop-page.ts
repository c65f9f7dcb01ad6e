// Shop page render time with 200 live listings on SQLite: `npm run bench:shop [-- --requests 1000]`.
// Target: p99 < 50 ms. Each request goes through the whole app (fastify routing, the database query,
// HTML rendering, gzip) over real HTTP on loopback with a kept-alive connection; the client only
// counts the bytes, so the figure is the server's time plus loopback.
//
// Rounds: as a browser asks (Accept-Encoding: gzip, the usual case) and uncompressed; each with the
// drawn-page cache (an unchanged page is not drawn again; the database is read every time) and without
// it (every request draws the page: the figure for a page that just changed).
import "../src/timezone.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, get as httpGet } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import pino from "pino";
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { createServices } from "../src/core/services.ts";
import { migrate } from "../src/db/migrate.ts";
import { registerWeb } from "../src/web/index.ts";

const TARGET_P99_MS = 50;
const LISTINGS = 200;
const requestsArg = process.argv.indexOf("--requests");
const REQUESTS = requestsArg >= 0 ? Number(process.argv[requestsArg + 1]) : 1000;

const dir = mkdtempSync(join(tmpdir(), "cho-so-bench-"));
const url = `file:${join(dir, "bench.db")}`;
await migrate(url);
const app = createApp({
  config: loadConfig({ DATABASE_URL: url, PORT: "0", LOG_LEVEL: "silent", MEDIA_DIR: join(dir, "media") }),
  log: pino({ level: "silent" }),
});

try {
  await app.http.ready();
  const catalog = await app.engine.catalog.get();
  const services = createServices(app.db);
  const household = await services.households.register({
    name: "Hoàng Văn Lâm",
    phone: "+84912345678",
    provinceCode: "20",
    communeCode: "06463",
    shopName: "Hồi Chi Lăng nhà Lâm",
    payment: "momo",
    identity: { channel: "cli", userKey: "bench", chatKey: "bench" },
    locale: "vi",
  });
  for (let i = 0; i < LISTINGS; i++) {
    const product = catalog.items[i % catalog.items.length];
    const l = await services.listings.create({
      shopId: household.shop!.id,
      productId: product.id,
      title: `${product.name} ${i + 1}`,
      unit: product.unit === "kg" ? "kg" : product.unit,
      quantity: 50 + i,
      displayUnit: product.unit === "kg" && i % 2 === 0 ? "ta" : product.unit,
      priceVnd: product.priceRange.min + 1000 * (i % 10),
      availableFrom: i % 5 === 0 ? new Date(Date.now() + 30 * 86_400_000) : null,
    });
    if (i % 3 === 0) await app.db.listing.update({ where: { id: l.id }, data: { photoFile: `${l.id}.jpg` } });
  }
  const path = `/s/${household.shop!.slug}`;

  // The same pages on a second server without the drawn-page cache.
  const uncached = Fastify();
  registerWeb(uncached, { db: app.db, engine: app.engine, orders: app.orders, mediaDir: join(dir, "media"), provinceCode: "20", chat: false, log: pino({ level: "silent" }), pageCache: false });

  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  /** One GET; resolves with the status and the number of bytes received. */
  const fetchPage = (base: string, headers: Record<string, string>) =>
    new Promise<{ status: number; bytes: number; body: string }>((resolve, reject) => {
      httpGet(`${base}${path}`, { agent, headers }, (res) => {
        let bytes = 0;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => {
          bytes += c.length;
          if (chunks.length < 64) chunks.push(c);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes, body: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      }).on("error", reject);
    });

  const bases = new Map<FastifyInstance, string>();
  async function round(server: FastifyInstance, headers: Record<string, string>) {
    if (!bases.has(server)) bases.set(server, await server.listen({ host: "127.0.0.1", port: 0 }));
    const base = bases.get(server)!;
    const get = () => fetchPage(base, headers);
    const first = await get();
    if (first.status !== 200) throw new Error(`GET ${path}: ${first.status}`);
    const articles = headers["accept-encoding"] ? undefined : first.body.match(/<article/g)?.length;
    for (let i = 0; i < 100; i++) await get(); // warm up
    const samples: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const t0 = process.hrtime.bigint();
      await get();
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    samples.sort((a, b) => a - b);
    const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))];
    return { p50: pct(50), p99: pct(99), max: samples[samples.length - 1], bytes: first.bytes, articles };
  }

  const gzip = { "accept-encoding": "gzip, deflate, br" };
  const rounds = [
    { name: "gzip, cached  ", ...(await round(app.http, gzip)) },
    { name: "plain, cached ", ...(await round(app.http, {})) },
    { name: "gzip, drawn   ", ...(await round(uncached, gzip)) },
    { name: "plain, drawn  ", ...(await round(uncached, {})) },
  ];
  agent.destroy();
  await uncached.close();
  const fmt = (n: number) => n.toFixed(2);
  console.log(`shop page with ${LISTINGS} live listings (${rounds[1].articles} shown), ${REQUESTS} requests per round, SQLite`);
  for (const r of rounds) {
    console.log(`${r.name} p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms, max ${fmt(r.max)} ms, ${(r.bytes / 1024).toFixed(1)} kB sent`);
  }
  const worst = Math.max(...rounds.map((r) => r.p99));
  console.log(`target: p99 < ${TARGET_P99_MS} ms in every round: ${worst < TARGET_P99_MS ? "OK" : "ABOVE TARGET"} (worst ${fmt(worst)} ms)`);
  process.exitCode = worst < TARGET_P99_MS ? 0 : 1;
} finally {
  await app.stop();
  rmSync(dir, { recursive: true, force: true });
}
