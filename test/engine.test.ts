// Engine guarantees that must hold with several instances on one database: each update handled once,
// conversations never advanced twice from the same state, failures change nothing.
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registry } from "../flows/index.ts";
import { createDb, type Db } from "../src/db/client.ts";
import { Engine } from "../src/engine/engine.ts";
import type { Outbound, SendResult } from "../src/engine/message.ts";
import { end, type Step } from "../src/engine/flow.ts";
import type { FlowRegistry } from "../src/engine/turn.ts";
import { CaptureChannel, inbound } from "./support/capture.ts";
import { createTestDatabase, type TestDatabase } from "./support/db.ts";
import { within } from "./support/within.ts";

// Two engine instances on one SQLite file in one process would block each other (better-sqlite3 waits
// synchronously); several instances are the PostgreSQL deployment, so those cases run there.
const isPg = process.env.TEST_DB === "postgres";
/** handle() resolves at the commit; these tests read what was sent next */
const DELIVERED = { waitForDelivery: true };
const log = pino({ level: process.env.TEST_LOG ?? "silent" });
let database: TestDatabase;
let dbA: Db;
let dbB: Db;

function instance(db: Db, flows: FlowRegistry = registry, channel = new CaptureChannel()) {
  const engine = new Engine({ db, registry: flows, log, provinceCode: "20" });
  engine.register(channel);
  return { engine, channel };
}

/** The registration flow with its name step answered by `answer` instead. */
function withNameStep(answer: Step["answer"]): FlowRegistry {
  const register = registry.flows.register;
  return { ...registry, flows: { ...registry.flows, register: { ...register, steps: { ...register.steps, name: { ...register.steps.name, answer } } } } };
}

/** The registration flow with its name step failing. */
const broken = withNameStep(() => Promise.reject(new Error("boom at name")));

/**
 * The registration flow with its name step ending the flow (back at the menu, so the conversation row
 * is deleted), once `gate` opens: a turn held between reading the conversation and writing it.
 */
const heldAtName = (gate: Promise<void>, reached: () => void) =>
  withNameStep(async () => {
    reached();
    await gate;
    return end();
  });

/** Records like CaptureChannel, but answers each send after a moment, with what `answer` says for the chat. */
class SlowChannel extends CaptureChannel {
  constructor(private readonly answer: (chatKey: string) => SendResult = () => ({ ok: true })) {
    super();
  }
  override async send(chatKey: string, messages: Outbound[]): Promise<SendResult> {
    await new Promise((r) => setTimeout(r, 20));
    await super.send(chatKey, messages);
    return this.answer(chatKey);
  }
}

async function conversation(chatKey: string) {
  return dbA.conversation.findUnique({ where: { channel_chatKey: { channel: "telegram", chatKey } } });
}

beforeAll(async () => {
  database = await createTestDatabase();
  dbA = createDb(database.url);
  dbB = createDb(database.url);
});
afterAll(async () => {
  await dbA.$disconnect();
  await dbB.$disconnect();
  await database.drop();
});

