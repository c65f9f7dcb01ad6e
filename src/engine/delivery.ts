// Delivers the chat outbox (outbox.ts): in order per chat, many chats at once.
//
// - A turn's replies arrive here from memory right after their commit (no extra read); rows whose
//   lease ran out (an instance died or stopped) are claimed by a sweep every few seconds.
// - A chat's messages go one after another; a failure holds that chat only. A 429 whose wait the
//   platform names (Telegram's retry_after) is waited out here, by that chat alone and without holding
//   a send slot; Zalo's 429s are backed off inside its client. What still fails (5xx, timeouts, the
//   network) is tried again here with backoff for up to a day. Either wait is written to the row so
//   that no other instance takes it meanwhile.
// - 403 (the person blocked the bot): the account is marked unreachable and that chat's queue dropped.
//   A message the platform refuses as malformed (400) is dropped, and so is one whose send timed out
//   where the channel would rather miss it than show it twice (Zalo); the channel logs both.
// - Delivered rows are deleted in small batches: a crash repeats at most the messages in flight and
//   those sent in the last few milliseconds, and loses none.
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../log.ts";
import type { ChannelName, ChannelSender, SendResult } from "./message.ts";
import type { EngineObserver, SendResultKind } from "./observer.ts";
import type { Outbox, PendingMessage } from "./outbox.ts";

export interface DeliveryOptions {
  /** how often rows nobody owns are looked for */
  sweepEveryMs: number;
  /** rows claimed per sweep */
  claimLimit: number;
  /** sends in flight across all chats */
  concurrency: number;
  /** first pause after a failed send; it doubles up to maxRetryDelayMs */
  retryBaseMs: number;
  maxRetryDelayMs: number;
  /** a message still failing after this long is given up */
  maxAgeMs: number;
  /** deleted rows are collected this long before one DELETE */
  flushEveryMs: number;
  /** at start, take every pending row whatever its lease (one process owns the database: SQLite) */
  claimAllAtStart: boolean;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  sweepEveryMs: 2_000,
  claimLimit: 500,
  concurrency: 32,
  retryBaseMs: 1_000,
  maxRetryDelayMs: 300_000,
  maxAgeMs: 24 * 3600_000,
  flushEveryMs: 5,
  claimAllAtStart: false,
};

/** What send() answers for a message it did not try (stopping): handed back, not counted as a send. */
const NOT_SENT: SendResult = { ok: false, reason: "failed", detail: "not sent: stopping" };

interface Item {
  row: PendingMessage;
  firstTried: number;
  done: () => void;
}

interface ChatQueue {
  items: Item[];
  running: boolean;
}

