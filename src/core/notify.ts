// Messages that are not replies: a new order to a household, a status change to a buyer. They are
// written in the transaction of the change that causes them (an order is never placed without its
// notice being owed, even if the process dies right after the commit) and go out after the commit,
// on the channel the person used last.
// The domain only says what to tell whom; how it gets there is behind `NotifyPort`, which the app wires
// to the engine's sending (so core never depends on the engine, and the sending path can change alone).
import type { TFunction } from "i18next";
import type { Tx } from "../db/client.ts";
import { tFor, type Wording } from "../i18n/index.ts";
import type { ChannelName, Outbound } from "./messages.ts";
import type { OrderView } from "./orders.ts";

export type Build = (t: TFunction) => Outbound[];

/** One chat to tell something, in that person's language. */
export interface NotifyTarget {
  channel: ChannelName;
  chatKey: string;
  locale: string;
}

/** Messages written for delivery inside a transaction; what exactly is the port's business. */
export type Queued = readonly unknown[];

/** How the domain's messages leave: implemented outside core (today by the engine's outbox). */
export interface NotifyPort {
  /** Is this channel connected in this deployment (could a message be delivered there)? */
  reaches(channel: string): boolean;
  /** How people answer there (buttons or typed numbers), for the wording of the texts; "inline" when not given. */
  wording?(channel: string): Wording;
  /** Writes messages for one chat inside the caller's transaction: they are owed only if it commits. */
  queue(tx: Tx, to: NotifyTarget, messages: Outbound[]): Promise<Queued>;
  /** After the commit: sends what was queued; resolves once sent or given up for now (still owed then). */
  deliver(queued: Queued[]): Promise<void>;
}

/** Where to reach a household: its last-used channel first, then any other reachable chat. */
export async function householdTarget(db: Pick<Tx, "channelAccount" | "household">, householdId: string, usable: (channel: string) => boolean): Promise<NotifyTarget | null> {
  const [household, accounts] = await Promise.all([
    db.household.findUnique({ where: { id: householdId }, select: { lastChannel: true } }),
    db.channelAccount.findMany({ where: { householdId, unreachable: false }, orderBy: { lastSeenAt: "desc" } }),
  ]);
  const candidates = accounts.filter((a) => usable(a.channel));
  const best = candidates.find((a) => a.channel === household?.lastChannel) ?? candidates[0];
  return best ? { channel: best.channel as ChannelName, chatKey: best.chatKey, locale: best.locale ?? "vi" } : null;
}

/** A buyer who ordered in chat can be told about the order there; web and API buyers use the status page. */
export function buyerTarget(order: Pick<OrderView, "buyerChannel" | "buyerChatKey" | "buyerLocale">): NotifyTarget | null {
  if (!order.buyerChatKey || !["telegram", "zalo", "zalo_oa", "cli", "web"].includes(order.buyerChannel)) return null;
  return { channel: order.buyerChannel as ChannelName, chatKey: order.buyerChatKey, locale: order.buyerLocale };
}

export class Notifier {
  constructor(private readonly port: NotifyPort) {}

  /** In the transaction of the change: the household's notice, or null when no chat reaches it. */
  async household(tx: Tx, householdId: string, build: Build): Promise<Queued | null> {
    const to = await householdTarget(tx, householdId, (c) => this.port.reaches(c));
    return to ? this.port.queue(tx, to, build(tFor(to.locale, this.port.wording?.(to.channel)))) : null;
  }

  /** In the transaction of the change: the buyer's notice, or null for a web or API buyer. */
  async buyer(tx: Tx, order: OrderView, build: Build): Promise<Queued | null> {
    const to = buyerTarget(order);
    return to && this.port.reaches(to.channel) ? this.port.queue(tx, to, build(tFor(to.locale, this.port.wording?.(to.channel)))) : null;
  }

  /** After the commit. */
  async deliver(queued: Array<Queued | null>): Promise<void> {
    const owed = queued.filter((q): q is Queued => q !== null && q.length > 0);
    if (owed.length > 0) await this.port.deliver(owed);
  }
}
