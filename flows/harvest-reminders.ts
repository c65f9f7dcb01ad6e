// Harvest reminders in chat (issue 16 part 5). Officers: "/lichnhac" shows the calendar (each product's
// season start months), "/lichnhac na 7 8" sets them, "/lichnhac na tat" turns a product's reminders
// off, "/lichnhac na macdinh" goes back to the catalog's months. Households: "/nhacmuavu tat" and
// "/nhacmuavu bat". Sending is src/broadcast/reminders.ts's.
import { say, type FlowContext } from "../src/engine/flow.ts";
import type { Outbound } from "../src/engine/message.ts";
import type { CommandHandler } from "../src/engine/turn.ts";
import { fold } from "../src/lang/normalize.ts";
import { matchProduct } from "../src/lang/product.ts";
import type { CalendarEntry } from "../src/core/harvest-calendar.ts";

const months = (ctx: FlowContext, e: CalendarEntry) =>
  e.off ? ctx.t("prices:calendar.off") : e.starts.length ? e.starts.map((m) => ctx.t("prices:calendar.month", { month: m })).join(", ") : ctx.t("prices:calendar.allYear");

async function calendarText(ctx: FlowContext): Promise<Outbound[]> {
  const entries = await ctx.services.harvestCalendar.entries(ctx.catalog.items);
  const lines = entries.map((e) => `• ${ctx.catalog.byId(e.productId)?.name ?? e.productId}: ${months(ctx, e)}${e.custom ? " ✎" : ""}`);
  return [say([ctx.t("prices:calendar.title"), ...lines, ctx.t("prices:calendar.howTo")].join("\n"))];
}

/** "/lichnhac [sản phẩm] [tháng… | tat | macdinh]": officers only (anyone else: unknown command). */
export const calendarCommand: CommandHandler = async (ctx, args) => {
  const officer = await ctx.services.officers.find(ctx.identity);
  if (!officer) return null;
  const text = args.slice(0, 200);
  if (!text.trim()) return calendarText(ctx);
  const found = matchProduct(text, ctx.catalog.index)?.[0];
  if (!found) return [say(ctx.t("prices:calendar.which"))];
  const item = found.item;
  const words = fold(text).split(/\s+/);
  const [entry] = await ctx.services.harvestCalendar.entries([item]);
  if (words.includes("macdinh")) await ctx.services.harvestCalendar.reset(item.id);
  else if (words.includes("tat")) await ctx.services.harvestCalendar.set(item.id, { off: true }, officer.id, entry.starts);
  else {
    const picked = words.map(Number).filter((m) => Number.isInteger(m) && m >= 1 && m <= 12);
    if (picked.length === 0) return [say(ctx.t("prices:calendar.badMonths"))];
    await ctx.services.harvestCalendar.set(item.id, { months: picked }, officer.id, entry.starts);
  }
  const [now] = await ctx.services.harvestCalendar.entries([item]);
  return [say(ctx.t("prices:calendar.saved", { product: item.name, months: months(ctx, now) }))];
};

/** "/nhacmuavu tat|bat": a household's own switch. */
export const remindersCommand: CommandHandler = async (ctx, args) => {
  if (!ctx.household) return [say(ctx.t("prices:reminder.noShop"))];
  const word = fold(args).trim();
  if (word === "tat") {
    await ctx.services.harvestCalendar.optOut(ctx.household.id);
    return [say(ctx.t("prices:reminder.off"))];
  }
  if (word === "bat") {
    await ctx.services.harvestCalendar.optIn(ctx.household.id);
    return [say(ctx.t("prices:reminder.on"))];
  }
  return [say(ctx.t("prices:reminder.howTo"))];
};
