// GET /metrics in Prometheus's text format (prom-client): what an operator watches on a deployment.
// - counted as they happen: turns by channel and outcome with their duration, sends by result (ok,
//   429, blocked, …), HTTP requests by route with their duration;
// - read from the database at each scrape (one small query each): replies owed in the chat outbox and
//   the age of the oldest, announcements still to send, orders by state;
// - the process's own: CPU, memory, event-loop lag (prom-client's defaults).
// Who may read it: with METRICS_TOKEN set, a caller with `Authorization: Bearer <token>`; without it,
// only this machine (the socket's own address, never a forwarded header). Anyone else gets a 404.
import type { FastifyInstance } from "fastify";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Db } from "../db/client.ts";
import type { EngineObserver } from "../engine/observer.ts";
import { secretMatches } from "./secret.ts";

export interface Metrics {
  /** for the engine */
  observer: EngineObserver;
  registry: Registry;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

export function createMetrics(db: Db): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "choso_" });

  const turns = new Counter({ name: "choso_turns_total", help: "Chat updates by channel and outcome", labelNames: ["channel", "status"], registers: [registry] });
  const turnSeconds = new Histogram({
    name: "choso_turn_duration_seconds",
    help: "From an update's turn starting to its state and replies committed",
    labelNames: ["channel"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const sends = new Counter({ name: "choso_sends_total", help: "Chat messages sent, by channel and result", labelNames: ["channel", "result"], registers: [registry] });

  new Gauge({
    name: "choso_outbox_pending",
    help: "Replies and notices owed in the chat outbox",
    registers: [registry],
    async collect() {
      this.set(await db.chatOutbox.count());
    },
  });
  new Gauge({
    name: "choso_outbox_oldest_age_seconds",
    help: "Age of the oldest reply still owed (0 when none)",
    registers: [registry],
    async collect() {
      const oldest = await db.chatOutbox.findFirst({ orderBy: { id: "asc" }, select: { createdAt: true } });
      this.set(oldest ? Math.max(0, (Date.now() - oldest.createdAt.getTime()) / 1000) : 0);
    },
  });
  new Gauge({
    name: "choso_broadcast_messages",
    help: "Announcement messages by state (pending, sending, sent, failed, blocked, cancelled)",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await db.outboxMessage.groupBy({ by: ["status"], _count: { _all: true } })) this.set({ status: row.status }, row._count._all);
    },
  });
  new Gauge({
    name: "choso_orders",
    help: "Orders by state",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await db.order.groupBy({ by: ["status"], _count: { _all: true } })) this.set({ status: row.status }, row._count._all);
    },
  });

  return {
    observer: {
      turn(channel, status, seconds) {
        turns.inc({ channel, status });
        if (status === "handled") turnSeconds.observe({ channel }, seconds);
      },
      sent(channel, result) {
        sends.inc({ channel, result });
      },
    },
    registry,
  };
}

/** The route and the HTTP request histogram. */
export function registerMetrics(app: FastifyInstance, { registry }: Metrics, token: string | undefined): void {
  const requests = new Histogram({
    name: "choso_http_request_duration_seconds",
    help: "HTTP requests by method, route pattern and status",
    labelNames: ["method", "route", "status"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook("onResponse", (request, reply, done) => {
    // the route's pattern ("/s/:slug"), never the path itself (it may hold tokens)
    const route = request.routeOptions.url ?? "unmatched";
    requests.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
  app.get("/metrics", async (request, reply) => {
    const allowed = token ? secretMatches(bearer(request.headers.authorization), token) : LOOPBACK.has(request.socket.remoteAddress ?? "");
    if (!allowed) return reply.callNotFound();
    reply.header("content-type", registry.contentType).header("cache-control", "no-store");
    return registry.metrics();
  });
}

function bearer(header: string | undefined): string | undefined {
  return header?.startsWith("Bearer ") ? header.slice(7) : undefined;
}
