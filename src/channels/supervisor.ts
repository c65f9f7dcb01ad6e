// Keeps every messaging channel (Telegram, Zalo, ...) connected on its own. A platform that cannot be
// reached (Telegram is blocked by Vietnamese networks) is retried in the background with backoff and
// never delays the other channels, the web pages or the broadcast dispatcher; a token the platform
// rejects stops that channel and says so once. Each channel's state is visible on /healthz.
//
// The supervisor knows nothing about a platform: a channel tells it how to connect, how to let go,
// and what kind of problem an error is.
import type { Logger } from "../log.ts";

/** What went wrong, as a class that is safe to log and show (never a token or a URL). */
export type ProblemKind = "unreachable" | "timeout" | "invalid_token" | "rate_limited" | "server_error" | "conflict" | "other" | "standby";

export interface ChannelProblem {
  kind: ProblemKind;
  /** a short detail for operators, e.g. "ECONNREFUSED" or "401 Unauthorized"; never a secret */
  detail?: string;
}

/** The host of an API root URL, for log lines (the root never holds the token; the paths do). */
export function hostOf(apiRoot: string): string {
  try {
    return new URL(apiRoot).host;
  } catch {
    return apiRoot;
  }
}

/**
 * A platform's error answer as a problem class. `notFoundIsBadToken`: the platform answers 404 for a
 * malformed token (Telegram does).
 */
export function problemFromStatus(code: number, description: string, opts: { notFoundIsBadToken?: boolean } = {}): ChannelProblem {
  const detail = `${code} ${description}`.slice(0, 120);
  if (code === 401 || (code === 404 && opts.notFoundIsBadToken)) return { kind: "invalid_token", detail };
  if (code === 409) return { kind: "conflict", detail };
  if (code === 429) return { kind: "rate_limited", detail };
  if (code >= 500) return { kind: "server_error", detail };
  return { kind: "other", detail };
}

/** True when retrying cannot help: a new token and a restart are needed. */
export const isFatal = (problem: ChannelProblem) => problem.kind === "invalid_token";

/** What the supervisor hears from a running channel after it connected. */
export type ChannelEvent =
  | { type: "healthy" }
  /** a call failed (the channel keeps trying on its own, e.g. its long poll) */
  | { type: "trouble"; problem: ChannelProblem }
  /** the channel stopped taking updates by itself; it is connected again unless the problem is fatal */
  | { type: "ended"; problem: ChannelProblem };

export interface SupervisedChannel {
  readonly name: string;
  /** the platform's host, for the log ("cannot reach api.telegram.org") */
  readonly host: string;
  /**
   * Checks the token and starts taking updates (webhook set, or long polling started). Rejects when
   * the platform could not be reached or refused; `signal` aborts it (shutdown).
   */
  connect(signal: AbortSignal, report: (event: ChannelEvent) => void): Promise<void>;
  /** Stops taking updates and abandons long polls. */
  disconnect(): Promise<void>;
  /** Names an error thrown by connect (or reported later). */
  classify(err: unknown): ChannelProblem;
}

/** standby: another instance takes this channel's updates (one long poller per bot, single-poller.ts) */
export type ChannelState = "connecting" | "connected" | "retrying" | "failed" | "stopped" | "standby";

export interface ChannelStatus {
  state: ChannelState;
  /** when the channel entered this state (ISO 8601) */
  since: string;
  /** the last problem's class, while retrying or failed */
  lastError?: ProblemKind;
  /** failed attempts in a row */
  failures: number;
}

export interface SupervisorTiming {
  /** first pause between attempts; it doubles up to maxDelayMs */
  baseDelayMs: number;
  maxDelayMs: number;
  random: () => number;
  /** while standing by, how often to try to take over */
  standbyRetryMs: number;
}

export const DEFAULT_SUPERVISOR_TIMING: SupervisorTiming = { baseDelayMs: 1_000, maxDelayMs: 60_000, random: Math.random, standbyRetryMs: 5_000 };

