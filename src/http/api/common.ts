// Shared pieces of the HTTP APIs: JSON errors for machines, and API-key authentication.
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from "fastify";
import type { ApiKey } from "../../api-keys.ts";
import { bearerToken, findClient } from "./keys.ts";

export function apiError(reply: FastifyReply, status: number, error: string, message: string, extra: Record<string, unknown> = {}) {
  return reply.code(status).send({ error, message, ...extra });
}

interface Issue {
  path: PropertyKey[];
  message: string;
}

const fieldName = (path: PropertyKey[]) => (path.length ? path.map(String).join(".") : "(body)");

/** 400 naming the first bad field, with every problem listed. */
export function invalidBody(reply: FastifyReply, issues: readonly Issue[]) {
  const all = issues.map((i) => ({ field: fieldName(i.path), message: i.message }));
  return apiError(reply, 400, "invalid_body", `${all[0].field}: ${all[0].message}`, { field: all[0].field, issues: all });
}

/** Who is calling, by API key: a hook that answers 401 before the body is read, and the client it found. */
export interface ApiClientAuth {
  hook: onRequestHookHandler;
  client(request: FastifyRequest): string;
}

export function apiKeyAuth(keys: readonly ApiKey[], realm: string): ApiClientAuth {
  const clients = new WeakMap<FastifyRequest, string>();
  return {
    hook(request, reply, done) {
      const client = findClient(bearerToken(request.headers.authorization), keys);
      if (!client) {
        reply
          .code(401)
          .header("www-authenticate", `Bearer realm="${realm}"`)
          .send({ error: "unauthorized", message: "send Authorization: Bearer <API key>" });
        return;
      }
      clients.set(request, client);
      done();
    },
    client(request) {
      const client = clients.get(request);
      if (!client) throw new Error("route without API key authentication");
      return client;
    },
  };
}
