// Availability dates as farmers type them: "15/8", "15-8-2027", "tháng 8" / "thang 8" / "t8".
// A day and month without a year means the next such day (a harvest date is in the future).
import { fold } from "./normalize.ts";

export type DayOrMonth = { kind: "date"; date: Date } | { kind: "month"; date: Date } | { kind: "past" };

export function parseAvailability(text: string, now: Date): DayOrMonth | null {
  const t = fold(text).replace(/^(tu|tu ngay|ngay|vao|khoang)\s+/, "");
  const dm = /^(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{2,4}))?$/.exec(t);
  if (dm) {
    const day = Number(dm[1]);
    const month = Number(dm[2]);
    let year = dm[3] ? Number(dm[3]) : now.getFullYear();
    if (year < 100) year += 2000;
    if (!validDay(year, month, day)) return null;
    let date = new Date(year, month - 1, day);
    if (date < startOfDay(now)) {
      if (dm[3]) return { kind: "past" };
      date = new Date(year + 1, month - 1, day);
    }
    return { kind: "date", date };
  }
  const m = /^(?:thang|t)\s*(\d{1,2})$/.exec(t);
  if (m) {
    const month = Number(m[1]);
    if (month < 1 || month > 12) return null;
    return { kind: "month", date: nextMonthStart(month, now) };
  }
  return null;
}

/** The first day of the next `month` (1..12) that has not ended yet. */
export function nextMonthStart(month: number, now: Date): Date {
  const thisYear = new Date(now.getFullYear(), month - 1, 1);
  const endOfIt = new Date(now.getFullYear(), month, 1);
  return endOfIt > now ? thisYear : new Date(now.getFullYear() + 1, month - 1, 1);
}

function validDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(year, month, 0).getDate();
}

const startOfDay = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate());
