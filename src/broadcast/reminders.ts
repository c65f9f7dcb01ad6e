// Harvest reminders (issue 16 part 5): in the month a product's season starts (harvest-calendar.ts),
// each household that listed the product in the twelve months before, or says it grows it (its crops,
// core/household-crops.ts), gets one reminder to list it,
// with the current price range, on the chat it used last. Sent by the broadcast dispatcher like the
// buyers' alerts (paced, leased; TAT and unreachable chats skipped), and turned off per household with
// "/nhacmuavu tat".
//
// Once per season per household, also with several instances and across restarts: the HarvestReminder
// row (household, product, season) is the claim, inserted with ON CONFLICT DO NOTHING together with
// its OutboxMessage row in one transaction. A pass runs every hour; one that misses the 1st (the app
// was down) catches up later in the month.
import { randomUUID } from "node:crypto";
import type { Db } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { BackgroundPass } from "../core/background.ts";
import type { Catalog } from "../core/catalog.ts";
import { harvestCalendar, seasonKey } from "../core/harvest-calendar.ts";
import { prices } from "../core/prices.ts";
import type { ChannelName } from "../engine/message.ts";
import { tFor } from "../i18n/index.ts";
import { formatPrice } from "../lang/price.ts";
import type { CatalogItem } from "../lang/product.ts";
import type { Logger } from "../log.ts";
import { pricePath } from "../links.ts";

/** OutboxMessage.broadcastId of a reminder: this prefix, then the HarvestReminder id. */
export const REMINDER_PREFIX = "reminder:";
const PAGE = 500;
const HOUR_MS = 3_600_000;

export interface HarvestReminderOptions {
  channels: ChannelName[];
  publicUrl: string;
  catalog: () => Promise<Catalog>;
  queued: () => void;
  log: Logger;
}

/** Year and month (1..12) of `at` in Vietnam, and the instant that month started. */
export function vnMonth(at: Date): { year: number; month: number; start: Date } {
  const local = new Date(at.getTime() + 7 * HOUR_MS);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + 1;
  return { year, month, start: new Date(Date.UTC(year, month - 1, 1) - 7 * HOUR_MS) };
}

export class HarvestReminders {
  readonly pass: BackgroundPass;

  constructor(
    private readonly db: Db,
    private readonly opts: HarvestReminderOptions,
  ) {
    this.pass = new BackgroundPass(
      () => this.run(),
      (err) => opts.log.error({ err }, "harvest reminders failed; tried again at the next pass"),
    );
  }

  /** Reminders owed this month, queued. Returns how many were queued by this pass. */
  async run(now = new Date()): Promise<number> {
    if (this.opts.channels.length === 0) return 0;
    const { year, month, start } = vnMonth(now);
    const catalog = await this.opts.catalog();
    const entries = await harvestCalendar(this.db).entries(catalog.items);
    let queued = 0;
    for (const entry of entries) {
      const item = catalog.byId(entry.productId);
      if (!item || entry.off || !entry.starts.includes(month)) continue;
      queued += await this.remind(item, seasonKey(year, month), start, now);
    }
    if (queued > 0) this.opts.queued();
    return queued;
  }

  private async remind(item: CatalogItem, season: string, monthStart: Date, now: Date): Promise<number> {
    const since = new Date(Date.UTC(monthStart.getUTCFullYear() - 1, monthStart.getUTCMonth(), monthStart.getUTCDate(), monthStart.getUTCHours()));
    let range: Awaited<ReturnType<HarvestReminders["range"]>> | null = null; // looked up once someone is owed
    let queued = 0;
    for (;;) {
      // Those that listed it last season and those that say they grow it (HouseholdCrop), on the chat
      // each used last (any reachable one when it has none); several rows for one household meet the
      // same claim, and only the first is queued. `listed` picks the reminder's wording.
      const lastSeason = Prisma.sql`SELECT s."householdId" FROM "Listing" l JOIN "Shop" s ON s."id" = l."shopId"
            WHERE l."productId" = ${item.id} AND l."createdAt" >= ${since} AND l."createdAt" < ${monthStart}`;
      const owed = await this.db.$queryRaw<Array<{ hid: string; channel: string; chatKey: string; locale: string; listed: number | bigint | boolean }>>`
        SELECT h."id" AS hid, a."channel", a."chatKey", COALESCE(a."locale", 'vi') AS locale,
          CASE WHEN h."id" IN (${lastSeason}) THEN 1 ELSE 0 END AS listed
        FROM "Household" h JOIN "ChannelAccount" a ON a."householdId" = h."id" AND a."channel" = COALESCE(h."lastChannel", a."channel")
        WHERE a."unreachable" = false AND a."channel" IN (${Prisma.join(this.opts.channels)})
          AND h."id" IN (${lastSeason} UNION SELECT c."householdId" FROM "HouseholdCrop" c WHERE c."productId" = ${item.id})
          AND NOT EXISTS (SELECT 1 FROM "ReminderOptOut" r WHERE r."householdId" = h."id")
          AND NOT EXISTS (SELECT 1 FROM "AnnouncementOptOut" o WHERE o."householdId" = h."id")
          AND NOT EXISTS (SELECT 1 FROM "HarvestReminder" m WHERE m."householdId" = h."id" AND m."productId" = ${item.id} AND m."season" = ${season})
        ORDER BY h."id" LIMIT ${PAGE}`;
      if (owed.length === 0) return queued;
      range ??= await this.range(item, now);
      const quoted = range;
      queued += await this.db.$transaction(async (tx) => {
        let won = 0;
        for (const o of owed) {
          const id = randomUUID();
          const text = this.text(item, o.locale, quoted, Number(o.listed) === 1);
          const claimed = await tx.$executeRaw`
            INSERT INTO "HarvestReminder" ("id", "householdId", "productId", "season", "text", "createdAt")
            VALUES (${id}, ${o.hid}, ${item.id}, ${season}, ${text}, ${now}) ON CONFLICT DO NOTHING`;
          if (claimed !== 1) continue; // this household's reminder is someone else's (another row, another instance)
          await tx.$executeRaw`
            INSERT INTO "OutboxMessage" ("broadcastId", "channel", "chatKey", "locale", "status", "attempts", "leaseUntil")
            VALUES (${REMINDER_PREFIX + id}, ${o.channel}, ${o.chatKey}, ${o.locale}, 'pending', 0, 0)`;
          won += 1;
        }
        return won;
      });
    }
  }

  /** The price range the reminder quotes: live offers, else last month's orders, else the usual range. */
  private async range(item: CatalogItem, now: Date): Promise<{ min: number; max: number; from: "live" | "sold" | "usual" }> {
    const row = await prices(this.db).ofProduct(item.id, { now });
    if (row?.live) return { min: row.live.min, max: row.live.max, from: "live" };
    if (row?.orders30) return { min: row.orders30.min, max: row.orders30.max, from: "sold" };
    return { min: item.priceRange.min, max: item.priceRange.max, from: "usual" };
  }

  private text(item: CatalogItem, locale: string, range: { min: number; max: number; from: string }, listed: boolean): string {
    const t = tFor(locale);
    const money = (vnd: number, last: boolean) => formatPrice({ vnd, per: last ? item.unit : null });
    return t(listed ? "prices:reminder.text" : "prices:reminder.textGrown", {
      product: item.name,
      range: t(`prices:reminder.range_${range.from}`, { min: money(range.min, false), max: money(range.max, true) }),
      board: `${this.opts.publicUrl}${pricePath(item.id)}`,
    });
  }
}
