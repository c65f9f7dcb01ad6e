// How the broadcast scheduler and dispatchers run (service.ts), with the defaults a deployment gets.
import type { ChannelName } from "../engine/message.ts";
import type { BucketOptions } from "./bucket.ts";

export interface BroadcastOptions {
  rates: Partial<Record<ChannelName, BucketOptions>>;
  /** sends in flight per channel */
  concurrency: number;
  /** rows leased per claim */
  batch: number;
  /** how long a leased row is ours before another instance may take it */
  leaseMs: number;
  /** scheduler period (due broadcasts, progress, stale leases) */
  tickMs: number;
  /** dispatcher wait when the outbox is empty (a new broadcast wakes it at once in this instance) */
  idleMs: number;
  /** a progress message at least this often while sending (and at every 10%) */
  progressMs: number;
  /**
   * an outcome waits this long for others before they are written together (one database commit
   * per window instead of one per send). Repeats after a crash: the sends in flight plus at most
   * this window's worth.
   */
  groupCommitMs: number;
  /** how often one broadcast's counts are looked at */
  checkMs: number;
  /** Zalo's 429 carries no retry_after: how long the Zalo channel rests after one */
  zaloQuotaPauseMs: number;
  /** tries of one row on temporary errors (5xx, network) before it counts as failed */
  maxAttempts: number;
}

export const DEFAULT_BROADCAST_OPTIONS: BroadcastOptions = {
  rates: { telegram: { rate: 25, burst: 2 }, zalo: { rate: 2, burst: 1 } },
  concurrency: 4,
  batch: 100,
  leaseMs: 60_000,
  tickMs: 1_000,
  idleMs: 1_000,
  progressMs: 60_000,
  checkMs: 1_000,
  groupCommitMs: 5,
  zaloQuotaPauseMs: 10_000,
  maxAttempts: 3,
};
