// Drawn shop pages, kept by a fingerprint of everything they are drawn from (the shop and its live
// listings as read from the database, and which listings are not available yet). The database is
// still read on every request, so a page never shows stale stock: only the drawing and the gzip of
// an unchanged page are saved (a 200-listing page is ~450 kB of HTML).
import { createHash } from "node:crypto";

export interface CachedPage {
  /** the HTML, encoded once */
  body: Buffer;
  gzip?: Buffer;
}

export class PageCache {
  private readonly pages = new Map<string, CachedPage>();
  private bytes = 0;

  constructor(private readonly maxBytes = 16 * 1024 * 1024) {}

  static key(...parts: unknown[]): string {
    const hash = createHash("sha1");
    for (const p of parts) hash.update(typeof p === "string" ? p : JSON.stringify(p)).update("\u0000");
    return hash.digest("base64url");
  }

  get(key: string): CachedPage | undefined {
    const page = this.pages.get(key);
    if (page) {
      // most recently used last
      this.pages.delete(key);
      this.pages.set(key, page);
    }
    return page;
  }

  set(key: string, page: CachedPage): void {
    if (page.body.length > this.maxBytes / 4 || this.pages.has(key)) return;
    this.pages.set(key, page);
    this.bytes += page.body.length;
    for (const [oldKey, old] of this.pages) {
      if (this.bytes <= this.maxBytes) break;
      this.pages.delete(oldKey);
      this.bytes -= old.body.length + (old.gzip?.length ?? 0);
    }
  }

  /** The gzip of a page is made once, when a browser first asks for it. */
  noteGzip(page: CachedPage, gzip: Buffer): void {
    if (page.gzip) return;
    page.gzip = gzip;
    this.bytes += gzip.length;
  }
}
