// The per-channel rate limit of the whole deployment: a token bucket kept in one database row per
// channel (RateBucket), so two instances together never send faster than the platform allows.
//
// Taking tokens is a compare-and-set on the row (the update only applies if nobody changed it since we
// read it; otherwise read again), which works the same on SQLite and PostgreSQL. Waiters in one
// process share one loop that asks for as many tokens as there are waiters, so the database sees
// about `rate` small updates per second at most, not one per waiting sender.
//
// A 429 sets `pausedUntil` on the row: every instance stops sending on that channel until then.
// Clocks of the instances are assumed to agree (NTP): times are milliseconds since the epoch.
import type { Db } from "../db/client.ts";

export interface BucketOptions {
  /** tokens (API calls) per second; 0 = unlimited (benchmarks against a local fake) */
  rate: number;
  /** most tokens saved up while idle; rate + burst is the most calls in any one second */
  burst: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SharedBucket {
  private waiters: Array<() => void> = [];
  private pumping = false;
  /** local copy of the pause, so unlimited buckets also honour a 429 */
  private pausedUntil = 0;

  constructor(
    private readonly db: Db,
    readonly channel: string,
    readonly opts: BucketOptions,
  ) {}

  /** Resolves when one API call may be made. */
  acquire(): Promise<void> {
    if (this.opts.rate <= 0 && Date.now() >= this.pausedUntil) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      void this.pump();
    });
  }

  /** Let every waiter go at once (shutdown: they see the service stopping and put their rows back). */
  releaseWaiters(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** The platform said "too many requests": nobody in the deployment sends before `until`. */
  async pause(until: number): Promise<void> {
    this.pausedUntil = Math.max(this.pausedUntil, until);
    await this.ensureRow();
    await this.db.rateBucket.updateMany({ where: { channel: this.channel, pausedUntil: { lt: until } }, data: { pausedUntil: until } });
  }

  /** until when this instance knows the channel is paused (ms since the epoch) */
  localPause(): number {
    return this.pausedUntil;
  }

  /** ms until the channel may send again (0 when not paused), as the database says. */
  async pausedFor(): Promise<number> {
    const row = await this.db.rateBucket.findUnique({ where: { channel: this.channel } });
    return Math.max(0, (row?.pausedUntil ?? 0) - Date.now(), this.pausedUntil - Date.now());
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiters.length > 0) {
        const { granted, waitMs } = await this.take(this.waiters.length).catch(() => ({ granted: 0, waitMs: 100 }));
        for (let i = 0; i < granted; i++) this.waiters.shift()?.();
        if (granted === 0) await sleep(Math.max(1, waitMs));
      }
    } finally {
      this.pumping = false;
    }
  }

  private async ensureRow(): Promise<void> {
    const exists = await this.db.rateBucket.findUnique({ where: { channel: this.channel }, select: { channel: true } });
    if (exists) return;
    await this.db.rateBucket
      .create({ data: { channel: this.channel, tokens: Math.max(1, this.opts.burst), updatedAt: Date.now() } })
      .catch(() => undefined); // created by another instance meanwhile
  }

  /** Take up to `want` tokens from the shared row; when none are left, how long until the next one. */
  async take(want: number): Promise<{ granted: number; waitMs: number }> {
    const { rate } = this.opts;
    const burst = Math.max(1, this.opts.burst);
    for (let attempt = 0; attempt < 10; attempt++) {
      await this.ensureRow();
      const row = await this.db.rateBucket.findUnique({ where: { channel: this.channel } });
      if (!row) continue;
      const now = Date.now();
      const pausedUntil = Math.max(row.pausedUntil, this.pausedUntil);
      if (pausedUntil > now) return { granted: 0, waitMs: pausedUntil - now };
      if (rate <= 0) return { granted: want, waitMs: 0 };
      const elapsed = Math.max(0, now - row.updatedAt) / 1000;
      const tokens = Math.min(burst, row.tokens + elapsed * rate);
      const granted = Math.min(want, Math.floor(tokens));
      if (granted === 0) return { granted: 0, waitMs: Math.ceil(((1 - tokens) / rate) * 1000) };
      const r = await this.db.rateBucket.updateMany({
        where: { channel: this.channel, updatedAt: row.updatedAt, tokens: row.tokens },
        data: { tokens: tokens - granted, updatedAt: Math.max(now, row.updatedAt) },
      });
      if (r.count === 1) return { granted, waitMs: 0 };
      // another instance took tokens in between: read again
    }
    return { granted: 0, waitMs: 5 };
  }
}
