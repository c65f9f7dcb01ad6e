// The machine APIs under /api/v1: orders from partner marketplaces, and the carriers' pickup API.
// Every answer is JSON (the CSV export aside), errors included: { error: "<code>", message, ... }.
import type { FastifyError, FastifyInstance, FastifyRequest } from "fastify";
import type { OrderService } from "../../core/order-service.ts";
import type { Db } from "../../db/client.ts";
import type { Logger } from "../../log.ts";
import { carrierRoutes } from "./carrier.ts";
import { apiError, apiKeyAuth } from "./common.ts";
import type { ApiKey } from "../../api-keys.ts";
import { orderRoutes } from "./orders.ts";
import { bearerToken, findClient } from "./keys.ts";
import { clientAddress, LIMITS, type RateLimits } from "../rate-limit.ts";

export interface ApiDeps {
  db: Db;
  orders: OrderService;
  log: Logger;
  partnerKeys: readonly ApiKey[];
  carrierKeys: readonly ApiKey[];
  /** where the buyer's status page links point (relative links without it) */
  publicUrl?: string;
  limits?: RateLimits;
}

export const API_PREFIX = "/api/v1";

export function registerApi(http: FastifyInstance, deps: ApiDeps): void {
  const log = deps.log.child({ component: "api" });
  void http.register(
    async (api) => {
      // Parser and size errors become JSON a client program can act on; anything else is a 500 with
      // no details (those go to the log).
      api.setErrorHandler((err: FastifyError, request, reply) => {
        const code = err.code ?? "";
        if (code === "FST_ERR_CTP_BODY_TOO_LARGE") return apiError(reply, 413, "body_too_large", "the request body is too large");
        if (code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
          return apiError(reply, 415, "unsupported_media_type", "send Content-Type: application/json");
        }
        if (code.startsWith("FST_ERR_CTP_") || (err.statusCode === 400 && err instanceof SyntaxError)) {
          return apiError(reply, 400, "invalid_json", "the request body is not valid JSON");
        }
        if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
          return apiError(reply, err.statusCode, "bad_request", "the request could not be read");
        }
        request.log.error({ err }, "api request failed");
        return apiError(reply, 500, "internal_error", "something went wrong on our side; retry later (same Idempotency-Key)");
      });
      api.setNotFoundHandler((_request, reply) => apiError(reply, 404, "not_found", "no such API endpoint"));
      // Counted per API client, and per address for calls without a valid key (guessing keys).
      if (deps.limits) {
        const keys = [...deps.partnerKeys, ...deps.carrierKeys];
        const client = (request: FastifyRequest) => findClient(bearerToken(request.headers.authorization), keys);
        api.addHook(
          "onRequest",
          deps.limits.hook(
            "api",
            [
              { limit: LIMITS.apiPerClient, key: (request) => client(request) },
              { limit: LIMITS.apiWithoutKey, key: (request) => (client(request) === null ? clientAddress(request) : null) },
            ],
            (_request, reply, after) => apiError(reply, 429, "rate_limited", `too many requests; retry after ${after} s`, { retryAfterSeconds: after }),
          ),
        );
      }
      // Answers carry buyers' names, phones and addresses (and errors may name them): never kept by a
      // browser or a proxy.
      api.addHook("onRequest", (_request, reply, done) => {
        reply.header("cache-control", "no-store");
        done();
      });

      orderRoutes(api, { db: deps.db, orders: deps.orders, log, publicUrl: deps.publicUrl, partner: apiKeyAuth(deps.partnerKeys, "orders") });
      carrierRoutes(api, { db: deps.db, orders: deps.orders, carrier: apiKeyAuth(deps.carrierKeys, "carriers") });
    },
    { prefix: API_PREFIX },
  );
}
