// The OA's messaging window. Zalo lets an OA write to a follower for 7 days after the follower's last
// interaction (free for 48 h, paid after); later it refuses (-230 / -232). Chợ Số does not buy
// consultation messages: from 48 h on ("the paid band", judged by when the person last wrote to us) a
// notice is not sent as one but treated as if refused. A notice refused so is never dropped:
// - an order's notice to its household also goes by ZNS (a template registered with Zalo, sent to the
//   household's phone number, paid) when a template id is configured;
// - it is kept (core/held-notices.ts) and sent the moment the person writes again, after one line that
//   says these are messages from while they were away;
// - an order notice kept and not sent by ZNS makes the order "not yet told" for the officers.
import type { Db } from "../../db/client.ts";
import { orderOfNotice } from "../../core/held-notices.ts";
import { createServices } from "../../core/services.ts";
import type { Engine } from "../../engine/engine.ts";
import type { Outbound } from "../../engine/message.ts";
import { tFor } from "../../i18n/index.ts";
import { formatPrice } from "../../lang/price.ts";
import { formatQuantity } from "../../lang/quantity.ts";
import type { Logger } from "../../log.ts";
import { OA_ERRORS, OaApiError, type OaClient } from "./client.ts";

export interface ZnsSettings {
  /** the template of "a new order for your shop" (ZNS), with the parameters listed in the README */
  newOrderTemplateId?: string;
}

/** Zalo's answers for "outside the messaging window" (no interaction in the past 7 days). */
export function isOutsideWindow(err: unknown): boolean {
  return err instanceof OaApiError && (err.code === OA_ERRORS.noInteraction || err.code === OA_ERRORS.noInteraction2);
}

/** Consultation messages are free for this long after the person's last interaction; paid until 7 days. */
export const FREE_WINDOW_MS = 48 * 3600_000;

/** Another turn of the same person released these notices first (the transaction is rolled back). */
class AlreadyReleased extends Error {}

export class OaWindow {
  /**
   * People who just wrote, by this process: the notices kept for them go out before their turn has
   * stored when they last wrote (ChannelAccount.lastSeenAt). Only the latest few thousand are kept.
   */
  private readonly heardAt = new Map<string, number>();

  constructor(
    private readonly opts: { db: Db; engine: Engine; client: OaClient; log: Logger; zns: ZnsSettings },
  ) {}

  /**
   * Whether a message to this person now would be a paid one: they last wrote more than 48 h ago (as
   * far as this database knows; unknown people are not held back, Zalo's own answer decides).
   */
  async inPaidBand(chatKey: string, now = Date.now()): Promise<boolean> {
    if (now - (this.heardAt.get(chatKey) ?? 0) <= FREE_WINDOW_MS) return false;
    const account = await this.opts.db.channelAccount.findUnique({ where: { channel_userKey: { channel: "zalo_oa", userKey: chatKey } }, select: { lastSeenAt: true } });
    return !!account && now - account.lastSeenAt.getTime() > FREE_WINDOW_MS;
  }

  /** Messages Zalo refused for the window, or held back in the paid band: a ZNS for an order notice where configured, and kept. */
  async refused(chatKey: string, messages: Outbound[], locale: string, why: "outside" | "paid" = "outside"): Promise<void> {
    const services = createServices(this.opts.db);
    const orderNotice = messages.map(orderOfNotice).find((id) => id !== null);
    const znsAt = orderNotice ? await this.zns(orderNotice) : undefined;
    await services.heldNotices.hold("zalo_oa", chatKey, locale, messages, { znsAt });
    const band = why === "paid" ? "in the OA's paid band (last wrote 48 h to 7 days ago)" : "outside the OA messaging window";
    this.opts.log.info({ zns: !!znsAt, messages: messages.length }, `${band}: notice kept until the person writes`);
  }

  /** The person wrote: what was kept for them goes out first, through the outbox (moved there atomically). */
  async release(chatKey: string): Promise<void> {
    this.heardAt.delete(chatKey);
    this.heardAt.set(chatKey, Date.now());
    if (this.heardAt.size > 5_000) this.heardAt.delete(this.heardAt.keys().next().value!);
    const { db, engine } = this.opts;
    const services = createServices(db);
    const held = await services.heldNotices.forChat("zalo_oa", chatKey);
    if (held.length === 0) return;
    const locale = held[0].locale;
    // An order that was decided meanwhile (expired, cancelled): its buttons would only confuse; the
    // notice of what became of it is among the kept ones.
    const orderIds = [...new Set(held.flatMap((h) => (h.orderId ? [h.orderId] : [])))];
    const open = new Set((await Promise.all(orderIds.map((id) => services.orders.get(id)))).flatMap((o) => (o?.status === "pending" ? [o.id] : [])));
    const seen = new Set<string>();
    // A notice kept twice (its send was repeated after a crash) is shown once.
    const messages = held
      .filter((h) => !h.orderId || open.has(h.orderId))
      .map((h) => h.message)
      .filter((m) => !seen.has(JSON.stringify(m)) && seen.add(JSON.stringify(m)));
    const move = db.$transaction(async (tx) => {
      // Two messages at once from the person: only the turn that removed the rows sends them.
      const released = await createServices(tx).heldNotices.release(held.map((h) => h.id));
      if (released !== held.length) throw new AlreadyReleased();
      if (messages.length === 0) return [];
      return engine.queueIn(tx, { channel: "zalo_oa", chatKey, locale }, [{ text: tFor(locale)("zaloOa:whileAway") }, ...messages]);
    });
    const pending = await move.catch((err: unknown) => {
      if (err instanceof AlreadyReleased) return [];
      throw err;
    });
    // Queued for this chat now (synchronously), ahead of the answer to what the person just wrote;
    // not awaited: the turn need not wait for the sends.
    void engine.deliverQueued(pending).catch((err) => this.opts.log.error({ err }, "kept notices not sent yet (still owed)"));
  }

  /** Sends the order's ZNS to its household's phone; the time it went, or undefined (not configured, or failed). */
  private async zns(orderId: string): Promise<Date | undefined> {
    const templateId = this.opts.zns.newOrderTemplateId;
    if (!templateId) return undefined;
    const services = createServices(this.opts.db);
    // One ZNS per order: its reminder, refused too, waits with it (a ZNS is paid).
    const sent = await this.opts.db.heldNotice.findFirst({ where: { orderId, znsAt: { not: null } }, select: { znsAt: true } });
    if (sent?.znsAt) return sent.znsAt;
    const order = await services.orders.get(orderId);
    const household = order ? await this.opts.db.household.findUnique({ where: { id: order.shop.householdId }, select: { phone: true } }) : null;
    if (!order || !household) return undefined;
    try {
      await this.opts.client.sendZns({
        phone: household.phone.replace(/^\+/, ""),
        templateId,
        data: {
          order_code: order.code,
          product: order.title,
          quantity: formatQuantity({ value: order.quantity, unit: order.unit }),
          total: formatPrice({ vnd: order.totalVnd, per: null }),
          shop_name: order.shop.name,
        },
        trackingId: order.code,
      });
      this.opts.log.info("order notice sent by ZNS (outside the OA messaging window)");
      return new Date();
    } catch (err) {
      this.opts.log.warn({ err: String(err).slice(0, 160) }, "ZNS order notice failed; the order waits for the household to write");
      return undefined;
    }
  }
}
