// Messages that are not replies: a new order to a household, a status change to a buyer. They go
// out after the change that caused them is committed, on the channel the person used last.
// The domain only says what to tell whom; how it gets there is behind `NotifyPort`, which the app wires
// to the engine's sending (so core never depends on the engine, and the sending path can change alone).
import type { TFunction } from "i18next";
import type { Db, Tx } from "../db/client.ts";
import { tFor } from "../i18n/index.ts";
import type { ChannelName, Outbound } from "./messages.ts";
import type { OrderView } from "./orders.ts";

export type Build = (t: TFunction) => Outbound[];

/** One chat to tell something, in that person's language. */
export interface NotifyTarget {
  channel: ChannelName;
  chatKey: string;
  locale: string;
}

/** How the domain's messages leave: implemented outside core (today by the engine's channel senders). */
export interface NotifyPort {
  /** Is this channel connected in this deployment (could a message be delivered there)? */
  reaches(channel: string): boolean;
  /** Deliver to one chat; false when it did not arrive (no such channel, blocked, failed). */
  send(to: NotifyTarget, messages: Outbound[]): Promise<boolean>;
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
  if (!order.buyerChatKey || !["telegram", "zalo", "cli", "web"].includes(order.buyerChannel)) return null;
  return { channel: order.buyerChannel as ChannelName, chatKey: order.buyerChatKey, locale: order.buyerLocale };
}

export class Notifier {
  constructor(
    private readonly db: Db,
    private readonly port: NotifyPort,
  ) {}

  async household(householdId: string, build: Build): Promise<boolean> {
    const to = await householdTarget(this.db, householdId, (c) => this.port.reaches(c));
    return to ? this.port.send(to, build(tFor(to.locale))) : false;
  }

  async buyer(order: OrderView, build: Build): Promise<boolean> {
    const to = buyerTarget(order);
    return to && this.port.reaches(to.channel) ? this.port.send(to, build(tFor(to.locale))) : false;
  }
}
