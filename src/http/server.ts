// The HTTP server: health check and webhooks (later: shop pages, APIs).
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Db } from "../db/client.ts";
import type { Logger } from "../log.ts";

export function buildHttpServer(opts: { db: Db; log: Logger }): FastifyInstance {
  const app = Fastify({
    // Request lines are logged at info by fastify; keep the http logger at warn so logs stay one line
    // per update (and never carry query strings that might hold personal data).
    loggerInstance: opts.log.child({ component: "http" }, { level: opts.log.levelVal > 40 ? opts.log.level : "warn" }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
  });

  app.get("/healthz", async (_req, reply) => {
    try {
      await opts.db.$queryRawUnsafe("SELECT 1");
      return { ok: true };
    } catch {
      return reply.code(503).send({ ok: false });
    }
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
