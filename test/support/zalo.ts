// Runs the real app (HTTP server, engine, Zalo adapter, optionally Telegram beside it) against the fake
// Zalo Bot API, with short timings, and a conversation driver that waits for the bot's answer.
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { createApp, type App, type AppOptions } from "../../src/app.ts";
import type { ZaloTiming } from "../../src/channels/zalo/client.ts";
import { loadConfig } from "../../src/config.ts";
import { tFor } from "../../src/i18n/index.ts";
import type { FakeTelegram } from "../fakes/telegram-server.ts";
import { hexId, startFakeZalo, type FakeZalo, type FakeZaloOptions, type ZaloSimUser } from "../fakes/zalo-server.ts";
import { freePort, WEBHOOK_SECRET as TELEGRAM_WEBHOOK_SECRET } from "./bot.ts";
import { TMP_DIR } from "./paths.ts";
import { CAPS_OFF_ENV } from "./caps.ts";

export const ZALO_WEBHOOK_SECRET = "zalo-test-secret.0123456789";

/** Milliseconds instead of seconds, so retry tests take no time; requests still time out eventually. */
export const FAST_ZALO_TIMING: Partial<ZaloTiming> = { baseDelayMs: 5, maxDelayMs: 40, requestTimeoutMs: 3_000 };

/** A fake Zalo server for a bot of its own (a fresh random bot id, as a new bot would have). */
export function startFakeZaloBot(options: FakeZaloOptions = {}): Promise<FakeZalo> {
  return startFakeZalo(options);
}

export const newZaloUser = (display_name = "Nông Thị Hoa"): ZaloSimUser => ({ id: hexId(), display_name });

export interface LogLine {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

/** A logger that keeps its lines in memory, for asserting on alerts. */
export function memoryLogger(level = "info"): { log: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { log: pino({ level }, stream), lines };
}

export type ZaloApp = App & { url: string; logs: LogLine[]; mediaDir: string };

export async function startZaloBot(
  fake: FakeZalo,
  databaseUrl: string,
  mode: "polling" | "webhook" = "polling",
  opts: { telegram?: FakeTelegram; timing?: Partial<ZaloTiming>; delivery?: AppOptions["delivery"] } = {},
): Promise<ZaloApp> {
  const port = await freePort();
  const mediaDir = resolve(TMP_DIR, `media-zalo-${hexId()}`);
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    ZALO_BOT_TOKEN: fake.token,
    ZALO_API_ROOT: fake.apiRoot,
    LOG_LEVEL: "silent",
    // Tests are scripts, not people: no rate limits here (test/rate-limit.e2e.test.ts checks them).
    RATE_LIMIT_FACTOR: "0",
    ...CAPS_OFF_ENV,
    MEDIA_DIR: mediaDir,
  };
  if (opts.telegram) {
    env.TELEGRAM_BOT_TOKEN = opts.telegram.token;
    env.TELEGRAM_API_ROOT = opts.telegram.apiRoot;
  }
  if (mode === "webhook") {
    env.PUBLIC_URL = `http://127.0.0.1:${port}`;
    env.ZALO_WEBHOOK_SECRET = ZALO_WEBHOOK_SECRET;
    env.TELEGRAM_WEBHOOK_SECRET = TELEGRAM_WEBHOOK_SECRET;
  }
  const { log, lines } = memoryLogger();
  const app = createApp({
    config: loadConfig(env),
    log,
    pollTimeoutSeconds: 1,
    zaloTiming: { ...FAST_ZALO_TIMING, ...opts.timing },
    delivery: opts.delivery,
  });
  const url = await app.start();
  await app.channels.settled(); // connected (or failed once): the test drives the platform next
  const stop = app.stop.bind(app);
  return Object.assign(app, {
    url,
    logs: lines,
    mediaDir,
    async stop() {
      await stop();
      rmSync(mediaDir, { recursive: true, force: true });
    },
  });
}

/** The numbered block Zalo shows under a question, split off: what Telegram shows as buttons. */
export function splitNumbered(text: string, locale = "vi"): { text: string; buttons: string[] } {
  const lines = text.split("\n");
  const hint = lines.at(-1) ?? "";
  const t = tFor(locale);
  const hints = [t("common:numbered.one")];
  for (let n = 2; n <= 20; n++) {
    const numbers = Array.from({ length: n }, (_, i) => String(i + 1));
    hints.push(t("common:numbered.many", { list: numbers.slice(0, -1).join(", "), last: numbers.at(-1) }));
  }
  // A notice's list may name its keyword after the numbers: "Trả lời 1 hoặc 2 (hoặc gõ DA NHAN TIEN DH…)".
  const keywordHints = hints.map((_, i) => {
    const numbers = Array.from({ length: i + 1 }, (_, k) => String(k + 1));
    const prefix = t("common:numbered.keywordHint", { list: numbers.slice(0, -1).join(", "), last: numbers.at(-1), keyword: "\u0000" });
    return prefix.slice(0, prefix.indexOf("\u0000"));
  });
  const count = hints.includes(hint) ? hints.indexOf(hint) + 1 : keywordHints.findIndex((h, i) => i > 0 && hint.startsWith(h)) + 1;
  if (count === 0) return { text, buttons: [] };
  // Walk back over the "N. label" lines, which must count down to 1.
  let end = lines.length - 1;
  let n = count;
  const labels: string[] = [];
  while (n >= 1 && end - 1 >= 0 && lines[end - 1].startsWith(`${n}. `)) {
    labels.unshift(lines[end - 1].slice(`${n}. `.length));
    end -= 1;
    n -= 1;
  }
  if (n !== 0) return { text, buttons: [] };
  return { text: lines.slice(0, end).join("\n"), buttons: labels };
}

