// Delivery of announcements: a scheduler that starts due broadcasts (writes their outbox) and one
// dispatcher per channel that sends outbox rows under the deployment-wide rate limit.
//
// Priority: replies to people and order notifications never enter this outbox. They go through the
// engine's own reply outbox (engine/outbox.ts) on the channel's normal client; broadcasts are paced by the shared bucket
// below the platform's limit (Telegram: 25/s + a burst of 2 against ~30/s allowed), so the remaining
// headroom is always there for interactive traffic, and a 100,000-message broadcast is never in front
// of a reply.
//
// Crash safety: a row is leased ("sending") before it is sent and its outcome is written right after
// the send (group commit: one write carries every outcome that arrived during the previous write). A
// process killed with SIGKILL leaves rows "sending" with a lease that runs out; they are then taken
// again. So no recipient is lost, and the only repeats are the sends that were in flight at the kill
// (at most `concurrency`), plus those that finished during one group-commit cycle (`groupCommitMs` and
// the write itself).
import { randomUUID } from "node:crypto";
import type { Db } from "../db/client.ts";
import type { Engine } from "../engine/engine.ts";
import type { ChannelName } from "../engine/message.ts";
import { tFor } from "../i18n/index.ts";
import type { Logger } from "../log.ts";
import { SharedBucket } from "./bucket.ts";
import { DEFAULT_BROADCAST_OPTIONS, type BroadcastOptions } from "./options.ts";
import { reportText } from "./report.ts";

export { DEFAULT_BROADCAST_OPTIONS, type BroadcastOptions } from "./options.ts";
export { reportText } from "./report.ts";
import { isPersonal, personalText } from "./personal.ts";
import { officers } from "./officers.ts";
import type { Announcement, BroadcastSender, Part, SendOutcome } from "./senders.ts";
import { broadcasts, Outbox, type Audience, type ClaimedRow } from "./store.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Cached {
  announcement: Announcement;
  /** the calls for one language, built once per broadcast */
  /** sends per "<channel>:<locale>" */
  parts: Map<string, Part[]>;
  status: string;
  checkedAt: number;
}

interface Results {
  sent: number[];
  failed: number[];
  blocked: number[];
  cancelled: number[];
  retry: number[];
  released: number[];
  blockedChats: string[];
  touched: Set<string>;
}

const emptyResults = (): Results => ({ sent: [], failed: [], blocked: [], cancelled: [], retry: [], released: [], blockedChats: [], touched: new Set() });

export class BroadcastService {
  readonly owner = randomUUID();
  readonly opts: BroadcastOptions;
  readonly outbox: Outbox;
  readonly buckets = new Map<ChannelName, SharedBucket>();
  private readonly cache = new Map<string, Cached>();
  private readonly lastCheck = new Map<string, number>();
  private stopped = true;
  private loops: Promise<void>[] = [];
  private wakers = new Set<() => void>();
  private ticking = false;

  constructor(
    private readonly db: Db,
    private readonly engine: Engine,
    private readonly log: Logger,
    private readonly provinceCode: string,
    private readonly senders: BroadcastSender[],
    postgres: boolean,
    opts: Partial<BroadcastOptions> = {},
  ) {
    this.opts = { ...DEFAULT_BROADCAST_OPTIONS, ...opts, rates: { ...DEFAULT_BROADCAST_OPTIONS.rates, ...opts.rates } };
    this.outbox = new Outbox(db, postgres);
    for (const s of senders) this.buckets.set(s.channel, new SharedBucket(db, s.channel, this.opts.rates[s.channel] ?? { rate: 1, burst: 1 }));
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loops = [this.schedulerLoop(), ...this.senders.map((s) => this.dispatchLoop(s))];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.kick();
    for (const bucket of this.buckets.values()) bucket.releaseWaiters();
    await Promise.all(this.loops);
    this.loops = [];
  }

