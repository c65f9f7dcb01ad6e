// The Telegram side of `npm run bench:turns`, in its own process so that it does not share the event loop
// with the bot being measured: a minimal Bot API (getUpdates long polling, sendMessage, and just enough
// else for grammY to start) plus the simulated users, who react to the bot's replies here, at once,
// without a round trip to the driver.
//   node --import tsx bench/turns-fake.ts      prints the port, then serves
// Control (from bench/turns.ts, JSON):
//   POST /control/scenario { scenario }   forget everything, set who sends what (see Scenario)
//   GET  /control/status                  { pollsWaiting, done, users, lastSendAt }
//   POST /control/go                      release the users' first updates (all at once, or paced)
//   GET  /control/report                  per-user outcome and per-update latencies (and the flood's replies)
import http from "node:http";

export interface Scenario {
  /** chat ids (private chats: chat id = user id) */
  userIds: number[];
  /** what each user sends first */
  text: string;
  /** users' first updates per second; 0 = all available at once (a burst) */
  rate: number;
  /**
   * "start": done on a reply carrying the button `doneButton`.
   * "listing": on a reply carrying the button `pressButton`, press it (a callback_query); done on a later
   * reply whose text is `doneText`.
   */
  kind: "start" | "listing";
  doneButton?: string;
  pressButton?: string;
  doneText?: string;
  /** one more chat that sends `count` messages at once, ahead of everyone (not counted among the users) */
  flood?: { userId: number; count: number; text: string };
}

interface Reply {
  at: number;
  text: string;
  buttons: Array<{ text: string; callback_data?: string }>;
  messageId: number;
}

interface UserState {
  /** when each of the user's updates became available to getUpdates, in order */
  updatesAt: number[];
  /** index in `replies` of the first reply after each update */
  updateFirstReply: number[];
  replies: Reply[];
  pressed: number;
  done: boolean;
  problem?: string;
}

interface QueuedUpdate {
  update_id: number;
  payload: Record<string, unknown>;
}

export interface UserReport {
  userId: number;
  replies: number;
  pressed: number;
  done: boolean;
  problem?: string;
  /** per update: ms from available to the first reply / to the last reply before the user's next update */
  firstMs: number[];
  wholeMs: number[];
}

export interface Report {
  startedAt: number;
  lastReplyAt: number;
  updates: number;
  users: UserReport[];
  otherCalls: Record<string, number>;
  /** messages the bot sent to the flooding chat */
  floodReplies: number;
}

const BOT = { id: 7_300_000_001, is_bot: true, first_name: "Bench", username: "bench_bot", can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false };

let scenario: Scenario | undefined;
let users = new Map<number, UserState>();
let queue: QueuedUpdate[] = [];
let nextUpdateId = 1;
let nextMessageId = 1;
let startedAt = 0;
let lastReplyAt = 0;
let doneCount = 0;
let updatesMade = 0;
let otherCalls: Record<string, number> = {};
let floodReplies = 0;
let pacer: NodeJS.Timeout | undefined;
/** Update ids keep counting across scenarios, like a bot's on the real server (no reset). */
/** long polls waiting for an update: resolved when one arrives */
let waiting: Array<{ offset: number; limit: number; answer: (updates: QueuedUpdate[]) => void }> = [];

const now = () => performance.now();
const unixNow = () => Math.floor(Date.now() / 1000);

function makeAvailable(userId: number, payload: Record<string, unknown>): void {
  const user = users.get(userId);
  if (user) {
    user.updatesAt.push(now());
    user.updateFirstReply.push(user.replies.length);
  }
  queue.push({ update_id: nextUpdateId++, payload });
  updatesMade++;
  const polls = waiting;
  waiting = [];
  for (const poll of polls) poll.answer(take(poll.offset, poll.limit));
}

/** getUpdates semantics: updates below `offset` are confirmed and forgotten, the rest is returned. */
function take(offset: number, limit: number): QueuedUpdate[] {
  if (offset > 0) {
    let drop = 0;
    while (drop < queue.length && queue[drop].update_id < offset) drop++;
    if (drop) queue = queue.slice(drop);
  }
  return queue.slice(0, limit);
}

const from = (id: number) => ({ id, is_bot: false, first_name: `Farmer ${id}`, language_code: "vi" });
const chat = (id: number) => ({ id, type: "private", first_name: `Farmer ${id}` });

function sendText(userId: number, text: string): void {
  const message: Record<string, unknown> = { message_id: nextMessageId++, date: unixNow(), chat: chat(userId), from: from(userId), text };
  if (text.startsWith("/")) message.entities = [{ type: "bot_command", offset: 0, length: text.split(" ")[0].length }];
  makeAvailable(userId, { message });
}

function press(userId: number, reply: Reply, data: string): void {
  const message = { message_id: reply.messageId, date: unixNow(), chat: chat(userId), from: BOT, text: reply.text };
  makeAvailable(userId, { callback_query: { id: `${userId}-${reply.messageId}`, from: from(userId), chat_instance: String(userId), message, data } });
}

