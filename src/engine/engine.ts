// The conversation engine: the only place where an inbound message becomes replies.
//
// Guarantees, also with several instances on one PostgreSQL:
// - each platform update is handled once: its key is inserted into ProcessedUpdate inside the same
//   transaction as the state change, so a redelivery either finds the key or waits and then finds it;
// - messages of one chat are handled in order (per-chat queue in this process) and two instances never
//   both advance a conversation (optimistic version check; the loser re-runs on the fresh state);
// - a turn that fails changes nothing (one transaction) and the person gets a short apology, never a
//   stack trace.
// Replies are sent after the commit through the channel's sender.
import { randomUUID } from "node:crypto";
import type { TFunction } from "i18next";
import { CatalogStore, type Catalog } from "../core/catalog.ts";
import { createServices } from "../core/services.ts";
import type { Db, Tx } from "../db/client.ts";
import { isUniqueViolation } from "../db/client.ts";
import { tFor, toLocale } from "../i18n/index.ts";
import type { Logger } from "../log.ts";
import type { FlowContext, FlowSettings, NotifyTarget } from "./flow.ts";
import type { ChannelInfo, ChannelName, ChannelSender, Inbound, Outbound } from "./message.ts";
import { isIdle, parseState } from "./state.ts";
import { Turn, type FlowRegistry } from "./turn.ts";

export interface EngineOptions {
  db: Db;
  settings?: Partial<FlowSettings>;
  /** defaults to a store on `db` (seeded from prisma/seed/catalog.json when empty) */
  catalog?: CatalogStore;
  registry: FlowRegistry;
  log: Logger;
  provinceCode: string;
}

export interface HandleOutcome {
  status: "handled" | "duplicate" | "failed";
  replies: Outbound[];
  locale: string;
  /** messages for other chats, delivered after the replies */
  notifications?: Array<{ to: NotifyTarget; messages: Outbound[] }>;
}

class Duplicate extends Error {}
class VersionConflict extends Error {}

const MAX_ATTEMPTS = 5;

export class Engine {
  private readonly senders = new Map<ChannelName, ChannelSender>();
  private readonly afterTurnListeners: Array<() => void> = [];
  private readonly queues = new Map<string, Promise<unknown>>();

  readonly catalog: CatalogStore;

  constructor(private readonly opts: EngineOptions) {
    this.catalog = opts.catalog ?? new CatalogStore(opts.db);
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

  /** Handle one inbound message: queued behind earlier messages of the same chat. */
  handle(inbound: Inbound): Promise<HandleOutcome> {
    const key = `${inbound.channel}:${inbound.chatKey}`;
    const previous = this.queues.get(key) ?? Promise.resolve();
    const current = previous.then(() => this.handleNow(inbound));
    const settled = current.catch(() => undefined);
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return current;
  }

  /** Wait until every queued message has been handled (graceful shutdown, tests). */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
  }

  private async handleNow(inbound: Inbound): Promise<HandleOutcome> {
    const started = performance.now();
    const log = this.opts.log.child({ channel: inbound.channel, chat: inbound.chatKey, update: inbound.updateKey });
    let outcome: HandleOutcome;
    try {
      outcome = await this.runWithRetries(inbound);
    } catch (e) {
      log.error({ err: e }, "turn failed");
      const locale = toLocale(inbound.languageHint);
      await this.markProcessed(inbound).catch((err) => log.error({ err }, "could not record failed update"));
      outcome = { status: "failed", replies: [{ text: tFor(locale)("common:error") }], locale };
    }
    if (outcome.status !== "duplicate") await this.deliver(inbound, outcome, log);
    if (outcome.status === "handled") for (const listener of this.afterTurnListeners) listener();
    log.info({ status: outcome.status, ms: Math.round(performance.now() - started) }, "update");
    return outcome;
  }

