// Text fields as carriers count them: Viettel Post limits every string to 150 bytes of UTF-8, where a
// Vietnamese letter takes 2-3 bytes. Cut on whole characters (grapheme clusters, after NFC), never
// inside one.
const segmenter = new Intl.Segmenter("vi", { granularity: "grapheme" });

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** At most `maxBytes` bytes of UTF-8, whole characters only, surrounding spaces trimmed. */
export function cutUtf8(text: string, maxBytes: number): string {
  const clean = text.normalize("NFC").replace(/\s+/g, " ").trim();
  if (utf8Bytes(clean) <= maxBytes) return clean;
  let out = "";
  let used = 0;
  for (const { segment } of segmenter.segment(clean)) {
    const size = utf8Bytes(segment);
    if (used + size > maxBytes) break;
    out += segment;
    used += size;
  }
  return out.trimEnd();
}
