// A small client for the OA messaging API: POST `${apiRoot}/v3.0/oa/message/cs` with the access token
// in the `access_token` header. Zalo answers HTTP 200 with `{error: 0, data}` on success and a negative
// `error` on failure. Policy:
// - -216 (invalid access token, what an expired one gets): one refresh, then the same call once more;
// - -220 (token expired or removed) or a refresh Zalo refuses: the token is dead, OaTokenRefused;
// - a request that timed out is not repeated (it may have been delivered).
import type { Logger } from "../../log.ts";
import { oaEnvelopeSchema, oaSentSchema, oaUploadSchema, znsSentSchema } from "./schema.ts";
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

export type OaMediaElement = { media_type: "image"; url: string } | { media_type: "image"; attachment_id: string };

export type OaMessage =
  | { text: string }
  | { text: string; attachment: { type: "template"; payload: { buttons: Array<OaButton & { type: "oa.query.show" }> } } }
  | { text?: string; attachment: { type: "template"; payload: { template_type: "media"; elements: OaMediaElement[] } } };

/** A ZNS message: a template registered with Zalo, filled in, sent to a phone number. */
export interface ZnsMessage {
  /** 84xxxxxxxxx (no plus sign) */
  phone: string;
  templateId: string;
  data: Record<string, string>;
  /** ours, echoed in Zalo's delivery reports: the order code */
  trackingId: string;
}

export const ZALO_ZNS_DEFAULT_ROOT = "https://business.openapi.zalo.me";

export interface OaClientOptions {
  tokens: OaTokens;
  apiRoot?: string;
  /** ZNS host (business.openapi.zalo.me) */
  znsRoot?: string;
  log: Logger;
  requestTimeoutMs?: number;
}

export class OaClient {
  private readonly apiRoot: string;
  private readonly znsRoot: string;

  constructor(private readonly opts: OaClientOptions) {
    this.apiRoot = (opts.apiRoot ?? ZALO_OA_DEFAULT_API_ROOT).replace(/\/+$/, "");
    this.znsRoot = (opts.znsRoot ?? ZALO_ZNS_DEFAULT_ROOT).replace(/\/+$/, "");
  }

  /** One consultation message ("tin tư vấn") to a user; returns Zalo's message id. */
  async send(userId: string, message: OaMessage): Promise<string | undefined> {
    const body = JSON.stringify({ recipient: { user_id: userId }, message });
    const data = await this.withToken((token) => this.post(`${this.apiRoot}/v3.0/oa/message/cs`, token, "application/json", body));
    return oaSentSchema.parse(data).message_id;
  }

  /** Uploads a JPEG or PNG (about 1 MB at most) for a media message; returns its attachment id. */
  async uploadImage(image: { data: Buffer; ext: "jpg" | "png" }): Promise<string> {
    const data = await this.withToken((token) => {
      const form = new FormData();
      form.append("file", new Blob([new Uint8Array(image.data)], { type: image.ext === "png" ? "image/png" : "image/jpeg" }), `photo.${image.ext}`);
      return this.post(`${this.apiRoot}/v2.0/oa/upload/image`, token, undefined, form);
    });
    return oaUploadSchema.parse(data).attachment_id;
  }

  /** One ZNS template message by phone number (paid; for people outside the messaging window). */
  async sendZns(message: ZnsMessage): Promise<string | undefined> {
    const body = JSON.stringify({ phone: message.phone, template_id: message.templateId, template_data: message.data, tracking_id: message.trackingId });
    const data = await this.withToken((token) => this.post(`${this.znsRoot}/message/template`, token, "application/json", body));
    return znsSentSchema.parse(data).msg_id;
  }

  /** -216 (what an expired token gets): one refresh, then the same call once more. */
  private async withToken(call: (token: string) => Promise<unknown>): Promise<unknown> {
    let token = await this.opts.tokens.accessToken();
    try {
      return await call(token);
    } catch (err) {
      if (!(err instanceof OaApiError && err.code === OA_ERRORS.invalidToken)) throw this.fatal(err);
      this.opts.log.info("Zalo OA refused the access token (-216); refreshing it and calling again");
      token = await this.opts.tokens.refresh(token);
      try {
        return await call(token);
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

  private async post(url: string, token: string, contentType: string | undefined, body: string | FormData): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.opts.requestTimeoutMs ?? 20_000);
    let status: number;
    let text: string;
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { ...(contentType ? { "content-type": contentType } : {}), access_token: token },
        body,
        signal: timeout,
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      if (timeout.aborted) throw new OaTimeoutError("Zalo OA call timed out");
      throw new OaNetworkError(`Zalo OA: network error ${(err as { cause?: { code?: string } }).cause?.code ?? ""}`.trim());
    }
    const envelope = oaEnvelopeSchema.safeParse(parseJson(text));
    if (!envelope.success) throw new OaApiError(status >= 400 ? status : 502, "unexpected answer (not a Zalo OA envelope)");
    if (envelope.data.error !== 0) throw new OaApiError(envelope.data.error, envelope.data.message ?? "");
    return envelope.data.data;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
