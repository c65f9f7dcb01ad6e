// Rate limits on public writes and token lookups (@fastify/rate-limit, its in-memory store): each
// limited route gets an onRequest hook that counts the request under one or more keys (the client's
// address, a web chat session, an API client) and answers 429 with Retry-After once a count is over.
//
// The client's address is `request.ip`: the socket's address, or, behind a proxy named in TRUST_PROXY,
// the address that proxy saw (never a forwarded header from anyone else). An IPv6 client counts by its
// /64, which one household or phone usually holds whole.
//
// Counts are kept in the database when several instances share it (rate-store.ts; the default on
// PostgreSQL), so a client spread over N instances still gets the limit once; else in the process.
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from "fastify";
import type { Db } from "../db/client.ts";
import { databaseRateStore } from "./rate-store.ts";

export interface Limit {
  max: number;
  windowMs: number;
}

const MINUTE = 60_000;

/**
 * The defaults, chosen for people on a phone: generous enough for a buyer on a shared mobile address
 * (carrier-grade NAT puts many people behind one IPv4 address), far below a script's pace. A script
 * placed 3,572 orders in 60 s from one address; these allow 20 in 10 minutes.
 */
export const LIMITS = {
  /** POST /s/:slug, per address */
  orderForm: { max: 20, windowMs: 10 * MINUTE },
  /** POST /chat/api/send, per address and per chat session */
  chatSendPerIp: { max: 120, windowMs: MINUTE },
  chatSendPerSession: { max: 40, windowMs: MINUTE },
  /** GET /chat/api/poll, per address (a page polls every few seconds) */
  chatPoll: { max: 240, windowMs: MINUTE },
  /** POST /gia/:product/bao (price alerts by phone), per address: a buyer asks for a few products */
  priceAlertForm: { max: 10, windowMs: 10 * MINUTE },
  /** GET /don/:token, per address */
  orderStatus: { max: 60, windowMs: MINUTE },
  /** GET and POST /dangnhap/:token, per address */
  loginLink: { max: 20, windowMs: 10 * MINUTE },
  /** /api/v1: per API client, and per address for calls without a valid key */
  apiPerClient: { max: 600, windowMs: MINUTE },
  apiWithoutKey: { max: 30, windowMs: MINUTE },
  /** webhook calls with a wrong secret, per address (calls with the right secret are not counted) */
  webhookWrongSecret: { max: 30, windowMs: MINUTE },
} satisfies Record<string, Limit>;

/** What a limited request is answered: the route's own kind of page or JSON, with status 429. */
export type Deny = (request: FastifyRequest, reply: FastifyReply, retryAfterSeconds: number) => unknown;

export interface Counted {
  limit: Limit;
  /** the key counted for this request; null: not counted under this limit */
  key: (request: FastifyRequest) => string | null;
}

export interface RateLimits {
  /** An onRequest hook counting each request under every limit given; `skip` requests are not counted. */
  hook(name: string, counted: Counted[], deny: Deny, skip?: (request: FastifyRequest) => boolean): onRequestHookHandler;
}

/** Registers the plugin on the server (no global limit: only routes given a hook are counted). */
export function rateLimits(app: FastifyInstance, factor: number, shared?: Db): RateLimits {
  // A shared count that cannot be read lets the request through (skipOnError): the database is then
  // down for the request itself too, and refusing everyone would not protect anyone.
  void app.register(rateLimit, shared ? { global: false, store: databaseRateStore(shared), skipOnError: true } : { global: false, cache: 20_000 });
  return {
    hook(name, counted, deny, skip) {
      if (factor === 0) return async () => undefined;
      type Check = ReturnType<FastifyInstance["createRateLimit"]>;
      // Made on first use: the plugin's decorator exists once the server has loaded its plugins.
      let checks: Check[] | undefined;
      return async (request, reply) => {
        if (skip?.(request)) return;
        checks ??= counted.map((c, i) =>
          app.createRateLimit({
            max: Math.max(1, Math.round(c.limit.max * factor)),
            timeWindow: c.limit.windowMs,
            keyGenerator: (req) => `${name}:${i}:${c.key(req)}`,
          }),
        );
        for (let i = 0; i < counted.length; i++) {
          if (counted[i].key(request) === null) continue;
          const result = await checks[i](request);
          if (!result.isAllowed && result.isExceeded) {
            reply.header("retry-after", String(Math.max(1, result.ttlInSeconds)));
            return deny(request, reply, Math.max(1, result.ttlInSeconds));
          }
        }
      };
    },
  };
}

/** The client's address as counted: IPv4 as it is, IPv6 by its first 64 bits. */
export function clientAddress(request: FastifyRequest): string {
  const ip = request.ip ?? "";
  if (!ip.includes(":")) return ip;
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip)) return ip.slice(7);
  const [head, tail = ""] = ip.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = ip.includes("::") && tail ? tail.split(":") : [];
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

export const perAddress = (limit: Limit): Counted => ({ limit, key: clientAddress });
