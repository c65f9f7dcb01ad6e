// Price alerts asked for on the web by phone number (issue 16). A phone reaches no chat by itself: the
// alert waits as a PhoneAlert row until a household with that phone has a chat account on a channel
// the dispatcher sends on (it registered with the number, or shares it later), and is then moved onto
// that chat as an ordinary PriceAlert (same stop-link token), so from there on it goes the same way as
// an alert asked for in chat: daily cap, opt-out, dispatcher rate limits.
import type { Db, Tx } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { ALERTS_PER_CHAT, newAlertToken, priceAlerts } from "./price-alerts.ts";

export interface PhoneAlertRequest {
  /** E.164 */
  phone: string;
  productId: string;
  communeCode: string | null;
  maxPriceVnd: number | null;
  locale: string;
  at?: Date;
}

/** Moved per pass at most: a pass every few seconds catches up with any backlog. */
const MOVE_PAGE = 200;

export function phoneAlerts(tx: Tx) {
  return {
    /**
     * Keeps the web request (asking again for the same phone and product changes it); false when the
     * phone already waits for ALERTS_PER_CHAT products, the same cap a chat has.
     */
    async subscribe(r: PhoneAlertRequest): Promise<boolean> {
      const key = { phone: r.phone, productId: r.productId };
      const fields = { communeCode: r.communeCode, maxPriceVnd: r.maxPriceVnd, locale: r.locale, consentAt: r.at ?? new Date() };
      const existing = await tx.phoneAlert.findUnique({ where: { phone_productId: key }, select: { id: true } });
      if (existing) {
        await tx.phoneAlert.update({ where: { id: existing.id }, data: fields });
        return true;
      }
      if ((await tx.phoneAlert.count({ where: { phone: r.phone } })) >= ALERTS_PER_CHAT) return false;
      await tx.phoneAlert.create({ data: { ...key, ...fields, token: newAlertToken() } });
      return true;
    },
  };
}

interface Claimable {
  id: string;
  channel: string;
  chatKey: string;
  locale: string;
}

/**
 * Moves waiting web alerts onto the chat of the household that has their phone (the chat it used
 * last, as notifications do). Returns how many were moved. Safe with several instances: a row is
 * deleted by whoever moves it, and a second mover finds nothing to delete and rolls back.
 */
export async function activatePhoneAlerts(db: Db, channels: string[]): Promise<number> {
  if (channels.length === 0) return 0;
  const ready = await db.$queryRaw<Claimable[]>`
    SELECT p."id", a."channel", a."chatKey", COALESCE(a."locale", p."locale") AS locale
    FROM "PhoneAlert" p
      JOIN "Household" h ON h."phone" = p."phone"
      JOIN "ChannelAccount" a ON a."householdId" = h."id" AND a."channel" = COALESCE(h."lastChannel", a."channel")
    WHERE a."unreachable" = false AND a."channel" IN (${Prisma.join(channels)})
    ORDER BY p."id" LIMIT ${MOVE_PAGE}`;
  let moved = 0;
  const seen = new Set<string>(); // a household on two chats of the last channel: the first one
  for (const r of ready) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    const done = await db.$transaction(async (tx) => {
      const row = await tx.phoneAlert.findUnique({ where: { id: r.id } });
      if (!row || (await tx.phoneAlert.deleteMany({ where: { id: r.id } })).count !== 1) return false;
      // A chat at its cap keeps what it has: the web request is dropped, as a chat request would be refused.
      await priceAlerts(tx).subscribe({
        productId: row.productId,
        communeCode: row.communeCode,
        maxPriceVnd: row.maxPriceVnd,
        channel: r.channel,
        chatKey: r.chatKey,
        locale: r.locale,
        at: row.consentAt,
        token: row.token,
      });
      return true;
    });
    if (done) moved += 1;
  }
  return moved;
}
