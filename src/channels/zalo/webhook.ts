// Zalo webhook route. The X-Bot-Api-Secret-Token header (a shared secret, not a signature) is checked
// in constant time before the body is even read; anything else gets 401. The body, at most 1 MiB, must
// be a Zalo update (wrapped in {ok, result} or bare); one whose content does not fit is acknowledged
// and skipped with a log line. The answer (200) waits for the update's turn to be committed, at most
// ACK_WAIT_MS: a crash before it leaves the update unanswered, so Zalo may send it again, and the
// engine dedupes redeliveries, answers its own failures with an apology, and logs anything else.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { settledWithin } from "../../http/ack.ts";
import { LIMITS, perAddress, type RateLimits } from "../../http/rate-limit.ts";
import { secretMatches } from "../../http/secret.ts";
import type { ZaloChannel } from "./channel.ts";
import { looksLikeUpdate, unwrapUpdates } from "./schema.ts";

export const ZALO_WEBHOOK_PATH = "/webhook/zalo";
const SECRET_HEADER = "x-bot-api-secret-token";

export function registerZaloWebhook(app: FastifyInstance, channel: ZaloChannel, secret: string, limits?: RateLimits): void {
  // Calls with a wrong secret are counted per address (and refused with 429 past the limit); the
  // platform's own calls, with the right secret, are never counted.
  const rightSecret = (request: FastifyRequest) => secretMatches(request.headers[SECRET_HEADER], secret);
  const limit = limits?.hook("webhook", [perAddress(LIMITS.webhookWrongSecret)], (_req, reply) => reply.code(429).send({ ok: false }), rightSecret);
  app.post(
    ZALO_WEBHOOK_PATH,
    {
      bodyLimit: 1024 * 1024,
      onRequest: [
        ...(limit ? [limit] : []),
        async (request: FastifyRequest, reply: FastifyReply) => {
          if (!rightSecret(request)) return reply.code(401).send({ ok: false });
        },
      ],
    },
    async (request, reply) => {
      // After a 401 from Zalo no reply could be sent: better not to move conversations on unseen.
      if (channel.stopped) return reply.code(503).send({ ok: false });
      const updates = unwrapUpdates(request.body);
      if (!updates) {
        if (!looksLikeUpdate(request.body)) return reply.code(400).send({ ok: false });
        // An update whose content does not fit (a number for a text...): acknowledged and skipped.
        channel.skipped();
        return reply.code(200).send({ ok: true });
      }
      // Handed over synchronously, in order; the answer waits for their turns' commit (bounded).
      await settledWithin(Promise.all(updates.map((update) => channel.accept(update))));
      return reply.code(200).send({ ok: true });
    },
  );
}
