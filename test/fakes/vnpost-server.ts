/**
 * A fake MyVNPost API on loopback, built from /work/shared/notes/carriers.md §2 and §3:
 * - GetAccessToken {username, password, customerCode} → {success, token}; the token goes in a `token`
 *   header; a revoked token gets 401.
 * - Lists are bare arrays (ServicesCharge, catalogues, getOrder, orderCancel → [{Type, Message}], "00" ok).
 * - COD only as the add-on {code:"GTG021", propValue:"PROP0018:<amount>"}; two-level addresses carry the
 *   district "VNPOST".
 * - CreateOrder can create and then answer too late (`createThenStall`); getOrder?type=2 finds it by
 *   our sale order code.
 * - The webhook sender batches records in data[], signs "MYVNP"+sendDate+itemCode+status of the first
 *   record with RSA-SHA256 (its private key; the app gets `publicKeyPem`).
 */
import { generateKeyPairSync, sign } from "node:crypto";
import { deliverWebhook, jsonServer } from "./carrier-http.ts";

export const VNPOST_PROVINCES = [
  { provinceCode: "01", provinceName: "Thành phố Hà Nội" },
  { provinceCode: "20", provinceName: "Tỉnh Lạng Sơn" },
];
export const VNPOST_COMMUNES: Record<string, Array<{ communeCode: string; communeName: string }>> = {
  "01": [{ communeCode: "00070", communeName: "Phường Hoàn Kiếm" }],
  "20": [{ communeCode: "06463", communeName: "Xã Chi Lăng" }],
};

export interface VnpostOrder {
  itemCode: string;
  originalID: string;
  saleOrderCode: string;
  status: number;
  info: Record<string, any>;
}

export async function startFakeVnpost() {
  const creds = { username: "htx-chilang", password: "vnp-pass-456", customerCode: "C0123456" };
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const tokens = new Set<string>();
  const orders = new Map<string, VnpostOrder>();
  const calls: Array<{ path: string; body: any }> = [];
  let stallNextCreateMs = 0;
  let failingGetOrders = 0;
  let seq = 1;

  const server = await jsonServer(async ({ path, query, headers, body }) => {
    calls.push({ path, body });
    if (path === "/GetAccessToken") {
      if (body?.username !== creds.username || body?.password !== creds.password || body?.customerCode !== creds.customerCode) {
        return { json: { success: false, errorMessage: "Sai tài khoản hoặc mật khẩu", token: null } };
      }
      const token = `vnp-${Math.random().toString(36).slice(2)}`;
      tokens.add(token);
      return { json: { success: true, errorMessage: null, token } };
    }
    if (!tokens.has(String(headers.token))) return { status: 401, json: { success: false, errorMessage: "Unauthorized" } };
    if (path === "/getNewProvinceAll") return { json: VNPOST_PROVINCES };
    if (path === "/getNewCommuneAll") return { json: VNPOST_COMMUNES[query.get("provinceCode") ?? ""] ?? [] };
    if (path === "/ServicesCharge") {
      const d = body?.data ?? {};
      if (d.senderDistrictCode !== "VNPOST" || d.receiverDistrictCode !== "VNPOST") return { json: { success: false, errorMessage: "Sai mã quận huyện" } };
      const kg = Math.max(1, Math.ceil(Number(d.weight) / 1000));
      return {
        json: [
          { serviceCode: "CTN007", serviceName: "Chuyển phát thường", mainFee: 15_000 + kg * 2_500, vasFee: 0, totalFee: 15_000 + kg * 2_500 },
          { serviceCode: "ETN037", serviceName: "Chuyển phát nhanh", mainFee: 25_000 + kg * 4_000, vasFee: 0, totalFee: 25_000 + kg * 4_000 },
        ],
      };
    }
    if (path === "/CreateOrder") {
      const info = body?.informationOrder ?? {};
      if (!info.serviceCode || !info.receiverPhone || !info.saleOrderCode) return { json: { success: false, errorMessage: "Thiếu thông tin bắt buộc" } };
      const itemCode = `EB${String(100_000_000 + seq).padStart(9, "0")}VN`;
      const order = { itemCode, originalID: String(9000 + seq++), saleOrderCode: info.saleOrderCode, status: 1, info };
      orders.set(itemCode, order);
      const delayMs = stallNextCreateMs;
      stallNextCreateMs = 0;
      return { json: { orderHdrID: order.originalID, originalID: order.originalID, itemCode, status: 1, totalFee: 27_500 }, delayMs };
    }
    if (path === "/getOrder") {
      if (failingGetOrders > 0) {
        failingGetOrders--;
        return { status: 502, json: { success: false, errorMessage: "Bad Gateway" } };
      }
      const code = query.get("code");
      const found = [...orders.values()].find((o) => (query.get("type") === "2" ? o.saleOrderCode === code : o.itemCode === code));
      return found ? { json: [{ itemCode: found.itemCode, originalID: found.originalID, saleOrderCode: found.saleOrderCode, status: found.status }] } : { json: { success: false, errorMessage: "Không tìm thấy đơn hàng" } };
    }
    if (path === "/orderCancel") {
      const order = [...orders.values()].find((o) => o.originalID === String(body?.OriginalId));
      if (!order) return { json: [{ Type: "01", Message: "Không tìm thấy" }] };
      if (order.status >= 6) return { json: [{ Type: "01", Message: "Đơn đã được nhận, không thể huỷ" }] };
      order.status = 9;
      return { json: [{ Type: "00", Message: "Thành công", CaseId: "1" }] };
    }
    return { status: 404, json: { success: false, errorMessage: "Not found" } };
  });

  /** The webhook's body: the records as VNPost sends them, signed over the first record's item code and `signedStatus`. */
  const webhookBody = (records: Array<{ itemCode: string; status: number }>, sendDate: string, signedStatus: number) => ({
    data: records.map((r) => ({ ...r, saleOrderCode: orders.get(r.itemCode)?.saleOrderCode ?? null, codAmount: 0 })),
    sendDate,
    signature: sign("sha256", Buffer.from(`MYVNP${sendDate}${records[0].itemCode}${signedStatus}`), privateKey).toString("base64"),
  });

  return {
    root: server.root,
    creds,
    publicKeyPem,
    orders,
    calls,
    close: server.close,
    revokeTokens: () => tokens.clear(),
    /** VNPost's signature of a string (RSA-SHA256, base64) */
    sign: (message: string) => sign("sha256", Buffer.from(message), privateKey).toString("base64"),
    createThenStall(ms: number) {
      stallNextCreateMs = ms;
    },
    /** the next `n` getOrder calls answer 502 (a gateway in trouble) */
    failGetOrders(n: number) {
      failingGetOrders = n;
    },
    /**
     * A signed body as the webhook sends it, with records appended after the signature was made: what
     * anyone who captured one call could post. The fake's own orders are not changed.
     */
    tampered(url: string, signed: { itemCode: string; status: number }, appended: Array<{ itemCode: string; status: number }>, sendDate: string) {
      return deliverWebhook(url, webhookBody([signed, ...appended], sendDate, signed.status), {}, 1);
    },
    /** POSTs a batch of status records, signed over the first one; retries on non-200 */
    async push(url: string, records: Array<{ itemCode: string; status: number }>, sendDate: string, opts: { badSignature?: boolean } = {}) {
      for (const r of records) {
        const o = orders.get(r.itemCode);
        if (o) o.status = r.status;
      }
      return deliverWebhook(url, webhookBody(records, sendDate, opts.badSignature ? 0 : records[0].status), {});
    },
  };
}

export type FakeVnpost = Awaited<ReturnType<typeof startFakeVnpost>>;
