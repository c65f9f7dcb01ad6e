// The bot as a real process, the way the README runs it: node itself with tsx's loader (`npm start` or
// the tsx CLI would run it in a grandchild that signals miss). For crash and shutdown tests.
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { afterAll } from "vitest";
import { freePort } from "./bot.ts";
import { TMP_DIR } from "./paths.ts";
import { CAPS_OFF_ENV } from "./caps.ts";

export interface BotChild {
  child: ChildProcess;
  port: number;
}

const started = new Set<ChildProcess>();

/**
 * Starts `node --import tsx src/main.ts` on a free port with `env` over the test's own environment
 * (a function of the port where a setting names it, e.g. PUBLIC_URL for a webhook).
 */
export async function spawnBot(
  env: Record<string, string> | ((port: number) => Record<string, string>),
  opts: { output?: boolean } = {},
): Promise<BotChild> {
  const port = await freePort();
  const own = typeof env === "function" ? env(port) : env;
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { ...process.env, PORT: String(port), MEDIA_DIR: resolve(TMP_DIR, `media-${port}`), LOG_LEVEL: "silent", RATE_LIMIT_FACTOR: "0", ...CAPS_OFF_ENV, ...own },
    stdio: opts.output ? ["ignore", "pipe", "pipe"] : "ignore",
  });
  started.add(child);
  return { child, port };
}

export const isRunning = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

/** Resolves once the process has exited (at once if it already has). */
export const exited = (c: ChildProcess) => new Promise<void>((r) => (isRunning(c) ? c.once("exit", () => r()) : r()));

/** Kills whatever a test left running. */
export function killLeftovers(): void {
  for (const child of started) if (isRunning(child)) child.kill("SIGKILL");
  started.clear();
}

afterAll(killLeftovers);
