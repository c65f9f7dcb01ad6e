// The conversation engine: the only place where an inbound message becomes replies.
//
// Guarantees, also with several instances on one PostgreSQL:
// - each platform update is handled once: its key is inserted into ProcessedUpdate inside the same
//   transaction as the state change, so a redelivery either finds the key or waits and then finds it;
// - messages of one chat are handled in order (per-chat queue in this process) and two instances never
//   both advance a conversation (optimistic version check; the loser re-runs on the fresh state);
// - a turn that fails changes nothing (one transaction) and the person gets a short apology, never a
//   stack trace.
// - replies and notices are written to the chat outbox in the turn's transaction and delivered after
//   the commit (delivery.ts): a crash after the commit loses no reply, and `handle` resolves once the
//   turn is committed, not once the platform answered, so a slow send never holds up the next update.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { TFunction } from "i18next";
import { CatalogStore, type Catalog } from "../core/catalog.ts";
import type { SeenAccount } from "../core/accounts.ts";
import { createServices } from "../core/services.ts";
import type { Db, Tx } from "../db/client.ts";
import { tFor, toLocale } from "../i18n/index.ts";
import type { Logger } from "../log.ts";
import type { FlowContext, FlowSettings, NotifyTarget } from "./flow.ts";
import type { ChannelInfo, ChannelName, ChannelSender, Inbound, Outbound } from "./message.ts";
import { DEFAULT_DELIVERY_OPTIONS, Delivery, type DeliveryOptions } from "./delivery.ts";
import { GroupCommit } from "./group-commit.ts";
import type { EngineObserver } from "./observer.ts";
import { Outbox, type PendingMessage } from "./outbox.ts";
import { isIdle, parseState, type ConversationState } from "./state.ts";
import { chatId, createConversations, existingConversations, readConversations, recordUpdates, saveConversations, type ConversationRow } from "./turn-store.ts";
import { Turn, type FlowRegistry } from "./turn.ts";

export interface EngineOptions {
  db: Db;
  /** PostgreSQL (several instances: outbox rows are claimed with SKIP LOCKED) */
  postgres?: boolean;
  /** how long an instance owns the outbox rows it wrote; after that another instance may send them */
  outboxLeaseMs?: number;
  delivery?: Partial<DeliveryOptions>;
  settings?: Partial<FlowSettings>;
  /** defaults to a store on `db` (seeded from prisma/seed/catalog.json when empty) */
  catalog?: CatalogStore;
  registry: FlowRegistry;
  log: Logger;
  provinceCode: string;
  /** told of every turn and send (the app's /metrics) */
  observer?: EngineObserver;
}

export interface HandleOutcome {
  /** dropped: the chat is flooding (more than its allowance, see FLOOD); nothing was done */
  status: "handled" | "duplicate" | "failed" | "dropped";
  replies: Outbound[];
  locale: string;
  /** messages for other chats, delivered after the replies */
  notifications?: Array<{ to: NotifyTarget; messages: Outbound[] }>;
  /** settles once the turn's messages were delivered (or given up) */
  delivered: Promise<void>;
}

export interface HandleOptions {
  /** resolve only once the replies were delivered (the terminal and web simulators show them next) */
  waitForDelivery?: boolean;
}

type TurnResult = Omit<HandleOutcome, "delivered"> & { pending: PendingMessage[] };

class VersionConflict extends Error {}

const MAX_ATTEMPTS = 5;
/**
 * Each chat's allowance, a token bucket: `burst` messages at once, then `perSecond`. Past it a chat is
 * flooding (hundreds a second: a script, a stuck key): its further messages are dropped, and the
 * person is told once per flood. A person typing fast, even 50 messages sent together or a backlog
 * after an outage, stays within it. Without it, one chat's hundreds of messages, which must run one
 * after another, would hold up each poll's batch for everyone else.
 */
const FLOOD = { burst: 60, perSecond: 10 };
/** chats remembered at most before the ones with a full allowance are forgotten */
const FLOOD_CHATS_KEPT = 10_000;
/** turns committed together at most: enough to take one poll's updates in two groups */
const MAX_GROUP = 64;
/** PostgreSQL: groups committing at once, each on its own connection (the pool has 2 × cores + 1) */
const PG_GROUPS_IN_FLIGHT = 4;
/** sendTo waits this long at most for the platform; the message stays owed in the outbox after that */
const SEND_TO_WAIT_MS = 10_000;

export class Engine {
  private readonly senders = new Map<ChannelName, ChannelSender>();
  private readonly afterTurnListeners: Array<() => void> = [];
  private readonly queues = new Map<string, Promise<unknown>>();
  /** per chat: what is left of its allowance (FLOOD), and whether this flood was already answered */
  private readonly allowance = new Map<string, { tokens: number; at: number; told: boolean }>();

