// Viettel Post partner API v2 (partner.viettelpost.vn; sandbox partnerdev.viettelpost.vn), the parts
// Chợ Số uses. Facts and sources: /work/shared/notes/carriers.md §1.
// - Token in a `Token` header (not Authorization). Login gives a ~24 h token, ownerconnect with it a
//   long-lived one (observed 1000 days); its lifetime is read from the JWT `exp` (the `expired` field is
//   0 in the docs and epoch ms in real answers). A refused token is fetched again once.
// - Envelope {status, error, message, data}; business errors come as HTTP 200 with error:true, and
//   `message` may be a list. getPriceAll answers a bare array on success, an envelope on refusal.
import { z } from "zod";
import { CarrierUnavailable } from "../port.ts";
import { getJson, jwtExpiry, postJson } from "../http.ts";

export interface VtpOptions {
  apiRoot: string;
  username: string;
  password: string;
  timeoutMs?: number;
  now?: () => number;
}

const envelope = z.object({
  status: z.number().optional(),
  error: z.boolean().optional(),
  message: z.union([z.string(), z.array(z.unknown())]).nullish(),
  data: z.unknown(),
});
export type VtpEnvelope = z.infer<typeof envelope>;

const tokenData = z.object({ token: z.string().min(10) });

export const priceItem = z.object({
  MA_DV_CHINH: z.string(),
  TEN_DICHVU: z.string(),
  GIA_CUOC: z.coerce.number(),
  THOI_GIAN: z.string().nullish(),
});

const createData = z.object({
  ORDER_NUMBER: z.union([z.string(), z.number()]).transform(String),
  MONEY_TOTAL: z.coerce.number().optional(),
});

const provinceItem = z.object({ PROVINCE_ID: z.coerce.number(), PROVINCE_NAME: z.string() });
const wardItem = z.object({ WARDS_ID: z.coerce.number(), WARDS_NAME: z.string() });

/** A refusal from Viettel Post (error:true), with its message(s) joined. */
export class VtpError extends Error {
  constructor(
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = "VtpError";
  }
}

const messageText = (m: VtpEnvelope["message"]) => (Array.isArray(m) ? m.map(String).join("; ") : (m ?? ""));
const TOKEN_REFUSED = /token invalid|token is required|expired/i;

export class VtpClient {
  private token: { value: string; until: number } | null = null;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  // In-flight or done: sender and receiver ask at the same moment, one call serves both.
  private provinces: Promise<Array<z.infer<typeof provinceItem>>> | null = null;
  private readonly wards = new Map<number, Promise<Array<z.infer<typeof wardItem>>>>();

  constructor(private readonly opts: VtpOptions) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  private url(path: string) {
    return new URL(path, this.opts.apiRoot.endsWith("/") ? this.opts.apiRoot : `${this.opts.apiRoot}/`).toString();
  }

  private parseEnvelope(json: unknown, path: string): VtpEnvelope {
    const env = envelope.safeParse(json);
    if (!env.success) throw new CarrierUnavailable(`${path}: unexpected answer`);
    return env.data;
  }

  /** Login, then ownerconnect with the short token: the long-lived token orders need. */
  private async freshToken(): Promise<string> {
    const creds = { USERNAME: this.opts.username, PASSWORD: this.opts.password };
    const login = this.parseEnvelope((await postJson(this.url("v2/user/Login"), creds, {}, this.timeoutMs)).json, "Login");
    if (login.error) throw new VtpError(login.status, messageText(login.message) || "login refused");
    const short = tokenData.parse(login.data).token;
    const owner = this.parseEnvelope((await postJson(this.url("v2/user/ownerconnect"), creds, { Token: short }, this.timeoutMs)).json, "ownerconnect");
    if (owner.error) throw new VtpError(owner.status, messageText(owner.message) || "ownerconnect refused");
    const long = tokenData.parse(owner.data).token;
    // An hour of margin; without an `exp`, a day (the short token's life) to be safe.
    const exp = jwtExpiry(long)?.getTime() ?? this.now() + 24 * 3600_000;
    this.token = { value: long, until: exp - 3600_000 };
    return long;
  }

