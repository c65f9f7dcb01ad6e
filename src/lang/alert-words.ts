// The words of a buyer's price alert: "báo tôi khi có na dưới 40k ở Chi Lăng", "/baogia tắt na".
// Matched on folded text (no diacritics, lower case).

/** "bao toi khi co ...", "bao cho minh khi nao co ...", "nhan tin cho toi khi co ...". */
export const ALERT_ASK = /^(?:bao|nhan tin|nhan)(?: cho)?(?: toi| minh| em| tui| chau| anh| chi)? khi(?: nao)? co\b/;

/** "tat na", "huy na", "bo bao na", "thoi na": stop an alert. */
export const ALERT_STOP = /^(?:tat|huy|bo|thoi|ngung|dung)\b/;

/** The place named after "ở", "tại", "xã", "phường" ("... ở Chi Lăng" → "Chi Lăng"), as typed. */
export function placeAfter(text: string): string | null {
  const m = /(?:^|\s)(?:ở|o|tại|tai|xã|xa|phường|phuong)\s+(.+)$/iu.exec(text.normalize("NFC"));
  if (!m) return null;
  // "ở xã Chi Lăng": the unit word is part of the name the commune search understands.
  return m[1].trim() || null;
}