const PROBLEM_TEXT: Record<ProblemKind, string> = {
  unreachable: "cannot reach",
  timeout: "no answer in time from",
  invalid_token: "token rejected by",
  rate_limited: "rate limited by",
  server_error: "server error at",
  conflict: "conflict at",
  other: "unexpected answer from",
  standby: "another instance takes the updates of",
};

class Supervised {
  status: ChannelStatus;
  private readonly abort = new AbortController();
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  /** resolves when the first attempt has ended either way (connected, or failed at least once) */
  readonly firstOutcome: Promise<void>;
  private settleFirst!: () => void;
  private connectedWaiters: Array<() => void> = [];

  constructor(
    readonly channel: SupervisedChannel,
    private readonly log: Logger,
    private readonly timing: SupervisorTiming,
  ) {
    this.status = { state: "connecting", since: new Date().toISOString(), failures: 0 };
    this.firstOutcome = new Promise((resolve) => (this.settleFirst = resolve));
  }

  start(): void {
    this.loop = this.run();
  }

  /** Resolves once connected (now or later); never if the channel fails for good. */
  connected(): Promise<void> {
    if (this.status.state === "connected") return Promise.resolve();
    return new Promise((resolve) => this.connectedWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.wake?.();
    await this.loop;
    await this.channel.disconnect();
    this.set("stopped");
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      // Ends when the channel stops taking updates by itself (e.g. its long poll was refused).
      let ended: ((problem: ChannelProblem) => void) | undefined;
      const endedPromise = new Promise<ChannelProblem>((resolve) => (ended = resolve));
      try {
        await this.channel.connect(signal, (event) => this.onEvent(event, ended!));
      } catch (err) {
        if (signal.aborted) return;
        if (!(await this.failed(this.channel.classify(err)))) return;
        continue;
      }
      if (signal.aborted) return;
      this.succeeded();
      const problem = await Promise.race([endedPromise, aborted(signal)]);
      if (!problem || signal.aborted) return;
      if (!(await this.failed(problem))) return;
    }
  }

  private onEvent(event: ChannelEvent, ended: (problem: ChannelProblem) => void): void {
    if (this.abort.signal.aborted) return;
    if (event.type === "healthy") {
      if (this.status.state !== "connected") this.succeeded();
    } else if (event.type === "trouble") {
      this.troubled(event.problem);
    } else {
      ended(event.problem);
    }
  }

  private succeeded(): void {
    const { failures, state } = this.status;
    this.set("connected");
    if (state === "retrying") this.log.info({ channel: this.channel.name, failures }, `${this.label()}: connected again to ${this.channel.host}`);
    else this.log.info({ channel: this.channel.name }, `${this.label()}: connected`);
    this.settleFirst();
    for (const waiter of this.connectedWaiters.splice(0)) waiter();
  }

  /** A call failed while connected; the channel retries by itself. Logged once per streak. */
  private troubled(problem: ChannelProblem): void {
    if (isFatal(problem)) return; // the channel ends itself and reports "ended"
    if (this.status.state === "retrying") {
      this.status = { ...this.status, lastError: problem.kind, failures: this.status.failures + 1 };
      return;
    }
    this.set("retrying", problem, 1);
    this.log.warn(
      { channel: this.channel.name, error: problem.kind, detail: problem.detail },
      `${this.label()}: ${PROBLEM_TEXT[problem.kind]} ${this.channel.host}; retrying in the background`,
    );
  }

