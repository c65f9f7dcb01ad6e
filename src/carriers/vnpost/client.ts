// MyVNPost (Vietnam Post's customer API; production connect-my.vnpost.vn, UAT my-uat.vnpost.vn/MYVNP_API).
// Facts and sources: /work/shared/notes/carriers.md §2 (the official docs are not public; shapes come
// from two open-source integrations). Token from GetAccessToken in a `token` header (not Bearer), its
// lifetime undocumented: kept until a 401/403, then fetched again once. Lists come as bare arrays.
import { z } from "zod";
import { CarrierUnavailable } from "../port.ts";
import { getJson, postJson } from "../http.ts";

export interface VnpostOptions {
  apiRoot: string;
  username: string;
  password: string;
  customerCode: string;
  contractCode: string;
  timeoutMs?: number;
}

const tokenAnswer = z.object({ success: z.boolean(), token: z.string().nullish(), errorMessage: z.string().nullish() });
export const chargeItem = z.object({
  serviceCode: z.string(),
  serviceName: z.string().nullish(),
  totalFee: z.coerce.number(),
});
export const orderRecord = z.object({
  itemCode: z.string().nullish(),
  originalID: z.union([z.string(), z.number()]).transform(String).nullish(),
  saleOrderCode: z.string().nullish(),
  status: z.coerce.number().nullish(),
  totalFee: z.coerce.number().nullish(),
});
const cancelAnswer = z.array(z.object({ Type: z.string(), Message: z.string().nullish() }));
const province = z.object({ provinceCode: z.string(), provinceName: z.string() });
const commune = z.object({ communeCode: z.string(), communeName: z.string() });

export class VnpostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VnpostError";
  }
}

/** A refusal's text, whatever the envelope (errorMessage, message, Message). */
function refusal(json: unknown): string | null {
  if (Array.isArray(json) || typeof json !== "object" || json === null) return null;
  const o = json as Record<string, unknown>;
  if (o.success === false || o.error === true || typeof o.errorMessage === "string") {
    return String(o.errorMessage ?? o.message ?? o.Message ?? "refused");
  }
  return null;
}

export class VnpostClient {
  private token: string | null = null;
  private readonly timeoutMs: number;
  private provinces: Promise<Array<z.infer<typeof province>>> | null = null;
  private readonly communes = new Map<string, Promise<Array<z.infer<typeof commune>>>>();

  constructor(readonly opts: VnpostOptions) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  private url(path: string) {
    return new URL(path, this.opts.apiRoot.endsWith("/") ? this.opts.apiRoot : `${this.opts.apiRoot}/`).toString();
  }

  private async freshToken(): Promise<string> {
    const { json } = await postJson(this.url("GetAccessToken"), { username: this.opts.username, password: this.opts.password, customerCode: this.opts.customerCode }, {}, this.timeoutMs);
    const answer = tokenAnswer.safeParse(json);
    if (!answer.success) throw new CarrierUnavailable("GetAccessToken: unexpected answer");
    if (!answer.data.success || !answer.data.token) throw new VnpostError(answer.data.errorMessage ?? "login refused");
    this.token = answer.data.token;
    return this.token;
  }

  private async call(method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const headers = { token: this.token ?? (await this.freshToken()) };
      const answer = method === "POST" ? await postJson(this.url(path), body, headers, this.timeoutMs) : await getJson(this.url(path), headers, this.timeoutMs);
      if ((answer.status === 401 || answer.status === 403) && attempt === 0) {
        this.token = null;
        continue;
      }
      if (answer.status === 401 || answer.status === 403) throw new CarrierUnavailable(`${path}: token refused`);
      const refused = refusal(answer.json);
      if (refused !== null || answer.status >= 400) throw new VnpostError(refused ?? `HTTP ${answer.status}`);
      return answer.json;
    }
  }

  async provinceCode(name: string, find: <T>(items: readonly T[], name: string, nameOf: (i: T) => string) => T | undefined): Promise<string | undefined> {
    this.provinces ??= this.call("GET", "getNewProvinceAll")
      .then((json) => z.array(province).parse(json))
      .catch((e) => {
        this.provinces = null;
        throw e;
      });
    return find(await this.provinces, name, (p) => p.provinceName)?.provinceCode;
  }

  async communeCode(provinceCode: string, name: string | undefined, find: <T>(items: readonly T[], name: string, nameOf: (i: T) => string) => T | undefined): Promise<string | undefined> {
    if (!name) return undefined;
    let list = this.communes.get(provinceCode);
    if (!list) {
      list = this.call("GET", `getNewCommuneAll?provinceCode=${encodeURIComponent(provinceCode)}`)
        .then((json) => z.array(commune).parse(json))
        .catch((e) => {
          this.communes.delete(provinceCode);
          throw e;
        });
      this.communes.set(provinceCode, list);
    }
    return find(await list, name, (c) => c.communeName)?.communeCode;
  }

  async servicesCharge(data: Record<string, unknown>): Promise<Array<z.infer<typeof chargeItem>>> {
    const json = await this.call("POST", "ServicesCharge", { scope: 1, customerCode: this.opts.customerCode, contractNumber: this.opts.contractCode, data });
    const list = Array.isArray(json) ? json : ((json as { data?: unknown })?.data ?? []);
    return z.array(z.unknown()).parse(list).flatMap((i) => {
      const item = chargeItem.safeParse(i);
      return item.success ? [item.data] : [];
    });
  }

  /** The created order record (sometimes wrapped in `data`). */
  async createOrder(informationOrder: Record<string, unknown>): Promise<z.infer<typeof orderRecord>> {
    const json = await this.call("POST", "CreateOrder", { orderCreationStatus: 1, type: "GUI", customerCode: this.opts.customerCode, contractCode: this.opts.contractCode, informationOrder });
    const record = orderRecord.safeParse((json as { data?: unknown })?.data ?? json);
    if (!record.success || !record.data.itemCode) throw new CarrierUnavailable("CreateOrder: no item code in the answer");
    return record.data;
  }

  /** getOrder by item code (type 1) or by our sale order code (type 2: finds an order whose creation answer was lost). */
  async getOrder(type: 1 | 2, code: string): Promise<z.infer<typeof orderRecord> | null> {
    try {
      const json = await this.call("GET", `getOrder?type=${type}&code=${encodeURIComponent(code)}`);
      const raw = Array.isArray(json) ? json[0] : ((json as { data?: unknown })?.data ?? json);
      const record = orderRecord.safeParse(raw);
      return record.success && record.data.itemCode ? record.data : null;
    } catch (e) {
      if (e instanceof VnpostError) return null;
      throw e;
    }
  }

  /** orderCancel: Type "00" accepted, "02" waiting for approval; anything else refused. */
  async cancel(originalId: string): Promise<boolean> {
    const answer = cancelAnswer.safeParse(await this.call("POST", "orderCancel", { OriginalId: originalId }));
    return answer.success && answer.data.some((r) => r.Type === "00" || r.Type === "02");
  }
}
