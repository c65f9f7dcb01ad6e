// One long poller per bot across instances. Telegram (and Zalo) answer 409 to a second getUpdates:
// two instances polling the same bot would cut each other's polls off all day. On PostgreSQL (the
// several-instance deployment) a channel that long-polls first takes a session-level advisory lock on
// a connection of its own; an instance that cannot get it stands by and tries again every few seconds.
// When the poller dies its connection closes, PostgreSQL releases the lock, and a standby takes over.
// A poller that loses its connection (or cannot run a heartbeat on it) stops polling at once, since
// another instance may already hold the lock, and goes back to standing by.
// Webhook mode needs none of this: every instance takes webhook calls.
import pg from "pg";
import type { ChannelEvent, ChannelProblem, SupervisedChannel } from "./supervisor.ts";

/** what connect throws while another instance polls: the supervisor stands by (supervisor.ts) */
export class StandBy extends Error {
  constructor() {
    super("another instance is polling");
  }
}

export const STANDBY: ChannelProblem = { kind: "standby" };

export interface PollLockOptions {
  databaseUrl: string;
  /** names the bot, the same on every instance (channel and bot id; never the secret) */
  key: string;
  /** how often the holder checks its lock connection still lives */
  heartbeatMs?: number;
}

export function singlePoller(inner: SupervisedChannel, opts: PollLockOptions): SupervisedChannel {
  let client: pg.Client | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let lost: (() => void) | undefined;

  const drop = async () => {
    clearInterval(heartbeat);
    heartbeat = undefined;
    lost = undefined;
    const c = client;
    client = undefined;
    await c?.end().catch(() => undefined);
  };

  const onLost = () => {
    const tell = lost;
    void drop();
    tell?.();
  };

  return {
    name: inner.name,
    host: inner.host,
    async connect(signal, report) {
      if (!client) {
        const c = new pg.Client({ connectionString: opts.databaseUrl, keepAlive: true });
        c.on("error", onLost);
        c.on("end", onLost);
        await c.connect();
        client = c;
      }
      const { rows } = await client.query<{ held: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS held", [opts.key]);
      if (!rows[0]?.held) {
        await drop();
        throw new StandBy();
      }
      const c = client;
      lost = () => {
        // Another instance may be polling by now: stop ours first, then stand by.
        void inner.disconnect().finally(() => report({ type: "ended", problem: STANDBY } satisfies ChannelEvent));
      };
      heartbeat = setInterval(() => {
        c.query("SELECT 1").catch(onLost);
      }, opts.heartbeatMs ?? 5_000);
      heartbeat.unref();
      try {
        await inner.connect(signal, report);
      } catch (err) {
        await drop();
        throw err;
      }
    },
    async disconnect() {
      await inner.disconnect();
      await drop();
    },
    classify(err) {
      return err instanceof StandBy ? STANDBY : inner.classify(err);
    },
  };
}
