// Buyer alerts (issue 16 part 4): listings that go live are matched against buyers' alerts, and each
// match owes the buyer's chat one short message with a link, at most one per chat, product and
// Vietnamese day. Sent by the broadcast dispatcher (service.ts) like an announcement, under the same
// deployment-wide rate limit, the same leases and the same rules: a chat that blocked the bot
// (unreachable) or whose household typed TAT gets nothing; neither does the seller itself.
//
// How "goes live" is seen: a background pass reads listings by `updatedAt` (indexed) from a cursor
// kept in the database (AlertCursor), a few seconds back each time because a turn's transaction may
// commit after a later one; a listing read twice is harmless, as what is claimed is the day's message.
// A match writes its PriceAlertNotice (the unique chat/product/day row: the daily cap, whoever inserts
// first wins, also across instances) and its OutboxMessage row in one transaction: a crash leaves both
// or neither, and the dispatcher's leases do the rest (nothing lost; repeats only of sends in flight).
import { randomUUID } from "node:crypto";
import type { Db } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { BackgroundPass } from "../core/background.ts";
import { activatePhoneAlerts } from "../core/phone-alerts.ts";
import { vnDayStart } from "../core/prices.ts";
import type { ChannelName } from "../engine/message.ts";
import { tFor } from "../i18n/index.ts";
import { getCommune } from "../lang/communes.ts";
import { formatPrice } from "../lang/price.ts";
import type { Logger } from "../log.ts";
import { pricePath, shopUrl } from "../links.ts";

/** OutboxMessage.broadcastId of an alert: this prefix, then the PriceAlertNotice id. */
export const ALERT_PREFIX = "alert:";
const CURSOR = "listings";
/** how far back each pass reads again (transactions that committed late) */
const OVERLAP_MS = 10_000;
const PAGE = 500;

export interface AlertMatcherOptions {
  /** channels the dispatcher sends on: alerts to other chats wait for nothing */
  channels: ChannelName[];
  publicUrl: string;
  /** a message was queued: wake the dispatcher */
  queued: () => void;
  log: Logger;
}

interface LiveListing {
  id: string;
  productId: string;
  unit: string;
  priceVnd: number;
  communeCode: string | null;
  updatedAt: Date;
  shop: { slug: string; householdId: string };
  product: { name: string; unit: string } | null;
}

