// Replies to announcements: a household's free-text message shortly after an announcement reached it
// is kept here and forwarded to the officer who sent that announcement, who can answer it in one
// message. The row's id is the short number the officer types where there are no buttons ("TL 12").
import type { Db, Tx } from "../db/client.ts";
import { householdTarget, type NotifyTarget } from "../core/notify.ts";
import { officers, type OfficerView } from "./officers.ts";

/** Longest reply forwarded; the rest is cut (a farmer's answer, not a document). */
export const REPLY_MAX = 1000;
/** At most this many of a household's messages are forwarded in 24 hours (an officer is not flooded). */
export const FORWARDS_PER_DAY = 5;
/** A reply can be answered for this long after it was forwarded. */
export const ANSWER_WITHIN_DAYS = 14;

export interface RecentAnnouncement {
  broadcastId: string;
  officer: OfficerView;
}

export interface ForwardedReply {
  id: number;
  officerId: string;
  householdId: string;
  text: string;
  createdAt: Date;
  /** the household's name; null when it has deleted its account since */
  name: string | null;
}

export function announcementReplies(tx: Tx | Db) {
  return {
    /**
     * The latest announcement that reached one of this household's chats within `days` (started
     * then, not a test send), with its officer; null when none did or the officer's role has ended.
     */
    async recentFor(householdId: string, now: Date, days: number): Promise<RecentAnnouncement | null> {
      const since = new Date(now.getTime() - days * 24 * 3600_000);
      const recent = await tx.broadcast.findMany({
        where: { startedAt: { gte: since }, status: { in: ["sending", "done", "cancelled"] }, NOT: { audience: { contains: '"test":true' } } },
        orderBy: { startedAt: "desc" },
        select: { id: true, officerId: true },
        take: 50,
      });
      if (recent.length === 0) return null;
      const chats = await tx.channelAccount.findMany({ where: { householdId }, select: { channel: true, chatKey: true } });
      if (chats.length === 0) return null;
      const reached = await tx.outboxMessage.findMany({
        where: { chatKey: { in: chats.map((c) => c.chatKey) }, status: "sent", broadcastId: { in: recent.map((b) => b.id) } },
        select: { broadcastId: true, channel: true, chatKey: true },
      });
      const mine = new Set(reached.filter((r) => chats.some((c) => c.channel === r.channel && c.chatKey === r.chatKey)).map((r) => r.broadcastId));
      const latest = recent.find((b) => mine.has(b.id));
      if (!latest) return null;
      const officer = await officers(tx).byId(latest.officerId);
      return officer ? { broadcastId: latest.id, officer } : null;
    },

    /** How many of this household's messages were forwarded in the 24 hours before `now`. */
    async forwardedToday(householdId: string, now: Date): Promise<number> {
      return tx.announcementReply.count({ where: { householdId, createdAt: { gt: new Date(now.getTime() - 24 * 3600_000) } } });
    },

    async record(input: { officerId: string; broadcastId: string; householdId: string; text: string }, now: Date): Promise<number> {
      const row = await tx.announcementReply.create({ data: { ...input, text: [...input.text].slice(0, REPLY_MAX).join(""), createdAt: now } });
      return row.id;
    },

    /** A reply forwarded to this officer that can still be answered, or null (another officer's, unknown, too old). */
    async forOfficer(id: number, officerId: string, now: Date): Promise<ForwardedReply | null> {
      if (!Number.isSafeInteger(id) || id <= 0) return null;
      const row = await tx.announcementReply.findUnique({ where: { id } });
      if (!row || row.officerId !== officerId) return null;
      if (now.getTime() - row.createdAt.getTime() > ANSWER_WITHIN_DAYS * 24 * 3600_000) return null;
      const household = await tx.household.findUnique({ where: { id: row.householdId }, select: { name: true } });
      return { ...row, name: household?.name ?? null };
    },

    /** Ids of the replies forwarded to this officer and not answered yet, still answerable, newest first (at most `take`). */
    async unanswered(officerId: string, now: Date, take = 2): Promise<number[]> {
      const since = new Date(now.getTime() - ANSWER_WITHIN_DAYS * 24 * 3600_000);
      const rows = await tx.announcementReply.findMany({
        where: { officerId, answeredAt: null, createdAt: { gt: since } },
        orderBy: { createdAt: "desc" },
        take,
        select: { id: true },
      });
      return rows.map((r) => r.id);
    },

    async answered(id: number, now: Date): Promise<void> {
      await tx.announcementReply.update({ where: { id }, data: { answeredAt: now } });
    },

    /** Where the household reads messages now (its last channel first), or null when no chat reaches it. */
    householdChat(householdId: string, usable: (channel: string) => boolean): Promise<NotifyTarget | null> {
      return householdTarget(tx, householdId, usable);
    },
  };
}
