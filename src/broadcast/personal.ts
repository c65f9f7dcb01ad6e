// Messages the broadcast dispatcher sends to one chat each, not announcements: buyers' price alerts
// (alerts.ts) and harvest reminders (reminders.ts). Their outbox rows name "<kind>:<row id>" where an
// announcement names its broadcast; the text is complete (its own way to stop included).
import type { Db } from "../db/client.ts";
import { ALERT_PREFIX } from "./alerts.ts";
import { REMINDER_PREFIX } from "./reminders.ts";

export const isPersonal = (broadcastId: string) => broadcastId.startsWith(ALERT_PREFIX) || broadcastId.startsWith(REMINDER_PREFIX);

/** The text of a personal message's row; null when its row is gone. */
export async function personalText(db: Db, broadcastId: string): Promise<string | null> {
  if (broadcastId.startsWith(ALERT_PREFIX)) {
    return (await db.priceAlertNotice.findUnique({ where: { id: broadcastId.slice(ALERT_PREFIX.length) }, select: { text: true } }))?.text ?? null;
  }
  return (await db.harvestReminder.findUnique({ where: { id: broadcastId.slice(REMINDER_PREFIX.length) }, select: { text: true } }))?.text ?? null;
}