  private async currentToken(): Promise<string> {
    return this.token && this.token.until > this.now() ? this.token.value : this.freshToken();
  }

  /** A call with the token; a refused token is fetched again once. */
  private async call(path: string, body: unknown): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const answer = await postJson(this.url(path), body, { Token: await this.currentToken() }, this.timeoutMs);
      const env = envelope.safeParse(answer.json);
      const refused = answer.status === 401 || (env.success && env.data.error && (env.data.status === 401 || TOKEN_REFUSED.test(messageText(env.data.message))));
      if (refused && attempt === 0) {
        this.token = null;
        continue;
      }
      return answer.json;
    }
  }

  private async catalogue<T>(path: string, item: z.ZodType<T>): Promise<T[]> {
    const env = this.parseEnvelope((await getJson(this.url(path), {}, this.timeoutMs)).json, path);
    return z.array(item).parse(env.data);
  }

  async provinceId(name: string, find: <T>(items: readonly T[], name: string, nameOf: (i: T) => string) => T | undefined): Promise<number | undefined> {
    this.provinces ??= this.catalogue("v3/categories/listProvinceNew", provinceItem).catch((e) => {
      this.provinces = null;
      throw e;
    });
    return find(await this.provinces, name, (p) => p.PROVINCE_NAME)?.PROVINCE_ID;
  }

  async wardId(provinceId: number, name: string | undefined, find: <T>(items: readonly T[], name: string, nameOf: (i: T) => string) => T | undefined): Promise<number | undefined> {
    if (!name) return undefined;
    let list = this.wards.get(provinceId);
    if (!list) {
      list = this.catalogue(`v3/categories/listWardsNew?provinceId=${provinceId}`, wardItem).catch((e) => {
        this.wards.delete(provinceId);
        throw e;
      });
      this.wards.set(provinceId, list);
    }
    return find(await list, name, (w) => w.WARDS_NAME)?.WARDS_ID;
  }

  /** Every service for a route and weight: a bare array, or an envelope when refused. */
  async getPriceAll(body: Record<string, unknown>): Promise<Array<z.infer<typeof priceItem>>> {
    const json = await this.call("v2/order/getPriceAll", body);
    if (Array.isArray(json)) return json.flatMap((item) => (priceItem.safeParse(item).success ? [priceItem.parse(item)] : []));
    const env = this.parseEnvelope(json, "getPriceAll");
    if (env.error) throw new VtpError(env.status, messageText(env.message));
    // Some deployments wrap the array after all.
    return z.array(priceItem).catch([]).parse(env.data);
  }

  async createOrder(body: Record<string, unknown>): Promise<z.infer<typeof createData>> {
    const env = this.parseEnvelope(await this.call("v2/order/createOrder", body), "createOrder");
    if (env.error) throw new VtpError(env.status, messageText(env.message));
    const data = createData.safeParse(env.data);
    if (!data.success) throw new CarrierUnavailable("createOrder: no waybill in the answer");
    return data.data;
  }

  /**
   * A print code for waybills (at most 100), valid until `expiresAt`: printing-code answers it in
   * `message` (VTPDOC §9.2); the label is then drawn by Viettel Post's print site with it.
   */
  async printingCode(waybills: string[], expiresAt: number): Promise<string> {
    const env = this.parseEnvelope(await this.call("v2/order/printing-code", { EXPIRY_TIME: expiresAt, ORDER_ARRAY: waybills.slice(0, 100) }), "printing-code");
    const code = messageText(env.message);
    if (env.error || !code) throw new VtpError(env.status, code || "no print code");
    return code;
  }

  /** UpdateOrder: TYPE 4 cancels (allowed while the status is below 200 and not 105/107). */
  async updateOrder(waybill: string, type: number, note: string): Promise<void> {
    const env = this.parseEnvelope(await this.call("v2/order/UpdateOrder", { TYPE: type, ORDER_NUMBER: waybill, NOTE: note }), "UpdateOrder");
    if (env.error) throw new VtpError(env.status, messageText(env.message));
  }
}
