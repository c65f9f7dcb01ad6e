// POST /webhook/bank/sepay and /webhook/bank/casso: banks' notifications of money in, through SePay or
// Casso (issue 21 part 4). The signature (or key) is checked in constant time before the body is
// trusted; a missing or wrong one is 401, a stale timestamp 401, a body that is not the provider's 400.
// Every authenticated transfer gets 200 {"success": true}, whatever it meant (paid, underpaid,
// unmatched, a duplicate, money out), so the provider does not retry it; only a database problem is a
// 500, which the provider retries (the same id: recorded once).
import type { FastifyInstance } from "fastify";
import type { BankTransferService } from "../core/bank-transfers.ts";
import type { Logger } from "../log.ts";
import { parseCasso, verifyCasso, type CassoAuth } from "./bank/casso.ts";
import { parseSepay, verifySepay, type SepayAuth } from "./bank/sepay.ts";

export const SEPAY_WEBHOOK_PATH = "/webhook/bank/sepay";
export const CASSO_WEBHOOK_PATH = "/webhook/bank/casso";

export interface BankWebhookOptions {
  sepay?: SepayAuth;
  casso?: CassoAuth;
  /** the clock for timestamp windows (tests) */
  now?: () => number;
}

const parseJson = (raw: string): { ok: true; body: unknown } | { ok: false } => {
  try {
    return { ok: true, body: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
};

/** The service is answered once the transfer is recorded; the chats are told after (from the outbox). */
const NO_WAIT = { waitForSends: false } as const;

export function registerBankWebhooks(app: FastifyInstance, transfers: BankTransferService, opts: BankWebhookOptions, log: Logger): void {
  const now = opts.now ?? Date.now;
  void app.register(async (scope) => {
    // The raw text, as signed: SePay's HMAC covers the bytes received.
    scope.addContentTypeParser("application/json", { parseAs: "string", bodyLimit: 256 * 1024 }, (_req, body, done) => done(null, body));

    if (opts.sepay?.secret || opts.sepay?.apiKey) {
      const auth = opts.sepay;
      scope.post(SEPAY_WEBHOOK_PATH, async (request, reply) => {
        const raw = typeof request.body === "string" ? request.body : "";
        const verdict = verifySepay(request.headers, raw, auth, now());
        if (!verdict.ok) {
          log.warn({ provider: "sepay", reason: verdict.reason }, "bank webhook refused");
          return reply.code(401).send({ success: false, message: "unauthorized" });
        }
        const json = parseJson(raw);
        const parsed = json.ok ? parseSepay(json.body) : { error: "not JSON" };
        if ("error" in parsed) return reply.code(400).send({ success: false, message: parsed.error });
        if (parsed.transfer) await transfers.receive(parsed.transfer, new Date(), NO_WAIT);
        return reply.code(200).send({ success: true });
      });
    }

    if (opts.casso?.checksumKey || opts.casso?.secureToken) {
      const auth = opts.casso;
      scope.post(CASSO_WEBHOOK_PATH, async (request, reply) => {
        const json = parseJson(typeof request.body === "string" ? request.body : "");
        // Casso v2 signs the parsed body (keys sorted), not the bytes: parsed first, trusted only once verified.
        const verdict = json.ok ? verifyCasso(request.headers, json.body, auth, now()) : ({ ok: false, reason: "bad_signature" } as const);
        if (!verdict.ok) {
          log.warn({ provider: "casso", reason: verdict.reason }, "bank webhook refused");
          return reply.code(401).send({ success: false, message: "unauthorized" });
        }
        const parsed = parseCasso(json.ok ? json.body : null);
        if ("error" in parsed) return reply.code(400).send({ success: false, message: parsed.error });
        for (const transfer of parsed.transfers) await transfers.receive(transfer, new Date(), NO_WAIT);
        return reply.code(200).send({ success: true });
      });
    }
  });
}