  readonly catalog: CatalogStore;
  readonly outbox: Outbox;
  readonly delivery: Delivery;
  private readonly turns: GroupCommit<Inbound, TurnResult>;

  constructor(private readonly opts: EngineOptions) {
    this.turns = new GroupCommit({
      together: (inbounds) => this.runTogether(inbounds),
      alone: (inbound) => this.runAlone(inbound),
      maxGroup: MAX_GROUP,
      // SQLite has one writer: a second group would only wait for the first's lock
      concurrency: opts.postgres ? PG_GROUPS_IN_FLIGHT : 1,
      onSplit: (size, err) => opts.log.debug({ size, err }, "turns committed together failed; each runs alone"),
    });
    this.catalog = opts.catalog ?? new CatalogStore(opts.db);
    this.outbox = new Outbox(opts.db, { postgres: opts.postgres ?? false, leaseMs: opts.outboxLeaseMs ?? 30_000 });
    this.delivery = new Delivery(
      this.outbox,
      () => this.senders,
      (channel, chatKey) => createServices(this.opts.db).accounts.markUnreachable(channel, chatKey),
      opts.log.child({ part: "delivery" }),
      { ...DEFAULT_DELIVERY_OPTIONS, claimAllAtStart: !opts.postgres, ...opts.delivery },
      opts.observer,
    );
  }

  /** Delivers what earlier runs left in the outbox, and later abandoned rows, to the channels `deliverable` allows. */
  startDelivery(deliverable?: (channel: ChannelName) => boolean): void {
    this.delivery.start(deliverable);
  }

  /** Looks for undelivered messages now (a channel has just connected). */
  sweepOutboxNow(): void {
    this.delivery.sweepNow();
  }

  /** Stops delivery; unsent messages stay in the outbox for the next start. */
  stopDelivery(withinMs?: number): Promise<void> {
    return this.delivery.stop(withinMs);
  }

  /** Called after every handled turn, once replies are sent (background work such as photo downloads). */
  onAfterTurn(listener: () => void): void {
    this.afterTurnListeners.push(listener);
  }

  register(sender: ChannelSender): void {
    this.senders.set(sender.info.name, sender);
  }

  /** Is this channel running here (can messages be delivered to it)? */
  hasChannel(name: string): boolean {
    return this.senders.has(name as ChannelName);
  }

  channelInfo(name: ChannelName): ChannelInfo {
    const sender = this.senders.get(name);
    if (!sender) throw new Error(`channel ${name} is not registered`);
    return sender.info;
  }

  /** How people answer on a channel (buttons or typed numbers): the wording of texts for it (i18n tFor). */
  wording(name: string): ChannelInfo["buttons"] {
    return this.senders.get(name as ChannelName)?.info.buttons ?? "inline";
  }

  /**
   * Handle one inbound message: queued behind earlier messages of the same chat. Resolves once the
   * turn is committed (its replies are then safe in the outbox), or delivered with `waitForDelivery`.
   */
  async handle(inbound: Inbound, opts: HandleOptions = {}): Promise<HandleOutcome> {
    const outcome = await this.handleInOrder(inbound);
    if (opts.waitForDelivery) await outcome.delivered;
    return outcome;
  }

  private handleInOrder(inbound: Inbound): Promise<HandleOutcome> {
    const key = `${inbound.channel}:${inbound.chatKey}`;
    const allowance = this.takeAllowance(key);
    if (!allowance.ok) return this.dropFlood(inbound, allowance.bucket);
    const previous = this.queues.get(key) ?? Promise.resolve();
    const current = previous.then(() => this.handleNow(inbound));
    const settled = current.catch(() => undefined);
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return current;
  }

  /** One message's worth of the chat's allowance (FLOOD); a full allowance also ends a flood. */
  private takeAllowance(key: string, now = performance.now()) {
    let bucket = this.allowance.get(key);
    if (!bucket) {
      if (this.allowance.size >= FLOOD_CHATS_KEPT) this.forgetFullAllowances(now);
      bucket = { tokens: FLOOD.burst, at: now, told: false };
      this.allowance.set(key, bucket);
    }
    bucket.tokens = Math.min(FLOOD.burst, bucket.tokens + ((now - bucket.at) / 1000) * FLOOD.perSecond);
    bucket.at = now;
    if (bucket.tokens === FLOOD.burst) bucket.told = false;
    if (bucket.tokens < 1) return { ok: false as const, bucket };
    bucket.tokens -= 1;
    return { ok: true as const, bucket };
  }

