// The officer's report when a broadcast ends (service.ts sends it).
import type { tFor } from "../i18n/index.ts";

/** The officer's report: one short message. */
export function reportText(
  t: ReturnType<typeof tFor>,
  r: { number: number; sent: number; failed: number; blocked: number; optedOut: number; cancelled: number; startedAt: Date | null; finishedAt: Date | null; status: string },
): string {
  const seconds = r.startedAt && r.finishedAt ? Math.max(0, Math.round((r.finishedAt.getTime() - r.startedAt.getTime()) / 1000)) : 0;
  const duration = seconds < 60 ? t("broadcast:seconds", { count: seconds }) : t("broadcast:minutes", { count: Math.round(seconds / 60) });
  return t(r.status === "cancelled" ? "broadcast:reportCancelled" : "broadcast:report", {
    number: r.number,
    sent: r.sent,
    failed: r.failed,
    blocked: r.blocked,
    optedOut: r.optedOut,
    cancelled: r.cancelled,
    duration,
  });
}