  /** Something may be due (a broadcast was created): look now instead of at the next tick. */
  kick(): void {
    for (const wake of [...this.wakers]) wake();
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  // ---- scheduler ----

  private async schedulerLoop(): Promise<void> {
    while (!this.stopped) {
      await this.tick().catch((err) => this.log.error({ err }, "broadcast scheduler tick failed"));
      if (!this.stopped) await this.wait(this.opts.tickMs);
    }
  }

  /** Start what is due (each broadcast exactly once in the deployment), resume stalled preparations, report progress. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const now = Date.now();
      const due = await this.db.broadcast.findMany({ where: { status: "scheduled", scheduledAt: { lte: new Date(now) } }, select: { id: true }, take: 20 });
      for (const b of due) {
        const won = await this.db.broadcast.updateMany({ where: { id: b.id, status: "scheduled" }, data: { status: "preparing", leaseUntil: Date.now() + this.opts.leaseMs } });
        if (won.count === 1) await this.prepare(b.id);
      }
      const stale = await this.db.broadcast.findMany({ where: { status: "preparing", leaseUntil: { lt: now } }, select: { id: true, leaseUntil: true }, take: 20 });
      for (const b of stale) {
        const won = await this.db.broadcast.updateMany({ where: { id: b.id, status: "preparing", leaseUntil: b.leaseUntil }, data: { leaseUntil: Date.now() + this.opts.leaseMs } });
        if (won.count === 1) await this.prepare(b.id);
      }
      const sending = await this.db.broadcast.findMany({ where: { status: "sending" }, select: { id: true }, take: 50 });
      for (const b of sending) await this.check(b.id, true);
    } finally {
      this.ticking = false;
    }
  }

  private async prepare(id: string): Promise<void> {
    const b = await this.db.broadcast.findUnique({ where: { id } });
    if (!b) return;
    const officer = await officers(this.db).byId(b.officerId);
    if (!officer) {
      await broadcasts(this.db).cancel(id, b.officerId); // the role was revoked meanwhile
      return;
    }
    const started = performance.now();
    const renew = async () =>
      (await this.db.broadcast.updateMany({ where: { id, status: "preparing" }, data: { leaseUntil: Date.now() + this.opts.leaseMs } })).count === 1;
    const result = await this.outbox.prepare(id, { provinceCode: this.provinceCode, communes: officer.communes }, renew);
    if (!result) return;
    this.log.info({ broadcast: b.number, ...result, ms: Math.round(performance.now() - started) }, "broadcast outbox written");
    this.kick();
    const t = tFor(b.officerLocale);
    await this.toOfficer(b, t("broadcast:started", { number: b.number, count: result.total }));
  }

  // ---- progress and the final report ----

  /** Look at one broadcast's counts: report progress every ~10% or `progressMs`, and the end. */
  private async check(id: string, force = false): Promise<void> {
    const now = Date.now();
    if (!force && now - (this.lastCheck.get(id) ?? 0) < this.opts.checkMs) return;
    this.lastCheck.set(id, now);
    const b = await this.db.broadcast.findUnique({ where: { id } });
    if (!b || b.status !== "sending") return;
    const test = (JSON.parse(b.audience) as Audience).test;
    const c = (await broadcasts(this.db).counts([id])).get(id)!;
    const done = c.sent + c.failed + c.blocked + c.cancelled;
    const t = tFor(b.officerLocale);
    if (c.pending === 0) {
      const finished = new Date();
      const won = await this.db.broadcast.updateMany({ where: { id, status: "sending" }, data: { status: "done", finishedAt: finished } });
      if (won.count === 1 && !test) {
        const report = await broadcasts(this.db).report(id);
        if (report) await this.toOfficer(b, reportText(t, report));
      }
      return;
    }
    if (test || done <= b.progressDone) return;
    const step = Math.max(1, Math.ceil(b.total / 10));
    if (done - b.progressDone < step && now - b.progressAt < this.opts.progressMs) return;
    // Not while the officer's channel is told to wait (429): the progress can come a bit later.
    if ((this.buckets.get(b.officerChannel as ChannelName)?.localPause() ?? 0) > now) return;
    const won = await this.db.broadcast.updateMany({ where: { id, progressAt: b.progressAt, progressDone: b.progressDone }, data: { progressAt: now, progressDone: done } });
    if (won.count !== 1) return; // another instance reported it
    const percent = b.total ? Math.floor((done * 100) / b.total) : 100;
    await this.toOfficer(b, t("broadcast:progress", { number: b.number, done, total: b.total, percent }));
  }

  private async toOfficer(b: { officerChannel: string; officerChatKey: string; officerLocale: string }, text: string): Promise<void> {
    // Counted in the channel's broadcast budget (and held while the platform asks to wait), so the
    // officer's own progress messages never push the bot over the limit.
    if (!this.engine.hasChannel(b.officerChannel as ChannelName)) return;
    await this.buckets.get(b.officerChannel as ChannelName)?.acquire();
    await this.engine.sendTo({ channel: b.officerChannel as ChannelName, chatKey: b.officerChatKey, locale: b.officerLocale }, [{ text }]);
  }

  // ---- dispatch ----

  private async dispatchLoop(sender: BroadcastSender): Promise<void> {
    const bucket = this.buckets.get(sender.channel)!;
    const log = this.log.child({ channel: sender.channel });
    while (!this.stopped) {
      try {
        const paused = await bucket.pausedFor();
        if (paused > 0) {
          await this.wait(Math.min(paused, this.opts.leaseMs));
          continue;
        }
        const rows = await this.outbox.claim(sender.channel, this.owner, this.batchFor(bucket), this.opts.leaseMs);
        if (rows.length === 0) {
          await this.wait(this.opts.idleMs);
          continue;
        }
        await this.sendRows(sender, bucket, rows, log);
      } catch (err) {
        log.error({ err }, "broadcast dispatch failed; trying again shortly");
        await this.wait(this.opts.idleMs);
      }
    }
  }

  /** Rows per claim: never more than a quarter of the lease can send (slow channels take few at a time). */
  private batchFor(bucket: SharedBucket): number {
    const { rate } = bucket.opts;
    if (rate <= 0) return this.opts.batch;
    return Math.max(this.opts.concurrency, Math.min(this.opts.batch, Math.floor((rate * this.opts.leaseMs) / 4_000)));
  }

  private async announcement(id: string): Promise<Cached | null> {
    const now = Date.now();
    if (isPersonal(id)) {
      // A buyer's alert or a harvest reminder: one message for one chat, read for its row (not kept:
      // nobody else sends it).
      const text = await personalText(this.db, id);
      return text === null ? null : { announcement: { text, photo: null, alert: true }, parts: new Map(), status: "sending", checkedAt: now };
    }
    const cached = this.cache.get(id);
    if (cached && now - cached.checkedAt < this.opts.checkMs) return cached;
    if (cached && cached.status !== "sending") return cached; // finished or cancelled: final
    const b = await this.db.broadcast.findUnique({ where: { id }, select: { text: true, photoRef: true, photoChannel: true, status: true, officerId: true } });
    if (!b) return null;
    // Who sends it ("Cán bộ xã Thất Khê: …"): the officer's scope, read once per broadcast.
    const from =
      cached?.announcement.from ??
      (await this.db.officer.findUnique({ where: { id: b.officerId }, select: { communes: true } }).then((o) =>
        o ? { communes: JSON.parse(o.communes) as string[], provinceCode: this.provinceCode } : undefined,
      ));
    const entry: Cached = {
      announcement: { text: b.text, photo: b.photoRef && b.photoChannel ? { ref: b.photoRef, channel: b.photoChannel } : null, from },
      parts: cached?.parts ?? new Map(),
      status: b.status,
      checkedAt: now,
    };
    this.cache.set(id, entry);
    return entry;
  }

  private async sendRows(sender: BroadcastSender, bucket: SharedBucket, rows: ClaimedRow[], log: Logger): Promise<void> {
    const queue = [...rows];
    let results = emptyResults();
    let halt = false; // a 429: stop taking rows, give the rest back
    // Group commit: an outcome is written as soon as the previous write is done, together with every
    // outcome that arrived meanwhile. So what a kill can leave unrecorded is the sends in flight plus
    // those finished during one database write, whatever the rate.
    let writing: Promise<void> | null = null;
    let again = false;
    const flush = (): Promise<void> => {
      if (writing) {
        again = true;
        return writing;
      }
      writing = (async () => {
        if (this.opts.groupCommitMs > 0) await sleep(this.opts.groupCommitMs);
        do {
          again = false;
          const batch = results;
          results = emptyResults();
          await this.flush(sender.channel, batch, log);
        } while (again);
        writing = null;
      })();
      return writing;
    };

    const worker = async () => {
      while (queue.length > 0 && !halt && !this.stopped) {
        const row = queue.shift()!;
        results.touched.add(row.broadcastId);
        const cached = await this.announcement(row.broadcastId);
        if (!cached || cached.status !== "sending") {
          // cancelled (or gone) while leased: not sent
          results.cancelled.push(row.id);
          continue;
        }
        let outcome: SendOutcome = { ok: true };
        // One announcement is cached for all dispatchers, but its parts are calls on one channel's
        // client: key them by channel too, or Zalo rows would go out through Telegram's client.
        const partsKey = `${sender.channel}:${row.locale}`;
        let parts = cached.parts.get(partsKey);
        if (!parts) cached.parts.set(partsKey, (parts = sender.parts(cached.announcement, row.locale)));
        for (const part of parts) {
          await bucket.acquire();
          if (this.stopped || halt) {
            // shutting down, or another send was just told to wait: this one waits too
            outcome = { ok: false, kind: "retry", detail: "stopping", pauseMs: 0 };
            break;
          }
          outcome = await part(row.chatKey);
          if (!outcome.ok) break;
        }
        if (outcome.ok) results.sent.push(row.id);
        else if (outcome.kind === "blocked") {
          results.blocked.push(row.id);
          results.blockedChats.push(row.chatKey);
        } else if (outcome.kind === "failed") results.failed.push(row.id);
        else if (outcome.pauseMs !== undefined) {
          // 429 (or shutdown): not this person's fault, try again later without counting it
          results.released.push(row.id);
          if (outcome.pauseMs > 0) {
            halt = true;
            log.warn({ pauseMs: outcome.pauseMs }, "platform asked to slow down; broadcast paused");
            await bucket.pause(Date.now() + outcome.pauseMs);
          }
        } else if (row.attempts >= this.opts.maxAttempts) results.failed.push(row.id);
        else results.retry.push(row.id);
        void flush();
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.max(1, this.opts.concurrency) }, worker));
    } finally {
      results.released.push(...queue.map((r) => r.id));
      while (writing) await writing;
      await flush();
    }
  }

  private async flush(channel: ChannelName, r: Results, log: Logger): Promise<void> {
    try {
      await this.outbox.finish(r, this.owner);
      await this.outbox.release(r.released, this.owner);
      if (r.blockedChats.length) {
        // blocked the bot: skipped by later broadcasts until they write again (accounts.seen clears it)
        await this.db.channelAccount.updateMany({ where: { channel, chatKey: { in: r.blockedChats } }, data: { unreachable: true } });
        // and its price alerts are dropped: a buyer without an account row would otherwise be tried daily
        await this.db.priceAlert.deleteMany({ where: { channel, chatKey: { in: r.blockedChats } } });
      }
    } catch (err) {
      // The rows stay leased and are sent again after the lease: a repeat rather than a loss.
      log.error({ err }, "could not record broadcast outcomes");
      return;
    }
    // Not awaited: a progress message to the officer must not hold up the next commit.
    for (const id of r.touched) this.checkSoon(id, log);
  }

  private readonly checking = new Set<string>();

  private checkSoon(id: string, log: Logger): void {
    if (this.checking.has(id) || isPersonal(id)) return; // an alert or a reminder has no broadcast to report on
    this.checking.add(id);
    void this.check(id)
      .catch((err) => log.error({ err }, "broadcast progress check failed"))
      .finally(() => this.checking.delete(id));
  }
}