  private async runWithRetries(inbound: Inbound): Promise<HandleOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        const catalog = await this.catalog.get();
        return await this.opts.db.$transaction((tx) => this.turn(tx, inbound, catalog), { timeout: 15_000, maxWait: 15_000 });
      } catch (e) {
        if (e instanceof Duplicate) return { status: "duplicate", replies: [], locale: "vi" };
        if (e instanceof VersionConflict && attempt < MAX_ATTEMPTS) continue;
        throw e;
      }
    }
  }

  private async turn(tx: Tx, inbound: Inbound, catalog: Catalog): Promise<HandleOutcome> {
    try {
      await tx.processedUpdate.create({ data: { key: updateKey(inbound) } });
    } catch (e) {
      if (isUniqueViolation(e)) throw new Duplicate();
      throw e;
    }
    const services = createServices(tx);
    const { channel, userKey, chatKey } = inbound;
    const account = await services.accounts.seen(channel, userKey);
    const household = account?.householdId ? await services.households.byAccount(channel, userKey) : null;
    const row = await tx.conversation.findUnique({ where: { channel_chatKey: { channel, chatKey } } });
    const state = parseState(row?.state);
    const locale = toLocale(account?.locale ?? state.locale ?? inbound.languageHint);

    const notifications: NonNullable<HandleOutcome["notifications"]> = [];
    const ctx: FlowContext = {
      t: tFor(locale) as TFunction,
      locale,
      channel: this.channelInfo(channel),
      data: state.data,
      household,
      displayName: inbound.displayName,
      services,
      provinceCode: this.opts.provinceCode,
      catalog,
      now: new Date(),
      identity: { channel, userKey, chatKey },
      canSendTo: (name) => this.senders.has(name),
      settings: { orderExpireAfterMs: 24 * 3600_000, campaignTargetPercent: 50, publicUrl: "http://127.0.0.1:3000", ...this.opts.settings },
      notify: (to, build) => notifications.push({ to, messages: build(tFor(to.locale) as TFunction) }),
    };
    const turn = new Turn(state, ctx, this.opts.registry);
    await turn.run(inbound);
    state.data = ctx.data;

    if (row) {
      const saved = isIdle(state)
        ? await tx.conversation.deleteMany({ where: { id: row.id, version: row.version } })
        : await tx.conversation.updateMany({
            where: { id: row.id, version: row.version },
            data: { state: JSON.stringify(state), version: row.version + 1 },
          });
      // count 0: either another instance moved on (conflict) or this turn deleted the row itself
      // (account deletion removes the person's conversations).
      if (saved.count === 0 && (await tx.conversation.findUnique({ where: { id: row.id }, select: { id: true } }))) {
        throw new VersionConflict();
      }
    } else if (!isIdle(state)) {
      try {
        await tx.conversation.create({ data: { channel, chatKey, state: JSON.stringify(state) } });
      } catch (e) {
        if (isUniqueViolation(e)) throw new VersionConflict();
        throw e;
      }
    }
    return { status: "handled", replies: turn.replies, locale: ctx.locale, notifications };
  }

  private async markProcessed(inbound: Inbound): Promise<void> {
    try {
      await this.opts.db.processedUpdate.create({ data: { key: updateKey(inbound) } });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
  }

  private async deliver(inbound: Inbound, outcome: HandleOutcome, log: Logger): Promise<void> {
    await this.sendTo({ channel: inbound.channel, chatKey: inbound.chatKey, locale: outcome.locale }, outcome.replies, log);
    for (const n of outcome.notifications ?? []) await this.sendTo(n.to, n.messages, log);
  }

  /** Send to one chat; a chat that blocked the bot is marked unreachable. Returns whether it arrived. */
  async sendTo(to: NotifyTarget, messages: Outbound[], log: Logger = this.opts.log): Promise<boolean> {
    const sender = this.senders.get(to.channel);
    if (!sender || messages.length === 0) return false;
    const result = await sender.send(to.chatKey, messages, to.locale).catch((err: unknown) => {
      log.error({ err, channel: to.channel }, "send failed");
      return { ok: false as const, reason: "failed" as const };
    });
    if (!result.ok && result.reason === "blocked") {
      await createServices(this.opts.db).accounts.markUnreachable(to.channel, to.chatKey);
    }
    return result.ok;
  }
}

const updateKey = (inbound: Inbound) => `${inbound.channel}:${inbound.updateKey}`;

/** A key for inputs that have no platform update id (terminal, web simulator). */
export const freshUpdateKey = () => randomUUID();
