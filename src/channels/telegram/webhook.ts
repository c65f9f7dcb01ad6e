// Telegram webhook route. The secret_token header is checked in constant time before the body is read;
// anything else gets 401 and is not looked at. The body, at most 1 MiB, must be JSON with an update_id;
// an update whose content does not fit the shape the bot reads is acknowledged and skipped (see
// TelegramChannel.check): Telegram would otherwise send it again and again.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { LIMITS, perAddress, type RateLimits } from "../../http/rate-limit.ts";
import { secretMatches } from "../../http/secret.ts";
import type { TelegramChannel } from "./channel.ts";

export const TELEGRAM_WEBHOOK_PATH = "/webhook/telegram";
const SECRET_HEADER = "x-telegram-bot-api-secret-token";

const updateShape = z.looseObject({ update_id: z.number().int().nonnegative() });

export function registerTelegramWebhook(app: FastifyInstance, channel: TelegramChannel, secret: string, limits?: RateLimits): void {
  // Calls with a wrong secret are counted per address (and refused with 429 past the limit); the
  // platform's own calls, with the right secret, are never counted.
  const rightSecret = (request: FastifyRequest) => secretMatches(request.headers[SECRET_HEADER], secret);
  const limit = limits?.hook("webhook", [perAddress(LIMITS.webhookWrongSecret)], (_req, reply) => reply.code(429).send({ ok: false }), rightSecret);
  app.post(
    TELEGRAM_WEBHOOK_PATH,
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
      const parsed = updateShape.safeParse(request.body);
      if (!parsed.success) return reply.code(400).send({ ok: false });
      // Not connected yet (Telegram unreachable at start): Telegram redelivers after an error answer.
      if (!channel.ready) return reply.code(503).send({ ok: false });
      // Handled before answering: Telegram redelivers on failure, and the engine dedupes redeliveries.
      await channel.handleUpdate(parsed.data);
      return reply.code(200).send({ ok: true });
    },
  );
}
