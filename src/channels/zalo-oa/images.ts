// Images on the OA. Inbound: a photo a person sends arrives as a CDN URL (message.attachments[0]
// .payload.url), fetched like any photo when a listing keeps it. Outbound: the OA shows an image it was
// given by upload (POST /v2.0/oa/upload/image → attachment_id; JPEG or PNG, about 1 MB at most), so the
// bytes are fetched here first: from an http(s) URL, or from a data: URL (an image made by the bot).
const MAX_DOWNLOAD_BYTES = 10 * 1024 * 1024;
/** Zalo's documented upload limit for images */
export const OA_MAX_UPLOAD_BYTES = 1024 * 1024;

export interface ImageBytes {
  data: Buffer;
  ext: "jpg" | "png";
}

/** The URL of an image event's first attachment, when it is an http(s) one. */
export function attachmentUrl(attachments: unknown): string | undefined {
  if (!Array.isArray(attachments)) return undefined;
  const payload = (attachments[0] as { payload?: { url?: unknown } } | undefined)?.payload;
  const url = payload?.url;
  return typeof url === "string" && /^https?:\/\//i.test(url) ? url : undefined;
}

/** The bytes of an image reference: an http(s) URL or a base64 data: URL. */
export async function imageBytes(ref: string, maxBytes = MAX_DOWNLOAD_BYTES): Promise<ImageBytes> {
  const data = /^data:image\/(png|jpe?g);base64,(.*)$/is.exec(ref);
  if (data) {
    const bytes = Buffer.from(data[2], "base64");
    if (bytes.length > maxBytes) throw new Error("image too large");
    return { data: bytes, ext: data[1].toLowerCase() === "png" ? "png" : "jpg" };
  }
  if (!/^https?:\/\//i.test(ref)) throw new Error("not an image URL");
  const res = await fetch(ref, { signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`image download failed: HTTP ${res.status}`);
  if (Number(res.headers.get("content-length") ?? 0) > maxBytes) throw new Error("image too large");
  const bytes = Buffer.from(await res.arrayBuffer());
  if (bytes.length > maxBytes) throw new Error("image too large");
  return { data: bytes, ext: /png/i.test(res.headers.get("content-type") ?? "") ? "png" : "jpg" };
}
