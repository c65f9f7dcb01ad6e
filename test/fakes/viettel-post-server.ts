/**
 * A fake Viettel Post partner API v2 on loopback, built from /work/shared/notes/carriers.md §1 and §3:
 * - `Token` header; Login gives a ~24 h JWT, ownerconnect (with it) a long one (1000 days); `expired`
 *   is 0 or epoch ms, never to be trusted. A bad or expired token: HTTP 200 {error:true, status:401,
 *   message:"Token invalid or expired"}.
 * - Business errors are HTTP 200 with error:true, `message` sometimes a list; "Price does not apply to
 *   this itinerary!" with status 204.
 * - getPriceAll answers a BARE ARRAY on success, an envelope on refusal.
 * - createOrder checks required fields and the 150-BYTE limit of every string field, honours
 *   CHECK_UNIQUE (the duplicate message is invented: the real one is not documented), mints string
 *   waybills, and can create an order then answer too late (`createThenStall`).
 * - UpdateOrder TYPE 4 cancels only while the status is below 200 and not 105/107.
 * - printing-code answers the print code in `message` (VTPDOC §9.2), for this account's waybills only.
 * - Test hooks: getPriceAll can be slowed (`stallPrices`), and `onCreate` runs once an order exists but
 *   before its answer is sent (the crash test kills the app there).
 * - The webhook sender posts {DATA, TOKEN} with an Authorization header, retries 5 times on non-200
 *   (with a backoff when asked: Viettel Post does not document its interval), and sends both
 *   LOCALION_CURRENTLY and LOCATION_CURRENTLY.
 */
import { deliverWebhook, fakeJwt, jsonServer } from "./carrier-http.ts";

export const VTP_PROVINCES = [
  { PROVINCE_ID: 1, PROVINCE_CODE: "HNI", PROVINCE_NAME: "Thành phố Hà Nội" },
  { PROVINCE_ID: 22, PROVINCE_CODE: "LSN", PROVINCE_NAME: "Tỉnh Lạng Sơn" },
];
export const VTP_WARDS: Record<number, Array<{ WARDS_ID: number; WARDS_NAME: string; DISTRICT_ID: number }>> = {
  1: [{ WARDS_ID: 10001, WARDS_NAME: "Phường Hoàn Kiếm", DISTRICT_ID: 100000001 }],
  22: [
    { WARDS_ID: 22001, WARDS_NAME: "Xã Chi Lăng", DISTRICT_ID: 100000022 },
    { WARDS_ID: 22002, WARDS_NAME: "Xã Hữu Lũng", DISTRICT_ID: 100000022 },
  ],
};

export interface VtpOrder {
  waybill: string;
  reference: string;
  status: number;
  body: Record<string, any>;
}

const REQUIRED = ["SENDER_FULLNAME", "SENDER_PHONE", "SENDER_ADDRESS", "RECEIVER_FULLNAME", "RECEIVER_PHONE", "RECEIVER_ADDRESS", "ORDER_PAYMENT", "ORDER_SERVICE", "RECEIVER_PROVINCE"];
const fail = (message: string | string[], status = 200) => ({ json: { status, error: true, message, data: null } });
const ok = (data: unknown, message = "OK") => ({ json: { status: 200, error: false, message, data } });

