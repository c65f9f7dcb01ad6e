// Files in the fake Telegram server: the photos and stickers simulated users send, sendPhoto (by file_id
// seen before, by URL, or uploaded as multipart, whose bytes are kept for tests to check), getFile and
// the downloads from /file/bot<token>/<path>, which answer a small JPEG for every photo a user sent.
// Only what the bot needs of files is modelled: a foreign file_id is refused like the real API does.
import type { Message, PhotoSize } from "grammy/types";
import type { Chats } from "./telegram-messages.ts";
import { formatText } from "./telegram-text-format.ts";
import type { Payload } from "./telegram-types.ts";
import { ApiError, badRequest, isObject } from "./telegram-wire.ts";

export class Files {
  /** File paths the bot downloaded from /file/bot<token>/..., whether they existed or not. */
  readonly downloads: string[] = [];
  /** Every size of every photo, by the file id of any of its sizes. */
  private readonly photos = new Map<string, PhotoSize[]>();
  /** Bytes of photos the bot uploaded, by file id. */
  private readonly uploads = new Map<string, Buffer>();
  private fileSeq = 0;

  constructor(private readonly chats: Chats) {}

  /** A new photo in three sizes, like Telegram's thumbnails. */
  newPhoto(): PhotoSize[] {
    const n = ++this.fileSeq;
    const sizes = [90, 320, 1280].map((w, i) => ({
      file_id: `AgACAgUAAxkBAAI${n.toString(36).padStart(6, "0")}photo${i}`,
      file_unique_id: `AQAD${n}p${i}`,
      width: w,
      height: Math.round(w * 0.75),
      file_size: Math.round(w * w * 0.3),
    }));
    for (const s of sizes) this.photos.set(s.file_id, sizes);
    return sizes;
  }

  newSticker(emoji: string | undefined) {
    const n = ++this.fileSeq;
    return {
      file_id: `CAACAgIAAxkBAAI${n.toString(36).padStart(6, "0")}sticker`,
      file_unique_id: `AgAD${n}st`,
      type: "regular" as const,
      width: 512, height: 512, is_animated: false, is_video: false,
      emoji: emoji ?? "👍", file_size: 24_000,
    };
  }

  sendPhoto(p: Payload): Message {
    const caption = p.caption === undefined ? undefined : formatText(String(p.caption), p.parse_mode);
    if (caption !== undefined && caption.length > 1024) throw badRequest("message caption is too long");
    let photo: PhotoSize[];
    if (isObject(p.photo) && "size" in p.photo) {
      photo = this.newPhoto(); // uploaded via multipart: its bytes are kept for uploadedFile()
      if (Buffer.isBuffer(p.photo.data)) for (const s of photo) this.uploads.set(s.file_id, p.photo.data);
    }
    else if (typeof p.photo === "string" && this.photos.has(p.photo)) photo = this.photos.get(p.photo) as PhotoSize[];
    else if (typeof p.photo === "string" && /^https?:\/\//.test(p.photo)) photo = this.newPhoto();
    else if (p.photo === undefined) throw badRequest("there is no photo in the request");
    else throw badRequest("wrong file identifier/HTTP URL specified");
    return this.chats.botSend("sendPhoto", p, { photo, ...(caption !== undefined && { caption }) });
  }

  /** getFile: a file_path for a photo a simulated user sent (other ids are refused, as for a foreign bot). */
  getFile(p: Payload) {
    const fileId = String(p.file_id ?? "");
    const size = this.photos.get(fileId)?.find((s) => s.file_id === fileId);
    if (!size) throw new ApiError(400, "Bad Request: invalid file_id");
    return { file_id: size.file_id, file_unique_id: size.file_unique_id, file_size: size.file_size, file_path: `photos/${size.file_unique_id}.jpg` };
  }

  /** A download of `filePath`, recorded; the bytes when the token was right and the file exists. */
  download(filePath: string, authorised: boolean): Buffer | undefined {
    const bytes = authorised ? this.fileBytes(filePath) : undefined;
    this.downloads.push(filePath);
    return bytes;
  }

  /** The bytes behind a file_path: a small JPEG (SOI marker, the path, EOI marker) per photo. */
  fileBytes(filePath: string): Buffer | undefined {
    const known = [...this.photos.values()].flat().some((s) => `photos/${s.file_unique_id}.jpg` === filePath);
    return known ? Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from(filePath), Buffer.from([0xff, 0xd9])]) : undefined;
  }

  /** The bytes of a photo the bot uploaded (multipart), by any of its file ids. */
  uploadedFile(fileId: string): Buffer | undefined {
    return this.uploads.get(fileId);
  }

  /** Forgets the photos users sent; uploads and downloads stay readable, and file ids are never reused. */
  reset(): void {
    this.photos.clear();
  }
}
