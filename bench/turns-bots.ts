// The two contenders of `npm run bench:turns`, each started alone in a child process (so its peak RSS is
// its own) by bench/turns.ts over IPC:
//   project  the real app (src/app.ts): engine, flows, database, Telegram long polling
//   grammy   a bare grammY bot: one sendMessage per update, no state, no database
// Both poll the same fake Bot API (bench/turns-fake.ts). The child says { ready } once it polls, and on
// "stop" stops and answers { maxRssMb }; "cpu" answers the CPU time used so far { cpuMs }.
import { Bot } from "grammy";

/** What the bare bot answers: the same texts and buttons the project would, so the users react alike. */
export interface BareReplies {
  start: { text: string; button: string };
  card: { text: string; button: string };
  pressed: string;
}

export interface ContenderConfig {
  kind: "project" | "grammy";
  token: string;
  apiRoot: string;
  databaseUrl: string;
  mediaDir: string;
  bare: BareReplies;
}

type Stop = () => Promise<void>;

async function startProject(c: ContenderConfig): Promise<Stop> {
  // Loaded here, not at the top, so the bare bot's process never holds the app's modules.
  const [{ createApp }, { loadConfig }, { default: pino }] = await Promise.all([import("../src/app.ts"), import("../src/config.ts"), import("pino")]);
  const config = loadConfig({
    DATABASE_URL: c.databaseUrl,
    PORT: "0",
    TELEGRAM_BOT_TOKEN: c.token,
    TELEGRAM_API_ROOT: c.apiRoot,
    MEDIA_DIR: c.mediaDir,
    LOG_LEVEL: "silent",
  });
  const app = createApp({ config, log: pino({ level: "silent" }), pollTimeoutSeconds: 5 });
  await app.start();
  return () => app.stop();
}

async function startBare(c: ContenderConfig): Promise<Stop> {
  const bot = new Bot(c.token, { client: { apiRoot: c.apiRoot } });
  const keyboard = (text: string, data: string) => ({ reply_markup: { inline_keyboard: [[{ text, callback_data: data }]] } });
  bot.on("message:text", async (ctx) => {
    const reply = ctx.message.text.startsWith("/start") ? c.bare.start : c.bare.card;
    await ctx.api.sendMessage(ctx.chat.id, reply.text, keyboard(reply.button, "go"));
  });
  bot.on("callback_query", async (ctx) => {
    await ctx.api.sendMessage(ctx.chat!.id, c.bare.pressed);
  });
  bot.catch((err) => console.error("bare bot:", err.error));
  await new Promise<void>((started) => {
    void bot.start({ allowed_updates: ["message", "callback_query"], timeout: 5, onStart: () => started() });
  });
  return () => bot.stop();
}

let stop: Stop | undefined;
// Peak of each part of the memory, sampled (maxRSS says how much, not what: V8's heap, or memory
// outside it such as the database driver's and Prisma's engine).
const peak = { heapTotal: 0, heapUsed: 0, external: 0, rss: 0 };
// Only with BENCH_MEMORY (its breakdown is printed then): process.memoryUsage() walks V8's heap spaces,
// about a millisecond with the project's heap, 2 % of the bot's CPU profile at 20 samples a second. The
// peak RSS reported always comes from resourceUsage().maxRSS.
if (process.env.BENCH_MEMORY) {
  setInterval(() => {
    const m = process.memoryUsage();
    for (const k of Object.keys(peak) as Array<keyof typeof peak>) peak[k] = Math.max(peak[k], m[k] / 1048576);
  }, 50).unref();
}
process.on("message", (message: { start?: ContenderConfig; stop?: true; cpu?: true }) => {
  void (async () => {
    if (message.cpu) {
      // CPU time used so far (user + system), in ms: the driver takes the difference over a round.
      const { user, system } = process.cpuUsage();
      process.send!({ cpuMs: (user + system) / 1000 });
    } else if (message.start) {
      stop = message.start.kind === "project" ? await startProject(message.start) : await startBare(message.start);
      process.send!({ ready: true });
    } else if (message.stop) {
      if (process.env.BENCH_MEMORY && globalThis.gc) {
        globalThis.gc();
        console.error("live heap after the run MB", Math.round(process.memoryUsage().heapUsed / 1048576));
      }
      await stop?.();
      // resourceUsage().maxRSS is in kilobytes: the process's peak, start-up included.
      if (process.env.BENCH_MEMORY) console.error("peak MB", JSON.stringify(Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, Math.round(v)]))));
      process.send!({ maxRssMb: process.resourceUsage().maxRSS / 1024 }, () => process.exit(0));
    }
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
});
