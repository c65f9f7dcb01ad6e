// The province's price board, kept in memory and recomputed in the background (issue 16, board speed).
// Every product's figures over every live listing and the last 30 days of orders take seconds at
// province scale (1.9-3.7 s at 200,000 households on PostgreSQL); nobody should wait for that. So the
// board is computed by `prices().board()` exactly as before, on a timer, and requests read the last
// result: figures exact as of `at` (at most `refreshMs` old, plus one computation), never a blend.
//
// - A refresh whose inputs did not change (the newest updatedAt of listings and orders, the newest
//   reference price: three index lookups) is skipped, except that the 7- and 30-day windows move, so a
//   board is recomputed at least every `maxAgeMs` anyway.
// - One computation at a time per instance (BackgroundPass); concurrent first requests share it.
// - A failed refresh keeps the previous board (logged); the first request waits for the first board.
// - Chat price answers read it too when it is fresh (peek): its inputs were looked at within the last
//   refresh period and a half, so it is exact as of then (about a minute); otherwise they ask SQL.
// Per-commune figures and one product's chart are asked of SQL directly: they read far fewer rows.
import type { Db } from "../db/client.ts";
import type { Logger } from "../log.ts";
import { BackgroundPass } from "./background.ts";
import { prices, type BoardRow } from "./prices.ts";
import { referencePrices, type ReferencePriceView } from "./reference-prices.ts";

export interface BoardSnapshot {
  rows: BoardRow[];
  /** the shown reference price of each product that has one */
  references: Map<string, ReferencePriceView>;
  /** when the figures were computed */
  at: Date;
}

export interface PriceBoardOptions {
  /** how often the inputs are looked at (default 60 s) */
  refreshMs?: number;
  /** a board is recomputed at least this often, as its time windows move (default 10 min) */
  maxAgeMs?: number;
  /** the catalog's product ids (reference prices are looked up for these) */
  productIds: () => Promise<string[]>;
  log: Logger;
}

/** What a chat turn may ask of the kept board (flows read it through FlowSettings). */
export type PricePeek = Pick<PriceBoardCache, "peek">;

export class PriceBoardCache {
  private current: BoardSnapshot | null = null;
  private fingerprint = "";
  private first: Promise<BoardSnapshot> | null = null;
  private readonly pass: BackgroundPass;
  private readonly refreshMs: number;
  private readonly maxAgeMs: number;
  /** set by invalidate(): the next pass recomputes whatever the fingerprint says */
  private forced = false;
  /** when the current board was last known to match its inputs (ms): computed, or checked unchanged */
  private verifiedAt = 0;

  constructor(
    private readonly db: Db,
    private readonly opts: PriceBoardOptions,
  ) {
    this.refreshMs = opts.refreshMs ?? 60_000;
    this.maxAgeMs = opts.maxAgeMs ?? 600_000;
    this.pass = new BackgroundPass(
      () => this.refresh(),
      (err) => opts.log.error({ err }, "price board refresh failed; the previous board is kept"),
    );
  }

  /** The newest board; the very first call waits for it to be computed. */
  async board(): Promise<BoardSnapshot> {
    if (this.current) return this.current;
    this.first ??= this.compute().finally(() => (this.first = null));
    return this.first;
  }

  /**
   * The board when it is known current as of less than `maxAgeMs` ago (default: one refresh period and
   * a half); else null, and a refresh (or the first computation) is started for the next caller.
   * Never waits: chat turns must not queue behind a province-wide computation.
   */
  peek(maxAgeMs = this.refreshMs * 1.5, now = Date.now()): BoardSnapshot | null {
    if (!this.current) {
      void this.board().catch((err) => this.opts.log.error({ err }, "price board computation failed"));
      return null;
    }
    if (this.forced || now - this.verifiedAt >= maxAgeMs) {
      this.pass.kick();
      return null;
    }
    return this.current;
  }

  /** Look at the inputs now rather than at the next tick (recomputed only if they changed). */
  refreshSoon(): void {
    this.pass.kick();
  }

  /** how many boards were computed (the benchmark and tests) */
  computed = 0;

  /** Recompute soon (a reference price was posted): the next pass ignores the fingerprint. */
  invalidate(): void {
    this.forced = true;
    this.pass.kick();
  }

  start(): void {
    this.pass.startTimer(this.refreshMs);
  }

  stop(): Promise<void> {
    return this.pass.stop();
  }

  /** Resolves once no refresh is running (tests). */
  idle(): Promise<void> {
    return this.pass.idle();
  }

  private async inputs(): Promise<string> {
    const [row] = await this.db.$queryRaw<Array<Record<string, unknown>>>`
      SELECT (SELECT MAX("updatedAt") FROM "Listing") AS l, (SELECT MAX("updatedAt") FROM "Order") AS o,
             (SELECT MAX("createdAt") FROM "ReferencePrice") AS r`;
    return [row.l, row.o, row.r].map((v) => (v instanceof Date ? v.toISOString() : String(v))).join("|");
  }

  private async refresh(): Promise<void> {
    if (!this.current) return; // nobody asked yet: nothing to keep current
    const checkedAt = Date.now();
    const fingerprint = await this.inputs();
    const fresh = checkedAt - this.current.at.getTime() < this.maxAgeMs;
    if (!this.forced && fresh && fingerprint === this.fingerprint) {
      this.verifiedAt = checkedAt;
      return;
    }
    await this.compute(fingerprint, checkedAt);
  }

  private async compute(fingerprint?: string, checked?: number): Promise<BoardSnapshot> {
    this.forced = false;
    this.computed += 1;
    const checkedAt = checked ?? Date.now();
    const seen = fingerprint ?? (await this.inputs());
    const now = new Date();
    const [rows, references] = await Promise.all([prices(this.db).board({ now }), this.opts.productIds().then((ids) => referencePrices(this.db).latestOf(ids))]);
    this.current = { rows, references, at: now };
    this.fingerprint = seen;
    this.verifiedAt = checkedAt;
    return this.current;
  }
}
