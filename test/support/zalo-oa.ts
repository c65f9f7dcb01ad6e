// The real app against the fake Zalo OA (test/fakes/zalo-oa-server.ts), and a conversation driver for
// one OA follower: each action posts a signed webhook event and waits for the bot's answer.
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { createApp, type App } from "../../src/app.ts";
import type { BroadcastOptions } from "../../src/broadcast/service.ts";
import { loadConfig } from "../../src/config.ts";
import type { FakeOa, OaUser } from "../fakes/zalo-oa-server.ts";
import { freePort } from "./bot.ts";
import { TMP_DIR } from "./paths.ts";
import { memoryLogger, type LogLine } from "./zalo.ts";

export type OaApp = App & { url: string; logs: LogLine[] };

export async function startOaBot(
  f: FakeOa,
  databaseUrl: string,
  opts: { refreshToken?: string; env?: NodeJS.ProcessEnv; broadcast?: Partial<BroadcastOptions> } = {},
): Promise<OaApp> {
  const port = await freePort();
  const { log, lines } = memoryLogger();
  const mediaDir = resolve(TMP_DIR, `media-oa-${port}`);
  const app = createApp({
    config: loadConfig({
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      LOG_LEVEL: "silent",
      RATE_LIMIT_FACTOR: "0",
      MEDIA_DIR: mediaDir,
      ZALO_OA_APP_ID: f.appId,
      ZALO_OA_APP_SECRET: f.appSecret,
      ZALO_OA_SECRET_KEY: f.secretKey,
      ZALO_OA_REFRESH_TOKEN: opts.refreshToken ?? f.firstRefreshToken,
      ZALO_OA_API_ROOT: f.apiRoot,
      ZALO_OA_OAUTH_ROOT: f.apiRoot,
      ZALO_OA_ZNS_ROOT: f.apiRoot,
      ...opts.env,
    }),
    log,
    pollTimeoutSeconds: 1,
    channelRetry: { baseDelayMs: 20, maxDelayMs: 100 },
    broadcast: opts.broadcast,
  });
  const url = await app.start();
  await app.channels.settled();
  const stop = app.stop.bind(app);
  return Object.assign(app, {
    url,
    logs: lines,
    async stop() {
      await stop();
      rmSync(mediaDir, { recursive: true, force: true });
    },
  });
}

/** One person on the OA: each action waits for the bot's answer matching `expect`. */
export class OaChat {
  private seen = 0;
  constructor(
    readonly fake: FakeOa,
    readonly url: string,
    readonly user: OaUser,
  ) {}
  get all() {
    return this.fake.sentTo(this.user.id);
  }
  get last() {
    return this.all.at(-1)!;
  }
  async post(event: Record<string, unknown>, expect: RegExp) {
    const from = this.seen;
    const status = await this.fake.post(this.url, event);
    if (status !== 200) throw new Error(`webhook answered ${status}`);
    await this.fake.waitFor(() => this.all.slice(from).some((m) => expect.test(m.text ?? "")), {
      describe: () => `waited for ${expect}; got ${JSON.stringify(this.all.slice(from).map((m) => m.text))}`,
    });
    this.seen = this.all.length;
  }
  send(text: string, expect: RegExp) {
    return this.post(this.fake.textEvent(this.user, text), expect);
  }
  /** Taps a button of the last message that had buttons: Zalo sends its payload as a message. */
  tap(title: string, expect: RegExp) {
    const withButtons = [...this.all].reverse().find((m) => m.buttons);
    const button = withButtons?.buttons?.find((b) => b.title === title);
    if (!button) throw new Error(`no button "${title}" in ${JSON.stringify(withButtons?.buttons)}`);
    return this.send(button.payload, expect);
  }
}