describe(`engine on ${process.env.TEST_DB === "postgres" ? "PostgreSQL" : "SQLite"}`, () => {
  it("handles a redelivered update once", async () => {
    const { engine, channel } = instance(dbA);
    const start = inbound("100", { text: "/start" });
    expect((await engine.handle(start, DELIVERED)).status).toBe("handled");
    const again = await engine.handle({ ...start }, DELIVERED);
    expect(again).toMatchObject({ status: "duplicate", replies: [], locale: "vi" });
    expect(again.notifications).toBeUndefined();
    expect(channel.texts("100")).toHaveLength(1); // greeting + consent in one message, once
    expect(channel.texts("100")[0]).toMatch(/^Chào bạn!.*\n\n.*Bạn đồng ý chứ\?$/);
  });

  it.runIf(isPg)("lets only one of two instances handle the same update delivered to both", async () => {
    const a = instance(dbA);
    const b = instance(dbB);
    await a.engine.handle(inbound("200", { text: "/start" }), DELIVERED);
    const tap = inbound("200", { kind: "choice", choiceId: a.channel.button("200", "✅ Đồng ý") });
    const results = await Promise.all([a.engine.handle(tap, DELIVERED), b.engine.handle({ ...tap }, DELIVERED)]);
    expect(results.map((r) => r.status).sort()).toEqual(["duplicate", "handled"]);
    const state = JSON.parse((await conversation("200"))!.state);
    expect(state.step).toBe("name");
    expect(state.history).toEqual(["consent"]);
  });

  it("moves a conversation on by one version a turn, and deletes it when the person is back at the menu", async () => {
    const { engine, channel } = instance(dbA);
    await engine.handle(inbound("250", { text: "/start" }), DELIVERED);
    const first = (await conversation("250"))!;
    await engine.handle(inbound("250", { kind: "choice", choiceId: channel.button("250", "✅ Đồng ý") }), DELIVERED);
    const second = (await conversation("250"))!;
    expect([second.id, second.version, JSON.parse(second.state).step]).toEqual([first.id, first.version + 1, "name"]);
    await engine.handle(inbound("250", { text: "huy" }), DELIVERED); // a name, or cancel? it asks
    const cancel = await engine.handle(inbound("250", { kind: "choice", choiceId: channel.button("250", "Huỷ") }), DELIVERED);
    expect(cancel.status).toBe("handled");
    expect(channel.texts("250").at(-1)).toMatch(/^Đã huỷ đăng ký/);
    expect(await conversation("250")).toBeNull();
  });

  it.runIf(isPg)("never advances a conversation twice from the same state (two instances, two messages)", async () => {
    const a = instance(dbA);
    const b = instance(dbB);
    await a.engine.handle(inbound("300", { text: "/start" }), DELIVERED);
    await a.engine.handle(inbound("300", { kind: "choice", choiceId: a.channel.button("300", "✅ Đồng ý") }), DELIVERED);
    const before = (await conversation("300"))!.version;
    // Two different messages race on two instances; whichever is second must see the first's result.
    await Promise.all([
      a.engine.handle(inbound("300", { text: "Hà Văn Tú" }), DELIVERED),
      b.engine.handle(inbound("300", { text: "Lò Thị Bình" }), DELIVERED),
    ]);
    const row = (await conversation("300"))!;
    expect(row.version).toBe(before + 2);
    const state = JSON.parse(row.state);
    // One message was taken as the name; the other then arrived at the phone question and was refused.
    expect(state.step).toBe("phone");
    expect(state.history).toEqual(["consent", "name"]);
    expect(["Hà Văn Tú", "Lò Thị Bình"]).toContain(state.data.name);
  });

  it.runIf(isPg)("does not end a conversation another instance moved on meanwhile; the turn runs again on the new state", async () => {
    const b = instance(dbB);
    await b.engine.handle(inbound("310", { text: "/start" }), DELIVERED);
    await b.engine.handle(inbound("310", { kind: "choice", choiceId: b.channel.button("310", "✅ Đồng ý") }), DELIVERED);
    let open!: () => void;
    let reached!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const atName = new Promise<void>((r) => (reached = r));
    const a = instance(dbA, heldAtName(gate, () => reached()));
    // A reads the conversation at the name step and is held there; B takes a name meanwhile.
    const held = a.engine.handle(inbound("310", { text: "Hà Văn Tú" }), DELIVERED);
    await atName;
    await b.engine.handle(inbound("310", { text: "Lò Thị Bình" }), DELIVERED);
    open();
    await held;
    // A's ending (a deletion) would lose B's step; instead A ran again at the phone question.
    const row = await conversation("310");
    expect(row).not.toBeNull();
    const state = JSON.parse(row!.state);
    expect(state.step).toBe("phone");
    expect(state.data.name).toBe("Lò Thị Bình");
    // A's answer is that of the phone question (its text is no phone), not the held step's ending.
    expect(a.channel.texts("310")).toEqual([expect.stringMatching(/^Mình chưa đọc được số điện thoại/)]);
  });

  it("answers a failing step with an apology, keeps the state and does not retry the update", async () => {
    const { engine, channel } = instance(dbA, broken);
    await engine.handle(inbound("400", { text: "/start" }), DELIVERED);
    await engine.handle(inbound("400", { kind: "choice", choiceId: channel.button("400", "✅ Đồng ý") }), DELIVERED);
    const before = await conversation("400");
    const failing = inbound("400", { text: "Nông Văn Dền" });
    expect((await engine.handle(failing, DELIVERED)).status).toBe("failed");
    expect(channel.last("400")!.text).toMatch(/trục trặc/);
    expect(channel.texts("400").join("\n")).not.toMatch(/boom|Error|at /);
    expect(await conversation("400")).toEqual(before);
    expect((await engine.handle({ ...failing }, DELIVERED)).status).toBe("duplicate");
  });

  it.runIf(isPg)("the same failing update on two instances at once: one apology, never two", async () => {
    const a = instance(dbA, broken);
    const b = instance(dbB, broken);
    for (const chatKey of ["410", "411", "412", "413", "414", "415"]) {
      await a.engine.handle(inbound(chatKey, { text: "/start" }), DELIVERED);
      await a.engine.handle(inbound(chatKey, { kind: "choice", choiceId: a.channel.button(chatKey, "✅ Đồng ý") }), DELIVERED);
      const failing = inbound(chatKey, { text: "Nông Văn Dền" });
      const outcomes = await Promise.all([a.engine.handle(failing, DELIVERED), b.engine.handle({ ...failing }, DELIVERED)]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(["duplicate", "failed"]);
      const apologies = [...a.channel.texts(chatKey), ...b.channel.texts(chatKey)].filter((t) => /trục trặc/.test(t));
      expect(apologies).toHaveLength(1);
    }
  });

  it("recognises a tap on an old button and asks the current question again", async () => {
    const { engine, channel } = instance(dbA);
    await engine.handle(inbound("500", { text: "/start" }), DELIVERED);
    const oldYes = channel.button("500", "✅ Đồng ý");
    await engine.handle(inbound("500", { kind: "choice", choiceId: oldYes }), DELIVERED);
    await engine.handle(inbound("500", { kind: "choice", choiceId: oldYes }), DELIVERED);
    expect(channel.texts("500").at(-1)).toBe("Nút này đã cũ. Bạn dùng câu hỏi mới nhất bên dưới nhé.\n\nTên chủ hộ là gì? Người mua sẽ thấy tên này.");
  });

  it("keeps messages of one chat in order when they arrive together", async () => {
    const { engine, channel } = instance(dbA);
    await engine.handle(inbound("600", { text: "/start" }), DELIVERED);
    const yes = channel.button("600", "✅ Đồng ý");
    await Promise.all([
      engine.handle(inbound("600", { kind: "choice", choiceId: yes }), DELIVERED),
      engine.handle(inbound("600", { text: "Vi Văn Thắng" }), DELIVERED),
      engine.handle(inbound("600", { text: "0987654321" }), DELIVERED),
    ]);
    const state = JSON.parse((await conversation("600"))!.state);
    expect(state.step).toBe("commune");
    expect(state.data).toMatchObject({ name: "Vi Văn Thắng", phone: "+84987654321" });
  });

  // Turns that arrive together are committed together (group-commit.ts); each must still get exactly
  // its own replies and state, and one that cannot commit must not take the others down with it.
  it("answers each chat of a burst with its own replies, a redelivery among them once", async () => {
    const { engine, channel } = instance(dbA);
    const earlier = inbound("1700", { text: "/start" });
    await engine.handle(earlier, DELIVERED);
    await engine.handle(inbound("1700", { kind: "choice", choiceId: channel.button("1700", "✅ Đồng ý") }), DELIVERED);
    const chats = ["1701", "1702", "1703", "1704", "1705"];
    const outcomes = await Promise.all([
      ...chats.map((chat) => engine.handle(inbound(chat, { text: "/start" }), DELIVERED)),
      engine.handle(inbound("1700", { text: "Hoàng Văn Pò" }), DELIVERED),
      engine.handle({ ...earlier }, DELIVERED),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual([...chats.map(() => "handled"), "handled", "duplicate"]);
    for (const chat of chats) {
      expect(channel.texts(chat)).toHaveLength(1);
      expect(channel.texts(chat)[0]).toMatch(/Bạn đồng ý chứ\?$/);
      expect(JSON.parse((await conversation(chat))!.state).step).toBe("consent");
    }
    expect(channel.texts("1700")).toHaveLength(3); // the greeting, the name question, the phone question
    expect(channel.last("1700")!.text).toMatch(/số điện thoại/i);
    expect(JSON.parse((await conversation("1700"))!.state).data.name).toBe("Hoàng Văn Pò");
  });

  it("lets a turn that fails in a burst fail alone: the others are answered and saved", async () => {
    const broken = withNameStep((input, ctx) =>
      input.kind === "text" && input.text === "boom" ? Promise.reject(new Error("boom at name")) : registry.flows.register.steps.name.answer(input, ctx),
    );
    const { engine, channel } = instance(dbA, broken);
    const chats = ["1801", "1802", "1803"];
    for (const chat of chats) {
      await engine.handle(inbound(chat, { text: "/start" }), DELIVERED);
      await engine.handle(inbound(chat, { kind: "choice", choiceId: channel.button(chat, "✅ Đồng ý") }), DELIVERED);
    }
    const before = await conversation("1802");
    const outcomes = await Promise.all([
      engine.handle(inbound("1801", { text: "Lăng Văn Một" }), DELIVERED),
      engine.handle(inbound("1802", { text: "boom" }), DELIVERED),
      engine.handle(inbound("1803", { text: "Lăng Thị Ba" }), DELIVERED),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["handled", "failed", "handled"]);
    expect(channel.last("1802")!.text).toMatch(/trục trặc/);
    expect(await conversation("1802")).toEqual(before);
    for (const [chat, name] of [["1801", "Lăng Văn Một"], ["1803", "Lăng Thị Ba"]]) {
      const state = JSON.parse((await conversation(chat))!.state);
      expect([state.step, state.data.name]).toEqual(["phone", name]);
      expect(channel.last(chat)!.text).toMatch(/số điện thoại/i);
    }
  });

  it("answers a flooding chat's first 60 messages, drops the rest with one polite word, and others go on", async () => {
    const { engine, channel } = instance(dbA);
    const flood = Array.from({ length: 250 }, (_, i) => engine.handle(inbound("1900", { text: i === 0 ? "/start" : "xin chao" }), DELIVERED));
    const other = engine.handle(inbound("1901", { text: "/start" }), DELIVERED);
    const outcomes = await Promise.all(flood);
    expect((await other).status).toBe("handled");
    expect(channel.texts("1901")).toHaveLength(1);
    const statuses = outcomes.map((o) => o.status);
    // 60 at once (FLOOD.burst); the allowance refills at 10 a second, so the slow machine may let a
    // few more through while the first ones run, never the 250.
    const handled = statuses.filter((s) => s === "handled").length;
    expect(statuses.slice(0, 60).every((s) => s === "handled")).toBe(true);
    expect(handled).toBeLessThan(80);
    expect(statuses.filter((s) => s === "dropped")).toHaveLength(250 - handled);
    const texts = channel.texts("1900");
    expect(texts.filter((t) => /gửi nhanh quá/.test(t))).toHaveLength(1);
    expect(texts).toHaveLength(handled + 1);
    // A second later the allowance has grown again: the chat is answered as usual.
    await new Promise((r) => setTimeout(r, 1000));
    expect((await engine.handle(inbound("1900", { text: "xin chao" }), DELIVERED)).status).toBe("handled");
  });

  it("runs the after-turn listeners after each handled turn, not after a duplicate or a failed one", async () => {
    const { engine, channel } = instance(dbA, broken);
    let runs = 0;
    engine.onAfterTurn(() => (runs += 1));
    const start = inbound("700", { text: "/start" });
    await engine.handle(start, DELIVERED);
    expect(runs).toBe(1);
    await engine.handle({ ...start }, DELIVERED); // duplicate
    expect(runs).toBe(1);
    await engine.handle(inbound("700", { kind: "choice", choiceId: channel.button("700", "✅ Đồng ý") }), DELIVERED);
    expect(runs).toBe(2);
    expect((await engine.handle(inbound("700", { text: "Nông Thị Hoa" }), DELIVERED)).status).toBe("failed");
    expect(runs).toBe(2);
  });

  it("sendTo: false, and nothing written, for a channel not running here or nothing to send; otherwise delivered", async () => {
    const { engine, channel } = instance(dbA);
    const owed = () => dbA.chatOutbox.count({ where: { chatKey: "710" } });
    expect(engine.hasChannel("telegram")).toBe(true);
    expect(engine.hasChannel("zalo")).toBe(false);
    expect(() => engine.channelInfo("zalo")).toThrow("channel zalo is not registered");
    expect(await engine.sendTo({ channel: "zalo", chatKey: "710", locale: "vi" }, [{ text: "Đơn mới" }])).toBe(false);
    expect(await engine.sendTo({ channel: "telegram", chatKey: "710", locale: "vi" }, [])).toBe(false);
    expect(await owed()).toBe(0);
    expect(await engine.sendTo({ channel: "telegram", chatKey: "710", locale: "vi" }, [{ text: "Đơn mới" }, { text: "Đơn thứ hai" }])).toBe(true);
    expect(channel.texts("710")).toEqual(["Đơn mới", "Đơn thứ hai"]);
  });

  it("idle() waits for the queued turns and their replies; turnsDone() for the turns", async () => {
    const { engine, channel } = instance(dbA, registry, new SlowChannel());
    void engine.handle(inbound("720", { text: "/start" }));
    await engine.turnsDone();
    expect(await conversation("720")).not.toBeNull(); // committed: the consent question is open
    await engine.idle();
    expect(channel.texts("720")).toHaveLength(1);
    expect(channel.texts("720")[0]).toMatch(/Bạn đồng ý chứ\?$/);
    // nothing queued: both resolve at once
    await engine.turnsDone();
    await engine.idle();
  });

  it("a chat that blocked the bot is marked unreachable; a message the platform rejects does not mark it", async () => {
    const answers: Record<string, SendResult> = { "730": { ok: false, reason: "blocked" }, "731": { ok: false, reason: "rejected" } };
    const { engine } = instance(dbA, registry, new SlowChannel((chatKey) => answers[chatKey]));
    for (const chatKey of ["730", "731"]) {
      await dbA.channelAccount.create({ data: { channel: "telegram", userKey: chatKey, chatKey } });
      expect(await engine.sendTo({ channel: "telegram", chatKey, locale: "vi" }, [{ text: "Đơn mới" }])).toBe(true);
    }
    const account = (chatKey: string) => dbA.channelAccount.findFirstOrThrow({ where: { channel: "telegram", chatKey } });
    expect((await account("730")).unreachable).toBe(true);
    expect((await account("731")).unreachable).toBe(false);
  });

  it("with the database down, a message gets no answer and handle() still resolves (failed, nothing to send)", async () => {
    const down = new Proxy(dbA, {
      get: (target, prop, receiver) => (prop === "$transaction" ? () => Promise.reject(new Error("database down")) : Reflect.get(target, prop, receiver)),
    });
    const { engine, channel } = instance(down);
    const outcome = await engine.handle(inbound("740", { text: "/start", languageHint: "en" }), DELIVERED);
    expect(outcome).toMatchObject({ status: "failed", replies: [], locale: "vi" });
    expect(channel.texts("740")).toEqual([]);
  });

  it("outbox rows are leased for 30 s by default; at start, delivery takes every row left on SQLite (one process), only rows whose lease is over on PostgreSQL", async () => {
    const engine = new Engine({ db: dbA, postgres: isPg, registry, log, provinceCode: "20" });
    let lastSent!: () => void;
    const sentLast = new Promise<void>((r) => (lastSent = r));
    const channel = new (class extends CaptureChannel {
      override async send(chatKey: string, messages: Outbound[]): Promise<SendResult> {
        const result = await super.send(chatKey, messages);
        if (chatKey === "751") lastSent();
        return result;
      }
    })();
    engine.register(channel);

    const [written] = await dbA.$transaction((tx) => engine.outbox.write(tx, [{ to: { channel: "telegram", chatKey: "752", locale: "vi" }, messages: [{ text: "x" }] }], 1_000));
    expect((await dbA.chatOutbox.findUniqueOrThrow({ where: { id: written.id } })).leaseUntil).toBe(31_000);
    await dbA.chatOutbox.delete({ where: { id: written.id } });

    // left by an instance that stopped: one row still within its lease, one past it
    const now = Date.now();
    await dbA.chatOutbox.create({ data: { channel: "telegram", chatKey: "750", locale: "vi", message: JSON.stringify({ text: "leased" }), leaseUntil: now + 60_000 } });
    await dbA.chatOutbox.create({ data: { channel: "telegram", chatKey: "751", locale: "vi", message: JSON.stringify({ text: "lease over" }), leaseUntil: now - 1 } });
    engine.startDelivery();
    try {
      await within(sentLast, 10_000, "the row past its lease sent at start");
      await engine.idle(); // both rows came from the same first claim
      expect(channel.texts("751")).toEqual(["lease over"]);
      expect(channel.texts("750")).toEqual(isPg ? [] : ["leased"]);
    } finally {
      await engine.stopDelivery();
      await dbA.chatOutbox.deleteMany({ where: { chatKey: "750" } });
    }
  });

  it("reads the person's account for a fresh turn (their language), and reports each turn's outcome and time to the observer", async () => {
    const turns: Array<{ status: string; seconds: number; window?: number }> = [];
    const engine = new Engine({
      db: dbA,
      registry,
      log,
      provinceCode: "20",
      observer: { turn: (_channel, status, seconds) => turns.push({ status, seconds }), sent: () => undefined },
    });
    const channel = new CaptureChannel();
    engine.register(channel);
    const seenBefore = new Date("2026-01-01T00:00:00Z");
    await dbA.channelAccount.create({ data: { channel: "telegram", userKey: "800", chatKey: "800", locale: "en", lastSeenAt: seenBefore } });
    const start = inbound("800", { text: "/start" });

    /** handles the update, and notes how long the handling took as seen from outside */
    const timed = async () => {
      const began = performance.now();
      const outcome = await engine.handle({ ...start }, DELIVERED);
      turns.at(-1)!.window = (performance.now() - began) / 1000;
      return outcome;
    };
    expect((await timed()).status).toBe("handled");
    expect(channel.texts("800")).toHaveLength(1);
    expect(channel.texts("800")[0]).toMatch(/^Hello! Chợ Số helps farming families/);
    const seen = (await dbA.channelAccount.findUniqueOrThrow({ where: { channel_userKey: { channel: "telegram", userKey: "800" } } })).lastSeenAt;
    expect(seen.getTime()).toBeGreaterThan(seenBefore.getTime());

    expect((await timed()).status).toBe("duplicate");
    expect(channel.texts("800")).toHaveLength(1);
    expect(turns.map((t) => t.status)).toEqual(["handled", "duplicate"]);
    // each turn's time, in seconds, lies within the time its handle() call took
    for (const turn of turns) {
      expect(turn.seconds).toBeGreaterThanOrEqual(0);
      expect(turn.seconds).toBeLessThanOrEqual(turn.window!);
    }
  });

  it("a turn's delivery waits only for its own replies, not for those of the turns committed with it", async () => {
    let releaseSlow!: () => void;
    const slowGate = new Promise<void>((r) => (releaseSlow = r));
    const channel = new (class extends CaptureChannel {
      override async send(chatKey: string, messages: Outbound[]): Promise<SendResult> {
        if (chatKey === "811") await slowGate; // this chat's platform is slow to answer
        return super.send(chatKey, messages);
      }
    })();
    const { engine } = instance(dbA, registry, channel);
    // Handed over together, so they commit as one group or as groups right after one another.
    const outcomes = await Promise.all(["810", "811", "812"].map((chat) => engine.handle(inbound(chat, { text: "/start" }))));
    expect(outcomes.map((o) => o.status)).toEqual(["handled", "handled", "handled"]);
    await within(Promise.all([outcomes[0].delivered, outcomes[2].delivered]), 10_000, "the other chats' replies delivered while one chat's send hangs");
    expect(channel.texts("810")).toHaveLength(1);
    expect(channel.texts("812")).toHaveLength(1);
    expect(channel.texts("811")).toEqual([]);
    releaseSlow();
    await within(outcomes[1].delivered, 10_000, "the slow chat's reply");
    expect(channel.texts("811")).toHaveLength(1);
  });
});