/** "2026-12-06": the Vietnamese day of `at`. */
export function vnDay(at: Date): string {
  return new Date(vnDayStart(at).getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

export class AlertMatcher {
  readonly pass: BackgroundPass;

  constructor(
    private readonly db: Db,
    private readonly opts: AlertMatcherOptions,
  ) {
    this.pass = new BackgroundPass(
      () => this.run(),
      (err) => opts.log.error({ err }, "price alert matching failed; tried again at the next pass"),
    );
  }

  /** One pass: listings changed since the cursor, their matches queued. Returns the messages queued. */
  async run(now = new Date()): Promise<number> {
    if (this.opts.channels.length === 0) return 0;
    // Alerts asked for on the web by phone join their chat once it is known (from then on, like any).
    await activatePhoneAlerts(this.db, this.opts.channels);
    const cursor = await this.db.alertCursor.findUnique({ where: { name: CURSOR } });
    if (!cursor) {
      // First start: alerts are about listings from now on, not the whole market at once.
      await this.db.alertCursor.createMany({ data: [{ name: CURSOR, at: now }] }).catch(() => undefined);
      return 0;
    }
    const read = (since: Date) =>
      this.db.listing.findMany({
        where: { updatedAt: { gte: since }, status: "active", stockMilli: { gt: 0 }, productId: { not: null } },
        orderBy: { updatedAt: "asc" },
        take: PAGE,
        select: { id: true, productId: true, unit: true, priceVnd: true, communeCode: true, updatedAt: true, shop: { select: { slug: true, householdId: true } }, product: { select: { name: true, unit: true } } },
      }) as Promise<LiveListing[]>;
    let listings = await read(new Date(cursor.at.getTime() - OVERLAP_MS));
    // A full page entirely inside the overlap would never move the cursor: read on from the cursor.
    if (listings.length === PAGE && listings[PAGE - 1].updatedAt <= cursor.at) listings = await read(cursor.at);
    const queued = await this.forListings(listings.filter((l) => l.product !== null), now);
    const newest = listings.at(-1)?.updatedAt;
    if (newest && newest > cursor.at) await this.db.alertCursor.updateMany({ where: { name: CURSOR, at: { lt: newest } }, data: { at: newest } });
    if (queued > 0) this.opts.queued();
    return queued;
  }

  /**
   * The alerts the listings meet, found in one statement for the whole page (a statement per listing
   * was most of a pass's round trips, and passes run beside the turns), then each match claimed.
   */
  private async forListings(listings: LiveListing[], now: Date): Promise<number> {
    if (listings.length === 0) return 0;
    const day = vnDay(now);
    // A ceiling is per the product's unit: a listing priced in another unit (na by the quả) meets only
    // alerts without one. CAST gives the values their types on PostgreSQL; SQLite takes them as they are.
    const values = listings.map(
      (l, i) => Prisma.sql`(${i}, CAST(${l.productId} AS TEXT), CAST(${l.communeCode} AS TEXT), CAST(${l.shop.householdId} AS TEXT),
        CAST(${l.priceVnd} AS INTEGER), CAST(${l.unit === l.product!.unit ? 1 : 0} AS INTEGER))`,
    );
    const matches = await this.db.$queryRaw<Array<{ i: number | bigint; channel: string; chatKey: string; locale: string; token: string }>>`
      WITH v ("i", "productId", "communeCode", "householdId", "priceVnd", "sameUnit") AS (VALUES ${Prisma.join(values)})
      SELECT v."i", a."channel", a."chatKey", a."locale", a."token" FROM v JOIN "PriceAlert" a ON a."productId" = v."productId"
      WHERE a."channel" IN (${Prisma.join(this.opts.channels)})
        AND (a."communeCode" IS NULL OR a."communeCode" = v."communeCode")
        AND (a."maxPriceVnd" IS NULL OR (v."sameUnit" = 1 AND a."maxPriceVnd" >= v."priceVnd"))
        AND NOT EXISTS (SELECT 1 FROM "ChannelAccount" c WHERE c."channel" = a."channel" AND c."chatKey" = a."chatKey"
          AND (c."unreachable" = true OR c."householdId" = v."householdId"
            OR EXISTS (SELECT 1 FROM "AnnouncementOptOut" o WHERE o."householdId" = c."householdId")))
        AND NOT EXISTS (SELECT 1 FROM "PriceAlertNotice" n WHERE n."channel" = a."channel" AND n."chatKey" = a."chatKey"
          AND n."productId" = a."productId" AND n."day" = ${day})
      ORDER BY v."i"`;
    let queued = 0;
    for (const a of matches) {
      const l = listings[Number(a.i)];
      const text = this.text(l, a.locale, a.token);
      const won = await this.db.$transaction(async (tx) => {
        const id = randomUUID();
        const claimed = await tx.$executeRaw`
          INSERT INTO "PriceAlertNotice" ("id", "channel", "chatKey", "productId", "day", "listingId", "text", "createdAt")
          VALUES (${id}, ${a.channel}, ${a.chatKey}, ${l.productId}, ${day}, ${l.id}, ${text}, ${now})
          ON CONFLICT DO NOTHING`;
        if (claimed !== 1) return false; // another listing of this pass, another pass or instance took today's message
        await tx.$executeRaw`
          INSERT INTO "OutboxMessage" ("broadcastId", "channel", "chatKey", "locale", "status", "attempts", "leaseUntil")
          VALUES (${ALERT_PREFIX + id}, ${a.channel}, ${a.chatKey}, ${a.locale}, 'pending', 0, 0)`;
        return true;
      });
      if (won) queued += 1;
    }
    return queued;
  }

  /** The message: what, how much, where, the shop's link, and the one-tap way to stop. */
  private text(l: LiveListing, locale: string, token: string): string {
    const t = tFor(locale);
    const commune = l.communeCode ? getCommune(l.communeCode)?.name : undefined;
    return t("prices:alert.text", {
      product: l.product!.name,
      price: formatPrice({ vnd: l.priceVnd, per: l.unit }),
      commune: commune ?? "",
      url: shopUrl(this.opts.publicUrl, l.shop.slug),
      board: `${this.opts.publicUrl}${pricePath(l.productId)}`,
      stop: `${this.opts.publicUrl}/baogia/huy/${token}`,
    });
  }
}