  /** After a failed attempt: false when retrying cannot help. Waits the backoff otherwise. */
  private async failed(problem: ChannelProblem): Promise<boolean> {
    const failures = this.status.state === "retrying" ? this.status.failures + 1 : 1;
    const fields = { channel: this.channel.name, error: problem.kind, detail: problem.detail };
    if (isFatal(problem)) {
      this.set("failed", problem, failures);
      this.log.error(fields, `${this.label()}: ${this.channel.host} rejected the bot token; this channel is stopped (set a valid token and restart)`);
      this.settleFirst();
      return false;
    }
    if (problem.kind === "standby") return this.standBy();
    const delayMs = this.backoff(failures);
    if (this.status.state !== "retrying") {
      this.log.warn(
        { ...fields, retryEveryMaxMs: this.timing.maxDelayMs },
        `${this.label()}: ${PROBLEM_TEXT[problem.kind]} ${this.channel.host}; retrying in the background every ${Math.round(this.timing.maxDelayMs / 1000)} s at most`,
      );
    } else {
      this.log.debug({ ...fields, failures, delayMs }, `${this.label()}: still failing`);
    }
    this.set("retrying", problem, failures);
    this.settleFirst();
    return this.pause(delayMs);
  }

  /** Another instance takes the updates: not a failure. Said once; tried again at a steady pace. */
  private async standBy(): Promise<boolean> {
    if (this.status.state !== "standby") {
      this.log.info({ channel: this.channel.name }, `${this.label()}: another instance takes the updates; this one stands by`);
      this.set("standby");
    }
    this.settleFirst();
    return this.pause(this.timing.standbyRetryMs);
  }

  /** Waits, or less when stopped; false once stopped. */
  private async pause(ms: number): Promise<boolean> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
    return !this.abort.signal.aborted;
  }

  private backoff(failures: number): number {
    const { baseDelayMs, maxDelayMs, random } = this.timing;
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(failures - 1, 30));
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  }

  private set(state: ChannelState, problem?: ChannelProblem, failures = 0): void {
    const since = state === this.status.state ? this.status.since : new Date().toISOString();
    this.status = { state, since, failures, ...(problem ? { lastError: problem.kind } : {}) };
  }

  private label(): string {
    return this.channel.name.charAt(0).toUpperCase() + this.channel.name.slice(1);
  }
}

function aborted(signal: AbortSignal): Promise<undefined> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(undefined);
    signal.addEventListener("abort", () => resolve(undefined), { once: true });
  });
}

export class ChannelSupervisor {
  private readonly channels: Supervised[] = [];

  constructor(
    private readonly log: Logger,
    private readonly timing: SupervisorTiming = DEFAULT_SUPERVISOR_TIMING,
  ) {}

  add(channel: SupervisedChannel): void {
    this.channels.push(new Supervised(channel, this.log, this.timing));
  }

  /** Starts connecting every channel in the background; returns at once. */
  start(): void {
    for (const c of this.channels) c.start();
  }

  /**
   * May the outbox deliver to this channel now? Not before its first attempt ended (the token is not
   * yet checked: a dead one would be used for leftover messages), and not once failed for good or
   * stopped; the rows then wait in the outbox for the next start. A channel not supervised here is
   * deliverable (tests that register a sender alone).
   */
  deliverable(name: string): boolean {
    const supervised = this.channels.find((c) => c.channel.name === name);
    if (!supervised) return true;
    const { state } = supervised.status;
    return state !== "connecting" && state !== "failed" && state !== "stopped";
  }

  /** Calls `listener` as each channel's first attempt ends (it may then be deliverable). */
  onFirstOutcome(listener: (name: string) => void): void {
    for (const c of this.channels) void c.firstOutcome.then(() => listener(c.channel.name));
  }

  /** Every channel's state, by name (for /healthz and the start log). */
  status(): Record<string, ChannelStatus> {
    return Object.fromEntries(this.channels.map((c) => [c.channel.name, { ...c.status }]));
  }

  /** Resolves when every channel has connected (tests, and callers that need a live platform). */
  async connected(): Promise<void> {
    await Promise.all(this.channels.map((c) => c.connected()));
  }

  /** Resolves when every channel's first attempt ended (connected, retrying or failed). */
  async settled(): Promise<void> {
    await Promise.all(this.channels.map((c) => c.firstOutcome));
  }

  /** Stops every channel at once (none waits for another). */
  async stop(): Promise<void> {
    await Promise.all(this.channels.map((c) => c.stop()));
  }
}