function go(): void {
  if (!scenario) throw new Error("no scenario");
  const s = scenario;
  startedAt = now();
  if (s.flood) for (let i = 0; i < s.flood.count; i++) sendText(s.flood.userId, s.flood.text);
  if (s.rate <= 0) {
    for (const id of s.userIds) sendText(id, s.text);
    return;
  }
  // Paced arrivals: every 10 ms, the users whose arrival time has come.
  let released = 0;
  pacer = setInterval(() => {
    const due = Math.min(s.userIds.length, Math.floor(((now() - startedAt) / 1000) * s.rate) + 1);
    while (released < due) sendText(s.userIds[released++], s.text);
    if (released >= s.userIds.length) clearInterval(pacer);
  }, 10);
}

/** A reply arrived: what the simulated user does about it. */
function onReply(userId: number, reply: Reply): void {
  const s = scenario!;
  const user = users.get(userId);
  if (!user) return;
  user.replies.push(reply);
  lastReplyAt = reply.at;
  if (user.done) return;
  const finish = () => {
    user.done = true;
    doneCount++;
  };
  if (s.kind === "start") {
    if (reply.buttons.some((b) => b.text === s.doneButton)) finish();
    return;
  }
  const button = reply.buttons.find((b) => b.text === s.pressButton);
  if (button) {
    if (user.pressed > 0) user.problem = `the button "${s.pressButton}" came again`;
    user.pressed++;
    press(userId, reply, button.callback_data ?? "");
  } else if (user.pressed > 0 && reply.text === s.doneText) {
    finish();
  }
}

function report(): Report {
  const out: UserReport[] = [];
  for (const [userId, u] of users) {
    const firstMs: number[] = [];
    const wholeMs: number[] = [];
    u.updatesAt.forEach((at, i) => {
      const begin = u.updateFirstReply[i];
      const end = i + 1 < u.updatesAt.length ? u.updateFirstReply[i + 1] : u.replies.length;
      if (end > begin) {
        firstMs.push(u.replies[begin].at - at);
        wholeMs.push(u.replies[end - 1].at - at);
      }
    });
    out.push({ userId, replies: u.replies.length, pressed: u.pressed, done: u.done, problem: u.problem, firstMs, wholeMs });
  }
  return { startedAt, lastReplyAt, updates: updatesMade, users: out, otherCalls, floodReplies };
}

function reset(next: Scenario): void {
  clearInterval(pacer);
  scenario = next;
  users = new Map(next.userIds.map((id) => [id, { updatesAt: [], updateFirstReply: [], replies: [], pressed: 0, done: false }]));
  queue = [];
  startedAt = 0;
  lastReplyAt = 0;
  doneCount = 0;
  updatesMade = 0;
  otherCalls = {};
  floodReplies = 0;
}

type Json = Record<string, unknown>;

function botMethod(method: string, p: Json, answer: (result: unknown) => void): void {
  switch (method) {
    case "getUpdates": {
      const offset = Number(p.offset ?? 0);
      const limit = Math.min(100, Number(p.limit ?? 100));
      const ready = take(offset, limit);
      const timeout = Number(p.timeout ?? 0);
      if (ready.length || timeout <= 0) return answer(ready.map(toUpdate));
      const poll = { offset, limit, answer: (u: QueuedUpdate[]) => (clearTimeout(timer), answer(u.map(toUpdate))) };
      const timer = setTimeout(() => {
        waiting = waiting.filter((w) => w !== poll);
        answer([]);
      }, timeout * 1000);
      waiting.push(poll);
      return;
    }
    case "sendMessage": {
      const chatId = Number(p.chat_id);
      const markup = p.reply_markup as { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> } | undefined;
      const reply: Reply = { at: now(), text: String(p.text ?? ""), buttons: markup?.inline_keyboard?.flat() ?? [], messageId: nextMessageId++ };
      answer({ message_id: reply.messageId, date: unixNow(), chat: chat(chatId), from: BOT, text: reply.text, ...(markup?.inline_keyboard ? { reply_markup: markup } : {}) });
      if (chatId === scenario?.flood?.userId) floodReplies++;
      else onReply(chatId, reply);
      return;
    }
    case "getMe":
      return answer(BOT);
    default:
      // setMyCommands, deleteWebhook, answerCallbackQuery...: accepted, counted.
      otherCalls[method] = (otherCalls[method] ?? 0) + 1;
      return answer(true);
  }
}

const toUpdate = (u: QueuedUpdate) => ({ update_id: u.update_id, ...u.payload });

function control(path: string, body: Json): unknown {
  switch (path) {
    case "/control/scenario":
      reset(body.scenario as Scenario);
      return { ok: true };
    case "/control/go":
      go();
      return { ok: true };
    case "/control/status":
      return { pollsWaiting: waiting.length, done: doneCount, users: users.size, lastSendAt: lastReplyAt, now: now() };
    case "/control/report":
      return report();
    default:
      return undefined;
  }
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const raw = Buffer.concat(chunks).toString();
    const body = (raw ? JSON.parse(raw) : {}) as Json;
    const url = req.url ?? "";
    const json = (status: number, value: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
    if (url.startsWith("/control/")) {
      const result = control(url, body);
      return result === undefined ? json(404, { ok: false }) : json(200, result);
    }
    const match = /^\/bot[^/]+\/(\w+)/.exec(url);
    if (!match) return json(404, { ok: false, error_code: 404, description: "Not Found" });
    botMethod(match[1], body, (result) => json(200, { ok: true, result }));
  });
});
server.keepAliveTimeout = 120_000;
server.listen(0, "127.0.0.1", () => {
  console.log((server.address() as { port: number }).port);
});
