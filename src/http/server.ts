// The HTTP server: health check and webhooks (later: shop pages, APIs).
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Db } from "../db/client.ts";
import type { Logger } from "../log.ts";

export interface HttpServerOptions {
  db: Db;
  log: Logger;
  /** details for /healthz (e.g. each channel's state); never secrets */
  details?: () => Record<string, unknown>;
  /** the migrations this code needs applied (/readyz is 503 until they are) */
  migrations?: string[];
  /** what /readyz checks besides the database: each part ready or not, with why; never secrets */
  readiness?: () => Record<string, { ok: boolean; problem?: string; detail?: string }>;
  /** proxies whose X-Forwarded-For is believed (TRUST_PROXY); unset: the socket's address is the client */
  trustProxy?: string | number;
  /** the answer to a path nothing serves (default: a short JSON error); never echoes the request */
  notFound?: (request: FastifyRequest, reply: FastifyReply) => unknown;
}

export function buildHttpServer(opts: HttpServerOptions): FastifyInstance {
  const app = Fastify({
    // Request lines are logged at info by fastify; keep the http logger at warn so logs stay one line
    // per update (and never carry query strings that might hold personal data).
    loggerInstance: opts.log.child({ component: "http" }, { level: opts.log.levelVal > 40 ? opts.log.level : "warn" }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    // A hop count trusts that many proxies in front of us (the i-th address from the socket's end).
    trustProxy: typeof opts.trustProxy === "number" ? ((_addr: string, i: number) => i < (opts.trustProxy as number)) : (opts.trustProxy ?? false),
  });

  // No response is ever sniffed into another type (a JSON error shown as HTML, an upload as a script).
  app.addHook("onRequest", (_request, reply, done) => {
    reply.header("x-content-type-options", "nosniff");
    done();
  });
  // fastify's own 404 repeats the method and URL ("Route GET:/… not found"): not ours.
  app.setNotFoundHandler(opts.notFound ?? ((_request, reply) => reply.code(404).send({ ok: false, error: "not found" })));

  // "The process lives and the database answers." A channel that cannot reach its platform does not
  // make the service unhealthy (the others still work); its state is in the details.
  app.get("/healthz", async (_req, reply) => {
    const details = opts.details?.() ?? {};
    try {
      await opts.db.$queryRawUnsafe("SELECT 1");
      return { ok: true, ...details };
    } catch {
      return reply.code(503).send({ ok: false, ...details });
    }
  });

  // "Ready to serve": the database answers with every migration this code needs applied, and no part
  // needs an operator (a token a platform refused, an OA token expired); 503 names what is wrong. A
  // channel that is merely unreachable stays ready. Migrations newer than the code (a rolling upgrade
  // migrates first) are fine.
  app.get("/readyz", async (_req, reply) => {
    const checks: Record<string, { ok: boolean; problem?: string; detail?: string }> = { ...opts.readiness?.() };
    try {
      const rows = await opts.db.$queryRawUnsafe<Array<{ migration_name: string }>>(
        "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
      );
      const applied = new Set(rows.map((r) => r.migration_name));
      const pending = (opts.migrations ?? []).filter((m) => !applied.has(m));
      checks.database = pending.length === 0 ? { ok: true } : { ok: false, problem: "migrations_pending", detail: `${pending.length} not applied` };
    } catch {
      checks.database = { ok: false, problem: "unreachable" };
    }
    const ok = Object.values(checks).every((c) => c.ok);
    return reply.code(ok ? 200 : 503).send({ ok, checks });
  });

  // Browsers keep spare connections open that may never carry a request (preconnect); on close Node
  // would wait for them until headersTimeout (60 s). Requests in flight get a moment, then all go.
  app.addHook("preClose", (done) => {
    setTimeout(() => app.server.closeAllConnections(), 2000).unref();
    done();
  });

  // Never show internals to callers: a generic message, details only in the log.
  app.setErrorHandler((err: { statusCode?: number }, request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) request.log.error({ err }, "request failed");
    reply.code(status).send({ ok: false, error: status === 500 ? "internal error" : "bad request" });
  });

  return app;
}
