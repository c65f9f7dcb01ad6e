// A date and time typed by an officer to schedule an announcement, in Vietnamese local time
// (Asia/Ho_Chi_Minh, set by src/timezone.ts): "7:30 20/12", "20/12 7h30", "18h mai", "7:30" (today, or
// tomorrow once it has passed), "20/12/2026 07:30".
import { fold } from "./normalize.ts";

export function parseDateTime(text: string, now: Date): Date | null {
  let t = fold(text).replace(/\b(luc|vao|ngay|gio)\b/g, " ").replace(/\s+/g, " ").trim();
  let dayOffset: number | null = null;
  if (/\b(ngay mai|mai)\b/.test(t)) {
    dayOffset = 1;
    t = t.replace(/\b(ngay mai|mai)\b/, " ");
  } else if (/\b(hom nay|nay)\b/.test(t)) {
    dayOffset = 0;
    t = t.replace(/\b(hom nay|nay)\b/, " ");
  }
  let hour: number | null = null;
  let minute = 0;
  const time = /(?:^|\s)(\d{1,2})\s*(?::|h|g)\s*(\d{2})?(?:\s*(sang|chieu|toi))?(?=\s|$)/.exec(` ${t} `);
  if (time) {
    hour = Number(time[1]);
    minute = time[2] ? Number(time[2]) : 0;
    if ((time[3] === "chieu" || time[3] === "toi") && hour < 12) hour += 12;
    t = t.replace(time[0].trim(), " ");
  }
  if (hour === null || hour > 23 || minute > 59) return null;
  const date = /(?:^|\s)(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{2,4}))?(?=\s|$)/.exec(` ${t} `);
  let result: Date;
  if (date) {
    const day = Number(date[1]);
    const month = Number(date[2]);
    let year = date[3] ? Number(date[3]) : now.getFullYear();
    if (year < 100) year += 2000;
    if (month < 1 || month > 12 || day < 1 || day > new Date(year, month, 0).getDate()) return null;
    result = new Date(year, month - 1, day, hour, minute);
    // "20/1" typed in December means next January
    if (!date[3] && result.getTime() < now.getTime() - 24 * 3600 * 1000) result = new Date(year + 1, month - 1, day, hour, minute);
    t = t.replace(date[0].trim(), " ");
  } else {
    result = new Date(now.getFullYear(), now.getMonth(), now.getDate() + (dayOffset ?? 0), hour, minute);
    if (dayOffset === null && result <= now) result = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, hour, minute);
  }
  if (t.replace(/[\s,.]/g, "") !== "") return null; // words we did not understand
  return result;
}

/** "07:30 20/12/2026" (local time). */
export function formatDateTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())} ${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()}`;
}

/** "6/12/2026" (local time): a day, as written on a price note. */
export function formatDate(d: Date): string {
  return `${d.getDate()}/${d.getMonth() + 1}/${d.getFullYear()}`;
}
