// Listing photos: a household sends a photo in chat; the listing keeps the platform's reference
// (Telegram file id, Zalo image URL) and this fetcher copies the picture into the local media folder,
// so shop pages can show it without depending on the platform. It runs after the chat turn (never
// inside it: a slow download must not hold a conversation), retries on its next pass, and only
// keeps real images of a sane size.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { queryRows } from "../db/plain-sql.ts";
import type { Logger } from "../log.ts";
import { BackgroundPass } from "./background.ts";

export type PhotoDownloader = (ref: string) => Promise<{ data: Buffer; ext: string }>;

const MAX_BYTES = 10 * 1024 * 1024;
const BATCH = 20;

/** JPEG, PNG and WebP signatures: anything else is not saved. */
export function imageExtension(data: Buffer): string | null {
  if (data.length > 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return "jpg";
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "png";
  if (data.subarray(0, 4).toString("latin1") === "RIFF" && data.subarray(8, 12).toString("latin1") === "WEBP") return "webp";
  return null;
}

export class MediaFetcher {
  private readonly downloaders = new Map<string, PhotoDownloader>();
  private readonly worker = new BackgroundPass(() => this.fetchPending(), (err) => this.log.error({ err }, "media fetch failed"));
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly db: Db,
    readonly dir: string,
    private readonly log: Logger,
  ) {}

  register(channel: string, downloader: PhotoDownloader): void {
    this.downloaders.set(channel, downloader);
  }

  /** Fetch soon (coalesces bursts: at most one pass at a time, plus one queued). */
  kick(): void {
    this.worker.kick();
  }

  /** Wait for the current pass (tests, shutdown). */
  idle(): Promise<void> {
    return this.worker.idle();
  }

  startTimer(everyMs = 60_000): void {
    this.worker.startTimer(everyMs);
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }

  /** Download every listing photo not yet stored locally. Returns how many were saved. */
  async fetchPending(): Promise<number> {
    // Plain SQL: this look runs after turns (every 100 ms in a burst), and through Prisma's query
    // compiler it cost about 1.4 ms of CPU each time, mostly to find nothing.
    const pending = await queryRows<{ id: string; photoRef: string | null; photoChannel: string | null }>(
      this.db,
      Prisma.sql`SELECT "id", "photoRef", "photoChannel" FROM "Listing" WHERE "photoRef" IS NOT NULL AND "photoFile" IS NULL AND "status" <> 'deleted' LIMIT ${BATCH}`,
    );
    let saved = 0;
    mkdirSync(this.dir, { recursive: true });
    for (const item of pending) {
      if ((this.failures.get(item.id) ?? 0) >= 5) continue; // gave up on this one until restart
      const download = this.downloaders.get(item.photoChannel ?? "");
      if (!download || !item.photoRef) continue;
      try {
        const { data } = await download(item.photoRef);
        const ext = imageExtension(data);
        if (!ext || data.length > MAX_BYTES) throw new Error(`not an image or too large (${data.length} bytes)`);
        const file = `${item.id}.${ext}`;
        const tmp = join(this.dir, `.${file}.tmp`);
        writeFileSync(tmp, data);
        renameSync(tmp, join(this.dir, file));
        await this.db.listing.update({ where: { id: item.id }, data: { photoFile: file } });
        saved++;
      } catch (err) {
        this.failures.set(item.id, (this.failures.get(item.id) ?? 0) + 1);
        this.log.warn({ err, listing: item.id }, "photo download failed; will retry");
      }
    }
    return saved;
  }
}