/** One simulated person on Zalo. Each action waits for the reply that ends the bot's turn. */
export class ZaloChat {
  private seen = 0;
  /** what the bot said since the previous action */
  messages: string[] = [];

  constructor(
    readonly fake: FakeZalo,
    readonly user: ZaloSimUser,
  ) {}

  /** The texts since the last action, piece by piece (a short remark comes with its question, a blank line apart). */
  get paragraphs(): string[] {
    return this.messages.flatMap((m) => m.split("\n\n"));
  }

  get all(): string[] {
    return this.fake.sentTexts(this.user.id);
  }

  get last(): string {
    const last = this.all.at(-1);
    if (last === undefined) throw new Error("the bot has sent nothing yet");
    return last;
  }

  send(text: string, expect: RegExp) {
    return this.act(() => this.fake.sendText(this.user, text), expect);
  }

  /** Types the number of `label` in the last numbered list, as a person would. */
  pick(label: string, expect: RegExp) {
    return this.send(String(this.numberOf(label)), expect);
  }

  image(image: { url: string; caption?: string }, expect: RegExp) {
    return this.act(() => this.fake.sendImage(this.user, image), expect);
  }

  sticker(expect: RegExp) {
    return this.act(() => this.fake.sendSticker(this.user), expect);
  }

  unsupported(expect: RegExp) {
    return this.act(() => this.fake.sendUnsupported(this.user), expect);
  }

  numberOf(label: string): number {
    const withList = [...this.all].reverse().map((m) => splitNumbered(m)).find((m) => m.buttons.length > 0);
    const index = withList?.buttons.indexOf(label) ?? -1;
    if (index < 0) throw new Error(`no "${label}" in the last numbered list: ${JSON.stringify(withList?.buttons)}`);
    return index + 1;
  }

  async act(action: () => Promise<unknown>, expect: RegExp): Promise<string[]> {
    const from = this.seen;
    await action();
    await this.fake.waitFor(() => this.all.slice(from).some((m) => expect.test(m)), {
      describe: () =>
        `waited for ${expect} after message #${from}; the bot sent:\n${this.all.slice(from).map((m) => `  ${JSON.stringify(m)}`).join("\n")}`,
    });
    const matched = this.all.findIndex((m, i) => i >= from && expect.test(m));
    this.seen = matched + 1;
    this.messages = this.all.slice(from, this.seen);
    return this.messages;
  }
}

/** A complete registration on Zalo, answering numbered questions by number. */
export async function registerOnZalo(chat: ZaloChat, opts: { phone: string; name?: string }): Promise<void> {
  const name = opts.name ?? chat.user.display_name ?? "Nông Thị Hoa";
  await chat.send("/start", /đồng ý chứ/);
  await chat.send("1", /Tên chủ hộ/);
  await chat.send(name, /Số điện thoại di động/);
  await chat.send(opts.phone, /xã hoặc phường nào/);
  await chat.send("chi lang", /chọn xã/);
  await chat.pick("Xã Chi Lăng", /Đặt tên cho cửa hàng/);
  await chat.send("1", /thanh toán điện tử/);
  await chat.pick("Viettel Money", /Bạn muốn làm gì/);
}

/**
 * Answers a choice as a Zalo user reads it: the number before `label` ("1. ✅ Nhận đơn"), or the word
 * given for it ("• 🚚 Gọi bưu điện lấy hàng: gõ GUI DH…") where a notice offers one.
 */
export async function choose(chat: ZaloChat, label: string, expect: RegExp) {
  const lines = [...chat.all].reverse().flatMap((m) => m.split("\n").reverse());
  const numbered = lines.find((l) => l.endsWith(`. ${label}`));
  if (numbered) return chat.send(numbered.slice(0, numbered.indexOf(".")), expect);
  const typed = lines.map((l) => new RegExp(`^• ${label.replace(/[.()]/g, "\\$&")}: gõ (.+)$`).exec(l)).find(Boolean);
  if (typed) return chat.send(typed[1], expect);
  throw new Error(`no "${label}" to answer: ${JSON.stringify(chat.all.slice(-3))}`);
}
