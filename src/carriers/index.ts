// The carriers of this deployment, from its configuration: an API adapter where credentials are set,
// the manual path (the post office polls Chợ Số) otherwise.
import type { Config } from "../config.ts";
import { CARRIERS } from "../core/orders.ts";
import { ManualCarrier } from "./manual.ts";
import type { Carrier, CarrierAdapter } from "./port.ts";
import { ViettelPostAdapter } from "./viettel-post/index.ts";
import { VnpostAdapter } from "./vnpost/index.ts";
import { rsaSha256Check } from "./vnpost/webhook.ts";

type CarrierConfig = Pick<
  Config,
  | "VIETTEL_POST_USERNAME"
  | "VIETTEL_POST_PASSWORD"
  | "VIETTEL_POST_WEBHOOK_SECRET"
  | "VIETTEL_POST_API_ROOT"
  | "VNPOST_USERNAME"
  | "VNPOST_PASSWORD"
  | "VNPOST_CUSTOMER_CODE"
  | "VNPOST_CONTRACT_CODE"
  | "VNPOST_WEBHOOK_PUBLIC_KEY"
  | "VNPOST_API_ROOT"
  | "CARRIER_TIMEOUT_SECONDS"
>;

export function carriersFromConfig(config: CarrierConfig): Map<Carrier, CarrierAdapter> {
  const timeoutMs = config.CARRIER_TIMEOUT_SECONDS * 1000;
  const out = new Map<Carrier, CarrierAdapter>(CARRIERS.map((c) => [c, new ManualCarrier(c)]));
  if (config.VIETTEL_POST_USERNAME && config.VIETTEL_POST_PASSWORD && config.VIETTEL_POST_WEBHOOK_SECRET) {
    out.set(
      "viettel_post",
      new ViettelPostAdapter({
        apiRoot: config.VIETTEL_POST_API_ROOT,
        username: config.VIETTEL_POST_USERNAME,
        password: config.VIETTEL_POST_PASSWORD,
        webhookSecret: config.VIETTEL_POST_WEBHOOK_SECRET,
        timeoutMs,
      }),
    );
  }
  if (config.VNPOST_USERNAME && config.VNPOST_PASSWORD && config.VNPOST_CUSTOMER_CODE && config.VNPOST_CONTRACT_CODE && config.VNPOST_WEBHOOK_PUBLIC_KEY) {
    out.set(
      "vnpost",
      new VnpostAdapter({
        apiRoot: config.VNPOST_API_ROOT,
        username: config.VNPOST_USERNAME,
        password: config.VNPOST_PASSWORD,
        customerCode: config.VNPOST_CUSTOMER_CODE,
        contractCode: config.VNPOST_CONTRACT_CODE,
        signatureCheck: rsaSha256Check(config.VNPOST_WEBHOOK_PUBLIC_KEY),
        timeoutMs,
      }),
    );
  }
  return out;
}