export async function startFakeViettelPost(opts: { username?: string; password?: string } = {}) {
  const username = opts.username ?? "0912000111";
  const password = opts.password ?? "vtp-pass-123";
  let clock = Date.now();
  const tokens = new Map<string, { kind: "short" | "long"; exp: number }>();
  const orders = new Map<string, VtpOrder>();
  const calls: Array<{ path: string; body: any; token?: string }> = [];
  let stallNextCreateMs = 0;
  let stallPricesMs = 0;
  let onCreate: ((order: VtpOrder) => void) | null = null;
  let failNextCreateWith: string | string[] | null = null;
  let seq = 1_587_818_001;

  const issue = (kind: "short" | "long") => {
    const exp = clock + (kind === "short" ? 24 * 3600_000 : 1000 * 24 * 3600_000);
    const token = fakeJwt({ sub: username, kind, exp: Math.floor(exp / 1000) });
    tokens.set(token, { kind, exp });
    return token;
  };
  const valid = (token: unknown, kinds: Array<"short" | "long">) => {
    const t = typeof token === "string" ? tokens.get(token) : undefined;
    return !!t && kinds.includes(t.kind) && t.exp > clock;
  };
  const tooLong = (body: Record<string, unknown>) =>
    Object.entries(body).filter(([, v]) => typeof v === "string" && Buffer.byteLength(v, "utf8") > 150).map(([k]) => k);

  const server = await jsonServer(async ({ path, query, headers, body }) => {
    const token = headers.token as string | undefined;
    calls.push({ path, body, token });
    if (path === "/v2/user/Login") {
      if (body?.USERNAME !== username || body?.PASSWORD !== password) return fail("Invalid owner account or password!");
      return ok({ userId: 42, token: issue("short"), partner: 0, phone: username, expired: 0, encrypted: false, source: 0 });
    }
    if (path === "/v2/user/ownerconnect") {
      if (!valid(token, ["short", "long"])) return fail("Token invalid or expired", 401);
      if (body?.USERNAME !== username || body?.PASSWORD !== password) return fail("Invalid owner account or password!");
      return ok({ userId: 42, token: issue("long"), partner: 0, phone: username, expired: clock + 86_400_000_000, encrypted: false, source: 0 });
    }
    if (path === "/v3/categories/listProvinceNew") return ok(VTP_PROVINCES);
    if (path === "/v3/categories/listWardsNew") return ok(VTP_WARDS[Number(query.get("provinceId"))] ?? []);
    if (!valid(token, ["long"])) return { json: { status: 401, error: true, message: "Token invalid or expired", data: null } };
    if (path === "/v2/order/getPriceAll") {
      const from = Number(body?.SENDER_PROVINCE);
      const to = Number(body?.RECEIVER_PROVINCE);
      if (!VTP_WARDS[from] || !VTP_WARDS[to]) return fail("Price does not apply to this itinerary!", 204);
      const kg = Math.max(1, Math.ceil(Number(body.PRODUCT_WEIGHT) / 1000));
      return {
        delayMs: stallPricesMs,
        json: [
          { MA_DV_CHINH: "VCN", TEN_DICHVU: "Chuyển phát nhanh", GIA_CUOC: 22_000 + kg * 5_000, THOI_GIAN: "24 giờ", EXCHANGE_WEIGHT: body.PRODUCT_WEIGHT, EXTRA_SERVICE: [] },
          { MA_DV_CHINH: "VTK", TEN_DICHVU: "Tiết kiệm", GIA_CUOC: 16_000 + kg * 3_000, THOI_GIAN: "72 giờ", EXCHANGE_WEIGHT: body.PRODUCT_WEIGHT, EXTRA_SERVICE: [] },
        ],
      };
    }
    if (path === "/v2/order/createOrder") {
      if (failNextCreateWith) {
        const m = failNextCreateWith;
        failNextCreateWith = null;
        return fail(m);
      }
      const missing = REQUIRED.filter((k) => body?.[k] === undefined || body?.[k] === "");
      if (missing.length) return fail(missing.map((k) => `Incorrect data: ${k}`));
      const long = tooLong(body);
      if (long.length) return fail(long.map((k) => `Invalid [${k}] longer than 150 bytes`));
      if (![1, 2, 3, 4].includes(Number(body.ORDER_PAYMENT))) return fail("Incorrect data: ORDER_PAYMENT");
      const reference = String(body.ORDER_NUMBER ?? "");
      if (body.CHECK_UNIQUE && [...orders.values()].some((o) => o.reference === reference)) {
        // Invented wording: Viettel Post does not document the CHECK_UNIQUE refusal.
        return fail(`ORDER_NUMBER ${reference} already exists`);
      }
      const waybill = `PKE${seq++}`;
      orders.set(waybill, { waybill, reference, status: 102, body });
      onCreate?.(orders.get(waybill)!);
      const answer = ok({ ORDER_NUMBER: waybill, MONEY_COLLECTION: body.MONEY_COLLECTION, MONEY_TOTAL: 27_000, MONEY_TOTAL_FEE: 25_000, MONEY_FEE: 0, MONEY_COLLECTION_FEE: 0, MONEY_VAT: 2_000, KPI_HT: 24 });
      const delayMs = stallNextCreateMs;
      stallNextCreateMs = 0;
      return { ...answer, delayMs };
    }
    if (path === "/v2/order/printing-code") {
      // The print code comes back in `message` (VTPDOC §9.2); only waybills of this account are printed.
      const list: unknown[] = Array.isArray(body?.ORDER_ARRAY) ? body.ORDER_ARRAY : [];
      if (!list.length || list.some((w) => !orders.has(String(w)))) return fail("Order does not exist");
      if (!(Number(body?.EXPIRY_TIME) > clock)) return fail("Incorrect data: EXPIRY_TIME");
      return { json: { status: 200, error: false, message: `PRINT-${list.join("-")}-${Number(body.EXPIRY_TIME)}`, data: null } };
    }
    if (path === "/v2/order/UpdateOrder") {
      const order = orders.get(String(body?.ORDER_NUMBER));
      if (!order) return fail("Order does not exist");
      if (Number(body.TYPE) !== 4) return fail("Incorrect data: TYPE");
      if (order.status >= 200 || order.status === 105 || order.status === 107) return fail("Order status already exists on the system");
      order.status = 107;
      return { json: { status: 200, error: false, message: "Hủy đơn hàng thành công", data: null } };
    }
    return { status: 404, json: { status: 404, error: true, message: "Not found", data: null } };
  });

  return {
    root: server.root,
    username,
    password,
    orders,
    calls,
    close: server.close,
    /** moves the fake's clock (token expiry) */
    advance(ms: number) {
      clock += ms;
    },
    /** every token issued so far stops working ("Token invalid or expired") */
    revokeTokens() {
      tokens.clear();
    },
    /** the next createOrder creates the order, then answers only after `ms` (longer than the client waits) */
    createThenStall(ms: number) {
      stallNextCreateMs = ms;
    },
    /** every getPriceAll answers only after `ms` (0: at once): a carrier too slow to quote */
    stallPrices(ms: number) {
      stallPricesMs = ms;
    },
    /** called once an order is created, before the answer is sent (a crash test kills the app there) */
    onCreate(fn: ((order: VtpOrder) => void) | null) {
      onCreate = fn;
    },
    failNextCreate(message: string | string[]) {
      failNextCreateWith = message;
    },
    /** POSTs a status event as Viettel Post does ({DATA, TOKEN} + Authorization), retrying on non-200 */
    async push(url: string, secret: string, waybill: string, status: number, at: string, extra: { omitReturning?: boolean; tokenIn?: "body" | "header" | "both"; backoffMs?: number; timeoutMs?: number } = {}) {
      const order = orders.get(waybill);
      if (order) order.status = status;
      const DATA: Record<string, unknown> = {
        ORDER_NUMBER: waybill,
        ORDER_REFERENCE: order?.reference ?? "",
        ORDER_STATUSDATE: at,
        ORDER_STATUS: status,
        STATUS_NAME: `status ${status}`,
        LOCALION_CURRENTLY: "Bưu cục Chi Lăng",
        LOCATION_CURRENTLY: "Bưu cục Chi Lăng",
        NOTE: "",
        MONEY_COLLECTION: order?.body.MONEY_COLLECTION ?? 0,
        MONEY_COLLECTION_ORIGIN: status >= 200 ? (order?.body.MONEY_COLLECTION ?? 0) : null,
        ORDER_PAYMENT: order?.body.ORDER_PAYMENT ?? 1,
        ...(extra.omitReturning ? {} : { IS_RETURNING: status >= 502 && status !== 501 }),
      };
      const where = extra.tokenIn ?? "both";
      return deliverWebhook(url, { DATA, ...(where !== "header" ? { TOKEN: secret } : {}) }, where !== "body" ? { authorization: secret } : {}, 5, extra.backoffMs ?? 0, extra.timeoutMs);
    },
  };
}

export type FakeViettelPost = Awaited<ReturnType<typeof startFakeViettelPost>>;
