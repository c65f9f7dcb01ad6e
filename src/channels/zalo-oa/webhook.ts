// OA webhook route. Zalo signs each event with X-ZEvent-Signature over the raw body, so the route reads
// the body as text (its own JSON parser, in its own scope) and checks the signature before anything
// else; a wrong or missing one gets 401. Events of another app, and events older than MAX_AGE_MS (a
// replay) or from the future, are refused too; a replay within the window is handled once, because the
// engine dedupes by message id. The answer waits for the turn to be committed (its replies are then in
// the outbox), so that a crash before that leaves the event to Zalo's retry, which the dedupe makes
// harmless; Zalo wants an answer within about 2 s, so past ACK_WAIT_MS the answer goes anyway and the
// turn finishes after it.
// Calls with a wrong or missing signature are counted per address, like wrong secrets on the other
// webhooks (429 past the limit); the signature covers the body, so it is checked once the body (at most
// 1 MiB) is read, not before as the other webhooks' shared secrets are.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { settledWithin } from "../../http/ack.ts";
import { LIMITS, perAddress, type RateLimits } from "../../http/rate-limit.ts";
import type { ZaloOaChannel } from "./channel.ts";
import { signatureMatches } from "./inbound.ts";
import { oaEventSchema } from "./schema.ts";

export const ZALO_OA_WEBHOOK_PATH = "/webhook/zalo-oa";
const SIGNATURE_HEADER = "x-zevent-signature";
/** Zalo retries a webhook it could not deliver with the same timestamp: leave room for its retries. */
export const MAX_AGE_MS = 60 * 60_000;
const MAX_SKEW_MS = 5 * 60_000;

export function registerZaloOaWebhook(
  app: FastifyInstance,
  channel: ZaloOaChannel,
  opts: { appId: string; secretKey: string },
  limits?: RateLimits,
): void {
  const rightSignature = (request: FastifyRequest) => {
    const raw = typeof request.body === "string" ? request.body : "";
    const fields = signedFields(raw);
    return !!fields && signatureMatches(request.headers[SIGNATURE_HEADER], raw, fields.appId, fields.timestamp, opts.secretKey);
  };
  const limit = limits?.hook("webhook", [perAddress(LIMITS.webhookWrongSecret)], (_req, reply) => reply.code(429).send({ error: -1 }), rightSignature);
  const refuseUnsigned = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!rightSignature(request)) return reply.code(401).send({ error: -1 });
  };
  void app.register(async (scope) => {
    scope.addContentTypeParser("application/json", { parseAs: "string", bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));
    scope.post(ZALO_OA_WEBHOOK_PATH, { preHandler: [...(limit ? [limit] : []), refuseUnsigned] }, async (request, reply) => {
      const raw = request.body as string; // signed, so a string (refuseUnsigned)
      const event = oaEventSchema.safeParse(JSON.parse(raw));
      if (!event.success) {
        // Signed by Zalo but not of a shape the bot reads: acknowledged (a refusal would only bring it
        // back, again and again) and skipped with a line naming the fields at fault, never their values.
        channel.skipped([...new Set(event.error.issues.map((i) => i.path.join(".") || "(event)"))].slice(0, 5));
        return reply.code(200).send({ error: 0 });
      }
      if (event.data.app_id !== opts.appId) return reply.code(400).send({ error: -1 });
      const age = Date.now() - event.data.timestamp;
      if (age > MAX_AGE_MS || age < -MAX_SKEW_MS) return reply.code(401).send({ error: -1 });
      if (!channel.accepting) return reply.code(503).send({ error: -1 });
      await settledWithin(channel.accept(event.data));
      return reply.code(200).send({ error: 0 });
    });
  });
}

/** app_id and timestamp as they are written in the body (the signature covers their text). */
function signedFields(raw: string): { appId: string; timestamp: string } | null {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof body !== "object" || body === null) return null;
  const { app_id, timestamp } = body as { app_id?: unknown; timestamp?: unknown };
  const text = (v: unknown) => (typeof v === "string" ? v : typeof v === "number" && Number.isInteger(v) ? String(v) : null);
  const appId = text(app_id);
  const ts = text(timestamp);
  return appId && ts ? { appId, timestamp: ts } : null;
}