export class Delivery {
  private readonly chats = new Map<string, ChatQueue>();
  private readonly queued = new Set<number>();
  private readonly finished: number[] = [];
  private flushing: Promise<void> | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private readonly slotWaiters: Array<() => void> = [];
  private sweeper: { stop: AbortController; loop: Promise<void> } | undefined;
  /** ends the pause between two sweeps early (sweepNow) */
  private wake: AbortController | undefined;
  private stopping = false;
  private readonly drains = new Set<Promise<void>>();
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly outbox: Outbox,
    private readonly senders: () => Map<ChannelName, ChannelSender>,
    private readonly onBlocked: (channel: ChannelName, chatKey: string) => Promise<void>,
    private readonly log: Logger,
    private readonly opts: DeliveryOptions = DEFAULT_DELIVERY_OPTIONS,
    private readonly observer?: Pick<EngineObserver, "sent">,
  ) {}

  /** Hands committed rows to their chats' queues; resolves once every one of them is settled. */
  enqueue(rows: PendingMessage[]): Promise<void> {
    const settled: Array<Promise<void>> = [];
    for (const row of rows) {
      if (this.queued.has(row.id)) continue;
      this.queued.add(row.id);
      const key = `${row.channel}:${row.chatKey}`;
      let queue = this.chats.get(key);
      if (!queue) this.chats.set(key, (queue = { items: [], running: false }));
      settled.push(new Promise<void>((done) => queue.items.push({ row, firstTried: Date.now(), done })));
      if (!queue.running) this.startDrain(key, queue);
    }
    return Promise.all(settled).then(() => undefined);
  }

  /**
   * Starts the sweep: first for rows left over from before this start, then every few seconds. Only
   * channels `deliverable` says yes to are swept (a channel still checking its token is not).
   */
  start(deliverable: (channel: ChannelName) => boolean = () => true): void {
    this.stopping = false;
    const stop = new AbortController();
    this.sweeper = { stop, loop: this.sweepLoop(stop.signal, deliverable) };
  }

  /** Sweeps now rather than at the next tick (a channel has just become deliverable). */
  sweepNow(): void {
    this.wake?.abort();
  }

  /** Resolves when no message is queued or in flight (tests, benchmarks). */
  idle(): Promise<void> {
    if (this.chats.size === 0 && this.finished.length === 0 && !this.flushing) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops within `withinMs`: no more sweeps, the sends in flight may finish, the rows not yet sent go
   * back to the outbox (due at once for the next start, or another instance).
   */
  async stop(withinMs = 3_000): Promise<void> {
    this.stopping = true;
    this.sweeper?.stop.abort();
    await this.sweeper?.loop;
    this.sweeper = undefined;
    for (const waiter of this.slotWaiters.splice(0)) waiter();
    await Promise.race([Promise.all([...this.drains]), sleep(withinMs)]);
    const left: number[] = [];
    for (const queue of this.chats.values()) {
      for (const item of queue.items.splice(0)) {
        left.push(item.row.id);
        item.done();
      }
    }
    this.chats.clear();
    this.queued.clear();
    await this.flush();
    await this.outbox.release(left).catch((err) => this.log.error({ err }, "could not hand back unsent messages (they are resent after their lease)"));
  }

  private async sweepLoop(signal: AbortSignal, deliverable: (channel: ChannelName) => boolean): Promise<void> {
    /** channels swept at least once since start (the first sweep of each may take every row) */
    const swept = new Set<ChannelName>();
    while (!signal.aborted) {
      const channels = [...this.senders().keys()].filter(deliverable);
      const fresh = channels.filter((c) => !swept.has(c));
      const groups = [
        { channels: fresh, all: this.opts.claimAllAtStart },
        { channels: channels.filter((c) => swept.has(c)), all: false },
      ];
      try {
        for (const group of groups) await this.claimAll(group.channels, group.all, signal);
        for (const c of fresh) swept.add(c);
      } catch (err) {
        this.log.error({ err }, "outbox sweep failed; trying again later");
      }
      this.wake = new AbortController();
      await sleep(this.opts.sweepEveryMs, undefined, { signal: AbortSignal.any([signal, this.wake.signal]) }).catch(() => undefined);
    }
  }

  /** Claims and queues rows of these channels; repeats while full pages come back, so a backlog drains without waiting for the timer. */
  private async claimAll(channels: ChannelName[], all: boolean, signal: AbortSignal): Promise<void> {
    if (channels.length === 0) return;
    for (let page = 0; ; page++) {
      const rows = await this.outbox.claim(channels, this.opts.claimLimit, { all: all && page === 0 });
      if (rows.length > 0) {
        this.log.info({ count: rows.length }, "delivering messages left in the outbox");
        void this.enqueue(rows);
      }
      if (rows.length < this.opts.claimLimit || signal.aborted) return;
    }
  }

  private startDrain(key: string, queue: ChatQueue): void {
    queue.running = true;
    const drain = this.drain(queue).finally(() => {
      this.drains.delete(drain);
      queue.running = false;
      if (queue.items.length > 0 && !this.stopping) this.startDrain(key, queue);
      else if (this.chats.get(key) === queue && queue.items.length === 0) this.chats.delete(key);
      this.checkIdle();
    });
    this.drains.add(drain);
  }

  private async drain(queue: ChatQueue): Promise<void> {
    while (queue.items.length > 0 && !this.stopping) {
      const item = queue.items[0];
      const { row } = item;
      const sender = this.senders().get(row.channel);
      if (!sender) {
        // Not a channel of this instance: leave the row to one that has it.
        queue.items.shift();
        this.queued.delete(row.id);
        await this.outbox.release([row.id]).catch(() => undefined);
        item.done();
        continue;
      }
      const result = await this.send(sender, row);
      if (result !== NOT_SENT) this.observer?.sent(row.channel, resultKind(result));
      if (this.stopping && !result.ok) return; // handed back by stop()
      if (result.ok) {
        this.settle(queue, item);
      } else if (result.reason === "blocked") {
        // Everything queued for this chat goes: it cannot arrive. The chat is marked first, so whoever
        // waits for these messages finds it unreachable once they are settled.
        await this.onBlocked(row.channel, row.chatKey).catch((err) => this.log.error({ err }, "could not mark the chat unreachable"));
        for (const other of queue.items.splice(0)) this.settle(null, other);
      } else if (result.reason === "rejected" || result.reason === "uncertain") {
        // The channel has logged why; sending it again cannot help (or could show it twice).
        this.settle(queue, item);
      } else if (Date.now() - item.firstTried > this.opts.maxAgeMs) {
        this.log.error({ channel: row.channel, chat: row.chatKey, attempts: row.attempts }, "message still failing after the longest wait; given up");
        this.settle(queue, item);
      } else if (result.retryAfterMs !== undefined) {
        // Told how long to wait (429): this chat waits exactly that; not a failed attempt of the message.
        const delay = result.retryAfterMs;
        this.log.warn({ channel: row.channel, chat: row.chatKey, delayMs: delay }, "rate limited; this chat waits as told");
        await this.outbox.later(row.id, row.attempts, Date.now() + delay).catch((err) => this.log.error({ err }, "could not record the wait"));
        await this.pause(delay);
      } else {
        row.attempts += 1;
        const delay = Math.min(this.opts.maxRetryDelayMs, this.opts.retryBaseMs * 2 ** Math.min(row.attempts - 1, 20));
        this.log.warn({ channel: row.channel, chat: row.chatKey, attempts: row.attempts, delayMs: delay }, "send failed; trying again later");
        await this.outbox.later(row.id, row.attempts, Date.now() + delay).catch((err) => this.log.error({ err }, "could not record the retry"));
        await this.pause(delay);
      }
    }
  }

  private async send(sender: ChannelSender, row: PendingMessage): Promise<SendResult> {
    // Woken by stop() instead of a free slot: not sent, handed back with the chat's others (sending it
    // now could race the hand-back and deliver it twice).
    if (!(await this.slot())) return NOT_SENT;
    try {
      return await sender.send(row.chatKey, [row.message], row.locale);
    } catch (err) {
      this.log.error({ err, channel: row.channel }, "send threw");
      return { ok: false, reason: "failed" };
    } finally {
      this.inFlight -= 1;
      this.slotWaiters.shift()?.();
    }
  }

  /** Waits for one of the `concurrency` send slots; false when stopping began meanwhile (no slot taken). */
  private async slot(): Promise<boolean> {
    while (this.inFlight >= this.opts.concurrency) {
      if (this.stopping) return false;
      await new Promise<void>((r) => this.slotWaiters.push(r));
    }
    if (this.stopping) return false;
    this.inFlight += 1;
    return true;
  }

  /** A retry pause that stopping cuts short. */
  private async pause(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.stopping && Date.now() < deadline) await sleep(Math.min(200, deadline - Date.now()));
  }

  private settle(queue: ChatQueue | null, item: Item): void {
    if (queue && queue.items[0] === item) queue.items.shift();
    // Stays in `queued` until its row is deleted: a sweep meanwhile must not take it again.
    this.finished.push(item.row.id);
    item.done();
    this.flushTimer ??= setTimeout(() => void this.flush(), this.opts.flushEveryMs);
  }

  /** Deletes the settled rows in one statement. */
  private async flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.flushing;
    if (this.finished.length === 0) return;
    const ids = this.finished.splice(0);
    this.flushing = this.outbox.done(ids).then(
      () => {
        for (const id of ids) this.queued.delete(id);
      },
      (err: unknown) => {
        // Kept in `queued`, so this instance never sends them again; another may after the lease.
        this.log.error({ err, count: ids.length }, "could not delete delivered messages (they may be sent again)");
      },
    );
    await this.flushing;
    this.flushing = undefined;
    if (this.finished.length > 0) this.flushTimer ??= setTimeout(() => void this.flush(), this.opts.flushEveryMs);
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.chats.size > 0 || this.finished.length > 0 || this.flushing) return;
    for (const waiter of this.idleWaiters.splice(0)) waiter();
  }
}

function resultKind(result: SendResult): SendResultKind {
  if (result.ok) return "ok";
  if (result.reason === "failed") return result.retryAfterMs !== undefined ? "rate_limited" : "error";
  return result.reason;
}