  private forgetFullAllowances(now: number): void {
    for (const [key, bucket] of this.allowance) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * FLOOD.perSecond >= FLOOD.burst) this.allowance.delete(key);
    }
  }

  /** A message past the chat's allowance: not handled; the first one of a flood gets a polite word. */
  private async dropFlood(inbound: Inbound, bucket: { told: boolean }): Promise<HandleOutcome> {
    const locale = toLocale(inbound.languageHint);
    this.logFor(inbound).warn("chat flooding: message dropped");
    if (!bucket.told) {
      bucket.told = true;
      await this.sendTo({ channel: inbound.channel, chatKey: inbound.chatKey, locale }, [{ text: tFor(locale, this.wording(inbound.channel))("common:slowDown") }]);
    }
    this.opts.observer?.turn(inbound.channel, "dropped", 0);
    return { status: "dropped", replies: [], locale, delivered: Promise.resolve() };
  }

  /** Wait until every queued message has been handled (graceful shutdown, tests). */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
    await this.delivery.idle();
  }

  /** Wait until every queued message has been handled and committed (stopping: replies may wait in the outbox). */
  async turnsDone(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
  }

  private async handleNow(inbound: Inbound): Promise<HandleOutcome> {
    const started = performance.now();
    const { pending, ...outcome } = await this.turns.run(inbound);
    const delivered = this.delivery.enqueue(pending);
    if (outcome.status === "handled") for (const listener of this.afterTurnListeners) listener();
    const ms = performance.now() - started;
    this.opts.observer?.turn(inbound.channel, outcome.status, ms / 1000);
    this.logFor(inbound).info({ status: outcome.status, ms: Math.round(ms) }, "update");
    return { ...outcome, delivered };
  }

  private logFor(inbound: Inbound): Logger {
    return this.opts.log.child({ channel: inbound.channel, chat: inbound.chatKey, update: inbound.updateKey });
  }

  /** Turns committed together (group-commit.ts): one transaction for all of them. */
  private async runTogether(inbounds: Inbound[]): Promise<TurnResult[]> {
    const catalog = await this.catalog.get();
    return this.opts.db.$transaction((tx) => this.runTurns(tx, inbounds, catalog), { timeout: 15_000, maxWait: 15_000 });
  }

  /** One turn in its own transaction, with its answers to a redelivery, a conflict and a failure. */
  private async runAlone(inbound: Inbound): Promise<TurnResult> {
    try {
      return await this.runWithRetries(inbound);
    } catch (e) {
      const log = this.logFor(inbound);
      log.error({ err: e }, "turn failed");
      return this.apologize(inbound).catch((err) => {
        log.error({ err }, "could not record the failed update");
        return { status: "failed" as const, replies: [], locale: "vi", pending: [] };
      });
    }
  }

  private async runWithRetries(inbound: Inbound): Promise<TurnResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        const [result] = await this.runTogether([inbound]);
        return result;
      } catch (e) {
        if (e instanceof VersionConflict && attempt < MAX_ATTEMPTS) continue;
        throw e;
      }
    }
  }

  /**
   * The turns of different chats, one after another in one transaction: the engine's own reads and
   * writes (update keys, accounts, conversations, outbox) are one statement each for all of them;
   * what the flows do, they do per turn. A redelivered update comes back as a duplicate; a
   * conversation another instance moved on throws VersionConflict (the whole group is then redone).
   */
  private async runTurns(tx: Tx, inbounds: Inbound[], catalog: Catalog): Promise<TurnResult[]> {
    // A redelivered update is left out here, before anything else of it runs.
    const fresh = await recordUpdates(tx, inbounds.map(updateKey));
    const todo = inbounds.filter((inbound) => fresh.has(updateKey(inbound)));
    const accounts = todo.length > 0 ? await createServices(tx).accounts.seenMany(todo) : new Map<string, SeenAccount>();
    const rows = todo.length > 0 ? await readConversations(tx, todo) : new Map<string, ConversationRow>();

    const results = new Map<Inbound, Omit<TurnResult, "pending">>();
    const outgoing: Array<{ to: NotifyTarget; messages: Outbound[] }> = [];
    const counts = new Map<Inbound, number>();
    const created: Array<{ channel: ChannelName; chatKey: string; state: string }> = [];
    const moved: Array<{ id: string; version: number; state: string | null }> = [];
    for (const inbound of todo) {
      const { channel, chatKey } = inbound;
      const row = rows.get(chatId(inbound)) ?? null;
      const { state, replies, notifications, locale } = await this.step(tx, inbound, accounts.get(`${channel}:${inbound.userKey}`) ?? null, row, catalog);
      if (row) moved.push({ id: row.id, version: row.version, state: isIdle(state) ? null : JSON.stringify(state) });
      else if (!isIdle(state)) created.push({ channel, chatKey, state: JSON.stringify(state) });
      // The replies first, then the notices, in the transaction that moves the conversation on.
      const items = [{ to: { channel, chatKey, locale }, messages: replies }, ...notifications];
      outgoing.push(...items);
      counts.set(inbound, items.reduce((n, item) => n + item.messages.length, 0));
      results.set(inbound, { status: "handled", replies, locale, notifications });
    }
    // The conversations are written after all the turns (different chats: none reads another's).
    if (moved.length > 0) await this.save(tx, moved);
    if (created.length > 0 && !(await createConversations(tx, created))) throw new VersionConflict();
    const pending = await this.outbox.write(tx, outgoing);
    let from = 0;
    return inbounds.map((inbound) => {
      const result = results.get(inbound);
      if (!result) return { status: "duplicate", replies: [], locale: "vi", pending: [] };
      return { ...result, pending: pending.slice(from, (from += counts.get(inbound)!)) };
    });
  }

  /** Runs the flows on one message, from the state and account read for it. */
  private async step(tx: Tx, inbound: Inbound, account: SeenAccount | null, row: { state: string } | null, catalog: Catalog) {
    const state = parseState(row?.state);
    const locale = toLocale(account?.locale ?? state.locale ?? inbound.languageHint);
    const { channel, userKey, chatKey } = inbound;
    const info = this.channelInfo(channel);
    const notifications: Array<{ to: NotifyTarget; messages: Outbound[] }> = [];
    const ctx: FlowContext = {
      t: tFor(locale, info.buttons) as TFunction,
      locale,
      channel: info,
      data: state.data,
      household: account?.household ?? null,
      displayName: inbound.displayName,
      services: createServices(tx),
      provinceCode: this.opts.provinceCode,
      catalog,
      now: new Date(),
      identity: { channel, userKey, chatKey },
      canSendTo: (name) => this.senders.has(name),
      settings: { orderExpireAfterMs: 24 * 3600_000, campaignTargetPercent: 50, announcementReplyDays: 3, publicUrl: "http://127.0.0.1:3000", ...this.opts.settings },
      notify: (to, build) => notifications.push({ to, messages: build(tFor(to.locale, this.wording(to.channel)) as TFunction) }),
    };
    const turn = new Turn(state, ctx, this.opts.registry);
    await turn.run(inbound);
    state.data = ctx.data;
    return { state, replies: turn.replies, notifications, locale: ctx.locale };
  }

  /** Writes the conversations that existed before their turns, if nobody else moved them on meanwhile. */
  private async save(tx: Tx, rows: Array<{ id: string; version: number; state: string | null }>): Promise<void> {
    const saved = await saveConversations(tx, rows);
    // Not saved: either another instance moved it on (conflict) or its turn deleted the row itself
    // (account deletion removes the person's conversations).
    const missed = rows.filter((r) => !saved.has(r.id)).map((r) => r.id);
    if ((await existingConversations(tx, missed)).length > 0) throw new VersionConflict();
  }

  /**
   * A turn that failed changed nothing; it is recorded as handled (a redelivery would fail the same
   * way) together with a short apology, in one transaction.
   */
  private async apologize(inbound: Inbound): Promise<TurnResult> {
    const locale = toLocale(inbound.languageHint);
    const replies = [{ text: tFor(locale, this.wording(inbound.channel))("common:error") }];
    return this.opts.db.$transaction(async (tx) => {
      // Recorded meanwhile: another instance handled the same update (a redelivery), or failed on it
      // too and apologised already. One answer is enough.
      if (!(await recordUpdates(tx, [updateKey(inbound)])).size) return { status: "duplicate" as const, replies: [], locale, pending: [] };
      const pending = await this.outbox.write(tx, [{ to: { channel: inbound.channel, chatKey: inbound.chatKey, locale }, messages: replies }]);
      return { status: "failed" as const, replies, locale, pending };
    });
  }

  /**
   * Tell one chat something outside a turn (a broadcast report): written to the outbox, then
   * delivered; resolves once delivered or given up (a failing platform keeps it in the outbox for
   * later). False only when the channel is not running here.
   */
  async sendTo(to: NotifyTarget, messages: Outbound[]): Promise<boolean> {
    if (!this.senders.has(to.channel) || messages.length === 0) return false;
    await this.deliverQueued(await this.opts.db.$transaction((tx) => this.queueIn(tx, to, messages)));
    return true;
  }

  /** Writes messages for one chat in the caller's transaction: a domain notice is owed only if its change commits. */
  queueIn(tx: Tx, to: NotifyTarget, messages: Outbound[]): Promise<PendingMessage[]> {
    return this.outbox.write(tx, [{ to, messages }]);
  }

  /** After the commit: sends what queueIn wrote; resolves once sent or given up, or after 10 s (then it stays owed). */
  async deliverQueued(pending: PendingMessage[]): Promise<void> {
    await Promise.race([this.delivery.enqueue(pending), sleep(SEND_TO_WAIT_MS)]);
  }

}

const updateKey = (inbound: Inbound) => `${inbound.channel}:${inbound.updateKey}`;

/** A key for inputs that have no platform update id (terminal, web simulator). */
export const freshUpdateKey = () => randomUUID();
