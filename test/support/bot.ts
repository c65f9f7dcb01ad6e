// Runs the real app (HTTP server, engine, Telegram adapter) against the fake Telegram server, and a
// small conversation driver that waits for the bot's answer to each action.
import { createServer } from "node:net";
import { resolve } from "node:path";
import { TMP_DIR } from "./paths.ts";
import pino from "pino";
import { createApp, type App } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { startFakeTelegram, type FakeTelegram, type SentMessage, type SimUser } from "../fakes/telegram-server.ts";
import { CAPS_OFF_ENV } from "./caps.ts";

export const WEBHOOK_SECRET = "test-secret_0123456789abcdef";

/**
 * A fake Telegram server for a bot of its own: update ids restart with every fake server, and the
 * engine's dedupe key includes the bot id, so each fake gets a fresh bot id (as a new bot would).
 */
export function startFakeBotApi(): Promise<FakeTelegram> {
  const botId = 7_100_000_000 + Math.floor(Math.random() * 800_000_000);
  return startFakeTelegram({ token: `${botId}:AAH-fake-token-for-tests_0123456789` });
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

export async function startBot(
  fake: FakeTelegram,
  databaseUrl: string,
  mode: "polling" | "webhook" = "polling",
  /** more settings (bank webhooks' secrets, ...) */
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<App & { url: string }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    LOG_LEVEL: "silent",
    // Tests are scripts, not people: no rate limits here (test/rate-limit.e2e.test.ts checks them).
    RATE_LIMIT_FACTOR: "0",
    ...CAPS_OFF_ENV,
    MEDIA_DIR: resolve(TMP_DIR, `media-${port}`),
    ...extraEnv,
  };
  if (mode === "webhook") {
    env.PUBLIC_URL = `http://127.0.0.1:${port}`;
    env.TELEGRAM_WEBHOOK_SECRET = WEBHOOK_SECRET;
  }
  const app = createApp({
    config: loadConfig(env),
    log: pino({ level: process.env.TEST_LOG ?? "silent" }),
    pollTimeoutSeconds: 1,
  });
  const url = await app.start();
  await app.channels.settled(); // connected (or failed once): the test drives the platform next
  return Object.assign(app, { url });
}

/** One simulated person talking to the bot. Each action waits for the reply that ends the bot's turn. */
export class Chat {
  private seen = 0;
  constructor(
    readonly fake: FakeTelegram,
    readonly user: SimUser,
  ) {}

  /** Messages the bot sent to this person since the last action. */
  messages: SentMessage[] = [];

  /**
   * The texts since the last action, piece by piece: the bot sends a short remark and the question it
   * leads into as one message, a blank line apart ("Đã nhận ảnh.\n\nKhi nào có hàng?…").
   */
  get paragraphs(): string[] {
    return this.messages.flatMap((m) => (m.text ?? m.caption ?? "").split("\n\n"));
  }

  get all(): SentMessage[] {
    return this.fake.sent(this.user.id);
  }

  get last(): SentMessage {
    const last = this.all.at(-1);
    if (!last) throw new Error("the bot has sent nothing yet");
    return last;
  }

  /** Labels of the inline buttons under the last message. */
  get buttons(): string[] {
    const markup = this.last.reply_markup as { inline_keyboard?: Array<Array<{ text: string }>> } | undefined;
    return (markup?.inline_keyboard ?? []).flat().map((b) => b.text);
  }

  send(text: string, expect: RegExp) {
    return this.act(() => this.fake.sendText(this.user, text), expect);
  }

  tap(label: string, expect: RegExp) {
    return this.act(() => this.fake.tapButton(this.user, label), expect);
  }

  contact(phone: string, expect: RegExp, ownerId?: number) {
    return this.act(() => this.fake.shareContact(this.user, phone, ownerId === undefined ? {} : { ownerId }), expect);
  }

  sticker(expect: RegExp) {
    return this.act(() => this.fake.sendSticker(this.user), expect);
  }

  photo(expect: RegExp) {
    return this.act(() => this.fake.sendPhoto(this.user), expect);
  }

  /** Do something, then wait until the bot sends a message matching `expect` (the end of its turn). */
  async act(action: () => Promise<unknown>, expect: RegExp): Promise<SentMessage[]> {
    const from = this.seen;
    await action();
    await this.fake.waitFor(
      () => this.all.slice(from).some((m) => expect.test(m.text ?? "")),
      { describe: () => `waited for ${expect} after message #${from}; the bot sent:\n${this.all.slice(from).map((m) => `  ${JSON.stringify(m.text)}`).join("\n")}` },
    );
    const matched = this.all.findIndex((m, i) => i >= from && expect.test(m.text ?? ""));
    this.seen = matched + 1;
    this.messages = this.all.slice(from, this.seen);
    return this.messages;
  }

  /** Wait for any remaining messages of the turn (e.g. the menu after a card). */
  async settle(count: number): Promise<SentMessage[]> {
    await this.fake.waitForMessages(this.user.id, this.seen + count);
    const out = this.all.slice(this.seen, this.seen + count);
    this.seen += count;
    return out;
  }
}

/**
 * The answers of a complete registration, step by step: paid by Viettel Money, or with `bank` through
 * an Agribank account (typed as the household types it; the holder's name offered as a button).
 */
export async function register(chat: Chat, opts: { phone?: string; name?: string; bank?: { account: string; accountName: string } } = {}): Promise<void> {
  const name = opts.name ?? "Nguyễn Văn Hùng";
  await chat.send("/start", /đồng ý chứ/);
  await chat.tap("✅ Đồng ý", /Tên chủ hộ/);
  await chat.send(name, /Bấm nút bên dưới để gửi số/);
  await chat.contact(opts.phone ?? "84912345678", /xã hoặc phường nào/);
  await chat.send("chi lang", /chọn xã/);
  await chat.tap("Xã Chi Lăng", /Đặt tên cho cửa hàng/);
  await chat.tap(`Cửa hàng ${name}`, /thanh toán điện tử/);
  if (!opts.bank) return void (await chat.tap("Viettel Money", /Bạn muốn làm gì/));
  await chat.tap("Ứng dụng ngân hàng", /ngân hàng nào/);
  await chat.send("agri", /Số tài khoản Agribank/);
  await chat.send(opts.bank.account, /Tên chủ tài khoản/);
  await chat.tap(opts.bank.accountName, /Bạn muốn làm gì/);
}
