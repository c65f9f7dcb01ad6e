// A small client for the OA messaging API: POST `${apiRoot}/v3.0/oa/message/cs` with the access token
// in the `access_token` header. Zalo answers HTTP 200 with `{error: 0, data}` on success and a negative
// `error` on failure. Policy:
// - -216 (invalid access token, what an expired one gets): one refresh, then the same call once more;
// - -220 (token expired or removed) or a refresh Zalo refuses: the token is dead, OaTokenRefused;
// - a request that timed out is not repeated (it may have been delivered).
import type { Logger } from "../../log.ts";
import { oaEnvelopeSchema, oaSentSchema } from "./schema.ts";
import { OaTokenRefused, type OaTokens } from "./tokens.ts";

export const ZALO_OA_DEFAULT_API_ROOT = "https://openapi.zalo.me";

/** Error codes of the OA API, as documented and seen. */
export const OA_ERRORS = {
  invalidToken: -216,
  tokenExpired: -220,
  notFollower: -213,
  noInteraction: -230,
  noInteraction2: -232,
  rateLimited: -32,
  invalidField: -201,
  outOfQuota: -211,
} as const;

export class OaApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
  ) {
    super(`Zalo OA call failed: ${code} ${description}`);
  }
}

export class OaTimeoutError extends Error {}
export class OaNetworkError extends Error {}

export interface OaButton {
  title: string;
  payload: string;
}

export type OaMessage =
  | { text: string }
  | { text: string; attachment: { type: "template"; payload: { buttons: Array<OaButton & { type: "oa.query.show" }> } } }
  | { text?: string; attachment: { type: "template"; payload: { template_type: "media"; elements: Array<{ media_type: "image"; url: string }> } } };

export interface OaClientOptions {
  tokens: OaTokens;
  apiRoot?: string;
  log: Logger;
  requestTimeoutMs?: number;
}

export class OaClient {
  private readonly apiRoot: string;

  constructor(private readonly opts: OaClientOptions) {
    this.apiRoot = (opts.apiRoot ?? ZALO_OA_DEFAULT_API_ROOT).replace(/\/+$/, "");
  }

  /** One consultation message ("tin tư vấn") to a user; returns Zalo's message id. */
  async send(userId: string, message: OaMessage): Promise<string | undefined> {
    const body = { recipient: { user_id: userId }, message };
    let token = await this.opts.tokens.accessToken();
    try {
      return await this.post("/v3.0/oa/message/cs", token, body);
    } catch (err) {
      if (!(err instanceof OaApiError && err.code === OA_ERRORS.invalidToken)) throw this.fatal(err);
      this.opts.log.info("Zalo OA refused the access token (-216); refreshing it and sending again");
      token = await this.opts.tokens.refresh(token);
      try {
        return await this.post("/v3.0/oa/message/cs", token, body);
      } catch (again) {
        throw this.fatal(again, true);
      }
    }
  }

  /** -220, or -216 right after a refresh: the token is dead for good. */
  private fatal(err: unknown, afterRefresh = false): unknown {
    if (err instanceof OaApiError && (err.code === OA_ERRORS.tokenExpired || (afterRefresh && err.code === OA_ERRORS.invalidToken))) {
      return new OaTokenRefused(`${err.code} ${err.description}`.slice(0, 120), false);
    }
    return err;
  }

  private async post(path: string, token: string, body: unknown): Promise<string | undefined> {
    const timeout = AbortSignal.timeout(this.opts.requestTimeoutMs ?? 20_000);
    let status: number;
    let text: string;
    try {
      const res = await fetch(`${this.apiRoot}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", access_token: token },
        body: JSON.stringify(body),
        signal: timeout,
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      if (timeout.aborted) throw new OaTimeoutError("Zalo OA send timed out");
      throw new OaNetworkError(`Zalo OA: network error ${(err as { cause?: { code?: string } }).cause?.code ?? ""}`.trim());
    }
    const envelope = oaEnvelopeSchema.safeParse(parseJson(text));
    if (!envelope.success) throw new OaApiError(status >= 400 ? status : 502, "unexpected answer (not a Zalo OA envelope)");
    if (envelope.data.error !== 0) throw new OaApiError(envelope.data.error, envelope.data.message ?? "");
    return oaSentSchema.parse(envelope.data.data).message_id;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
