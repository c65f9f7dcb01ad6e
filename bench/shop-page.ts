// Shop page render time with 200 live listings on SQLite: `npm run bench:shop [-- --requests 1000]`.
// Target: p99 < 50 ms. Each request goes through the whole app (fastify routing, the database query,
// HTML rendering, gzip) with app.http.inject, so the figure is the server's time without the network.
//
// Two rounds: as a browser asks (Accept-Encoding: gzip, the usual case) and uncompressed.
import "../src/timezone.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { createServices } from "../src/core/services.ts";
import { migrate } from "../src/db/migrate.ts";

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

  async function round(headers: Record<string, string>) {
    const get = () => app.http.inject({ method: "GET", url: path, headers });
    const first = await get();
    if (first.statusCode !== 200) throw new Error(`GET ${path}: ${first.statusCode}`);
    const articles = (first.headers["content-encoding"] ? "" : first.body).match(/<article/g)?.length;
    for (let i = 0; i < 100; i++) await get(); // warm up
    const samples: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const t0 = process.hrtime.bigint();
      await get();
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    samples.sort((a, b) => a - b);
    const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))];
    return { p50: pct(50), p99: pct(99), max: samples[samples.length - 1], bytes: first.rawPayload.length, articles };
  }

  const gz = await round({ "accept-encoding": "gzip, deflate, br" });
  const plain = await round({});
  const fmt = (n: number) => n.toFixed(2);
  console.log(`shop page with ${LISTINGS} live listings (${plain.articles} shown), ${REQUESTS} requests per round, SQLite`);
  console.log(`gzip:   p50 ${fmt(gz.p50)} ms, p99 ${fmt(gz.p99)} ms, max ${fmt(gz.max)} ms, ${(gz.bytes / 1024).toFixed(1)} kB sent`);
  console.log(`plain:  p50 ${fmt(plain.p50)} ms, p99 ${fmt(plain.p99)} ms, max ${fmt(plain.max)} ms, ${(plain.bytes / 1024).toFixed(1)} kB sent`);
  const worst = Math.max(gz.p99, plain.p99);
  console.log(`target: p99 < ${TARGET_P99_MS} ms ${worst < TARGET_P99_MS ? "OK" : "ABOVE TARGET"}`);
  process.exitCode = worst < TARGET_P99_MS ? 0 : 1;
} finally {
  await app.stop();
  rmSync(dir, { recursive: true, force: true });
}
