// GET /metrics (src/http/metrics.ts): Prometheus text with the engine's turns and sends, the outbox,
// orders and HTTP requests; served to a bearer of METRICS_TOKEN only (a 404 to anyone else), or,
// without a token, to this machine. /readyz says whether the database has every migration this code needs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { Chat, startFakeBotApi } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";
import { send, startSecApp, type SecApp } from "./support/security.ts";

const testDb = useTestDatabase();
const TOKEN = "metrics-token-0123456789abcdef";
let tg: FakeTelegram;
let app: SecApp;

beforeAll(async () => {
  tg = await startFakeBotApi();
  app = await startSecApp(testDb.url, { telegram: tg, env: { METRICS_TOKEN: TOKEN, LOG_LEVEL: "info" } });
}, 30_000);
afterAll(async () => {
  await app?.stop();
  await tg?.close();
});

const scrape = (auth?: string) => send(app.url, "/metrics", { headers: auth ? { authorization: auth } : {} });

/** The value of one sample line ("name{labels} value"), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const m = line.match(/^([a-z_]+)(?:\{(.*)\})? (\S+)$/);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe("GET /metrics", () => {
  it("is a 404 without the token, with a wrong one of the same length, or with it outside a bearer header", async () => {
    for (const auth of [undefined, `Bearer ${"x".repeat(TOKEN.length)}`, TOKEN, `Basic ${TOKEN}`]) {
      const res = await scrape(auth);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain("choso_");
    }
  });

  it("counts a chat turn, its sends, the outbox, orders and HTTP requests", async () => {
    const unmatched = { method: "GET", route: "unmatched", status: "404" };
    // refused scrapes the other test may have made already: counted from here
    const before = sample((await scrape(`Bearer ${TOKEN}`)).text, "choso_http_request_duration_seconds_count", unmatched) ?? 0;
    for (const auth of [undefined, `Bearer ${"x".repeat(TOKEN.length)}`]) expect((await scrape(auth)).status).toBe(404);
    const chat = new Chat(tg, { id: 7_100_001, first_name: "Lan", language_code: "vi" });
    await chat.send("/start", /./);
    await send(app.url, "/healthz");
    await send(app.url, `/don/secret-order-token-${"x".repeat(20)}`);
    await testDb.db.chatOutbox.create({ data: { channel: "telegram", chatKey: "42", locale: "vi", message: JSON.stringify({ text: "x" }), leaseUntil: Date.now() + 3_600_000, createdAt: new Date(Date.now() - 90_000) } });

    const res = await scrape(`Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = res.text;
    expect(sample(text, "choso_turns_total", { channel: "telegram", status: "handled" })).toBe(1);
    expect(sample(text, "choso_turn_duration_seconds_count", { channel: "telegram" })).toBe(1);
    expect(sample(text, "choso_sends_total", { channel: "telegram", result: "ok" })).toBe(tg.sent(7_100_001).length);
    expect(sample(text, "choso_outbox_pending")).toBe(1);
    expect(sample(text, "choso_outbox_oldest_age_seconds")).toBeGreaterThanOrEqual(90);
    expect(sample(text, "choso_http_request_duration_seconds_count", { method: "GET", route: "/healthz", status: "200" })).toBe(1);
    // the route's pattern, never a path that may hold a token
    // a refused scrape looks like a path nothing serves; a path's token never becomes a label
    expect(sample(text, "choso_http_request_duration_seconds_count", unmatched)).toBe(before + 2);
    expect(sample(text, "choso_http_request_duration_seconds_count", { method: "GET", route: "/don/:token" })).toBe(1);
    expect(text).not.toContain("secret-order-token");
    expect(sample(text, "choso_process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(text).toContain("# TYPE choso_orders gauge");
  });

  it("/readyz: ready with every migration applied, 503 naming it when one is missing", async () => {
    const ready = await send(app.url, "/readyz");
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text).checks.database).toEqual({ ok: true });
    const [last] = await testDb.db.$queryRawUnsafe<Array<{ id: string; migration_name: string }>>(
      "SELECT id, migration_name FROM _prisma_migrations ORDER BY migration_name DESC LIMIT 1",
    );
    await testDb.db.$executeRawUnsafe(`UPDATE _prisma_migrations SET migration_name = 'renamed' WHERE id = '${last.id}'`);
    try {
      const pending = await send(app.url, "/readyz");
      expect(pending.status).toBe(503);
      expect(JSON.parse(pending.text).checks.database).toEqual({ ok: false, problem: "migrations_pending", detail: "1 not applied" });
    } finally {
      await testDb.db.$executeRawUnsafe(`UPDATE _prisma_migrations SET migration_name = '${last.migration_name}' WHERE id = '${last.id}'`);
    }
    expect((await send(app.url, "/readyz")).status).toBe(200);
  });
});
