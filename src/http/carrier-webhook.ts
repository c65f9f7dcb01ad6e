// POST /webhook/carrier/<name>: the carriers' status webhooks (issue 21). Each adapter authenticates
// the call as its carrier documents (Viettel Post: the configured secret, constant-time; VNPost: the
// RSA signature). Answered as soon as the events are recorded (a few milliseconds; the household's and
// buyer's notices are sent after the answer, from the outbox): duplicates,
// out-of-order, unknown waybills and events after a final state all get 200, as the carriers ask, so
// they are not retried forever; only a bad secret (401), a malformed body (400) or a database problem
// (500, and the carrier retries) get anything else.
import type { FastifyInstance } from "fastify";
import { CarrierUnavailable, type Carrier, type CarrierAdapter, type TrackingEvent } from "../carriers/port.ts";
import type { ShipmentService } from "../core/shipments.ts";
import type { Logger } from "../log.ts";

export const CARRIER_WEBHOOK_PATH = "/webhook/carrier/:name";

export function registerCarrierWebhooks(app: FastifyInstance, shipments: ShipmentService, log: Logger): void {
  app.post<{ Params: { name: string } }>(CARRIER_WEBHOOK_PATH, { bodyLimit: 512 * 1024 }, async (request, reply) => {
    const adapter = shipments.adapter(request.params.name);
    if (!adapter || adapter.mode !== "api") return reply.code(404).send({ success: false, message: "unknown carrier" });
    const result = adapter.webhook({ headers: request.headers, body: request.body });
    if (!result.ok) return reply.code(result.status).send({ success: false, message: result.status === 401 ? "unauthorized" : "bad request" });
    const now = new Date();
    let confirmed: TrackingEvent[];
    try {
      confirmed = await askCarrier(adapter, result.unsigned ?? [], now);
    } catch (e) {
      if (!(e instanceof CarrierUnavailable)) throw e;
      // Nothing is applied, not even the signed record: the carrier sends the batch again, and an
      // event seen twice moves nothing twice.
      log.warn({ carrier: adapter.name, err: e.message }, "carrier webhook: could not confirm unsigned records; asking for a retry");
      return reply.code(503).send({ success: false, message: "try again" });
    }
    const stats = await shipments.track(adapter.name as Carrier, [...result.events, ...confirmed], now, { waitForSends: false });
    if (stats.unknown > 0) log.info({ carrier: adapter.name, unknown: stats.unknown }, "carrier webhook: unknown waybills acknowledged");
    return reply.code(200).send({ success: true, message: "ok" });
  });
}

/** How many status questions one webhook call keeps open at the carrier at a time. */
const ASKS_IN_FLIGHT = 4;

/** The carrier's current status of each unsigned waybill (those it does not know are left out). */
async function askCarrier(adapter: CarrierAdapter, waybills: readonly string[], now: Date): Promise<TrackingEvent[]> {
  if (waybills.length === 0 || !adapter.currentStatus) return [];
  const ask = adapter.currentStatus.bind(adapter);
  const found: Array<TrackingEvent | null> = new Array(waybills.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < waybills.length) {
      const i = next++;
      found[i] = await ask(waybills[i], now);
    }
  };
  await Promise.all(Array.from({ length: Math.min(ASKS_IN_FLIGHT, waybills.length) }, worker));
  return found.filter((e): e is TrackingEvent => e !== null);
}
