// No dead ends (#20): whatever a farmer or a buyer answers, the bot's last message of the turn offers a
// way forward: choices (numbered on Zalo, buttons on Telegram), a share-phone button, or the question
// of the step the conversation is at. And a choice that is offered works when its number is typed.
//
// The conversations are not scripted: a walker explores every flow the registry holds, as a Zalo user
// would (typed numbers, short natural answers, "huy", "quay lai"), always taking the answer it has tried
// least at the screen it is on. A household that registers, sells, edits and deletes; a buyer who
// orders from it; the household again, answering the order notices. A flow added to the registry is
// walked without changing this file, and the test fails if it is never reached (or lists it below with
// the reason).
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registry } from "../flows/index.ts";
import { createDb, type Db } from "../src/db/client.ts";
import { Engine } from "../src/engine/engine.ts";
import type { FlowContext } from "../src/engine/flow.ts";
import type { Outbound } from "../src/engine/message.ts";
import type { FlowRegistry } from "../src/engine/turn.ts";
import { parseState } from "../src/engine/state.ts";
import { tFor } from "../src/i18n/index.ts";
import { createServices } from "../src/core/services.ts";
import { CaptureChannel, inbound } from "./support/capture.ts";
import { createTestDatabase, type TestDatabase } from "./support/db.ts";

/** Flows a household or a buyer cannot reach: the officers' own (their way forward is the officer menu). */
const NOT_WALKED: Record<string, string> = {
  announce: "officers only (/thongbao)",
  assistedRegister: "officers only (/dangkyho)",
  officerHome: "officers only (/canbo)",
  answerReply: "officers only (a household's reply to an announcement)",
  referencePrice: "officers only (/giathamkhao)",
};

const t = tFor("vi", "numbered");
/** Answers that mean the typed number was not taken as the choice it names. */
const REFUSED = [t("common:choice.hint"), t("common:needNumber"), t("common:staleButton"), t("common:error")];

/** What people type, besides the numbers of the choices on screen. */
const WORDS = (phone: string) => [
  "Hoang Van Lam",
  phone,
  "chi lang",
  "ban 20 kg na 30k",
  "2 kg",
  "30k",
  "Thon Ban Lai xa Chi Lang",
  "xem don",
  "nhan don", // with several orders waiting: "which one?"
  "tu choi",
  "het hoi kho roi",
  "sua gia hoi kho 40k",
  "abc",
];

/** Answers that leave a step without answering it: tried at every screen, never taken as the way on. */
const LEAVING = new Set(["quay lai", "huy", "/xoataikhoan", "/mua"]);

const FARMER_TURNS = 60;
const BUYER_TURNS = 40;
const AGAIN_TURNS = 60;

/** Every step asked, as "flow.step": the registry's flows, each step's question recorded when asked. */
const asked = new Set<string>();
const walked: FlowRegistry = {
  ...registry,
  flows: Object.fromEntries(
    Object.entries(registry.flows).map(([id, flow]) => [
      id,
      {
        ...flow,
        steps: Object.fromEntries(
          Object.entries(flow.steps).map(([name, step]) => [name, { ...step, ask: (ctx: FlowContext) => (asked.add(`${id}.${name}`), step.ask(ctx)) }]),
        ),
      },
    ]),
  ),
};

const log = pino({ level: "silent" });
let database: TestDatabase;
let db: Db;
let engine: Engine;
const zalo = new CaptureChannel({ name: "zalo", buttons: "numbered", canShareContact: false, maxTextLength: 2000, unreadableMessages: true });

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  engine = new Engine({ db, registry: walked, log, provinceCode: "20" });
  engine.register(zalo);
});
afterAll(async () => {
  await db.$disconnect();
  await database.drop();
});

interface Finding {
  chat: string;
  after: string;
  said: string[];
}

class Walker {
  readonly tries = new Map<string, number>();
  readonly deadEnds: Finding[] = [];
  readonly refused: Finding[] = [];
  turns = 0;
  /** "where|answer": answers that moved the conversation on from there */
  private readonly onwards = new Set<string>();
  /** keyword answers each chat was shown ("NHAN DH…", "CHAN DH…") not tried yet: kept until tried */
  private readonly keywords = new Map<string, string[]>();
  /** messages of each chat already looked at */
  private readonly seen = new Map<string, number>();

  /**
   * Walk these chats for `turns` messages each, one message of each in turn (one after another, so
   * that a walk is the same every time); `first` opens each conversation.
   */
  async walk(people: Array<{ chat: string; phone: string }>, turns: number, first: string): Promise<void> {
    const screens = new Map<string, Screen>();
    for (const p of people) screens.set(p.chat, await this.send(p.chat, first));
    for (let i = 1; i < turns; i++) {
      for (const p of people) screens.set(p.chat, await this.step(p.chat, p.phone, screens.get(p.chat)!, i));
    }
  }

  private async step(chat: string, phone: string, screen: Screen, i: number): Promise<Screen> {
    {
      const kept = this.keywords.get(chat) ?? [];
      // A keyword in an earlier message of this turn stays on screen and stays good too ("• Gọi bưu điện:
      // gõ GUI DH…" above "Đã nhận tiền?"); numbers only ever answer the last list.
      const shown = [...screen.notices, ...screen.replies.slice(0, -1)];
      for (const k of shown.flatMap((m) => (m.choices ?? []).flat()).filter((c) => c.keyword).map((c) => c.keyword!)) if (!kept.includes(k)) kept.push(k);
      this.keywords.set(chat, kept);
      const { where, actions } = this.actionsAt(screen, phone, kept);
      const count = (a: { text: string }) => this.tries.get(`${where}|${a.text}`) ?? 0;
      const leastTried = (list: typeof actions) => list.reduce((best, a) => (count(a) < count(best) ? a : best));
      // Every answer once at every screen, but in a flow every other turn onwards, by an answer that
      // moved the conversation on from there before (else a walk would spend itself at the first steps).
      const untried = actions.find((a) => count(a) === 0);
      const onwards = actions.filter((a) => this.onwards.has(`${where}|${a.text}`));
      const explore = i % 2 === 1 || !where.includes("."); // the menus are where flows begin: always explored
      const pick = explore ? (untried ?? leastTried(onwards.length > 0 ? onwards : actions)) : onwards.length > 0 ? leastTried(onwards) : (untried ?? leastTried(actions));
      this.tries.set(`${where}|${pick.text}`, count(pick) + 1);
      if (kept.includes(pick.text)) kept.splice(kept.indexOf(pick.text), 1);
      const next = await this.send(chat, pick.text);
      if (this.where(next) !== where && !LEAVING.has(pick.text)) this.onwards.add(`${where}|${pick.text}`);
      if (pick.isChoice && next.replies.some((r) => REFUSED.some((x) => r.text.includes(x)))) {
        this.refused.push({ chat, after: `${where} ← "${pick.text}"`, said: next.replies.map((r) => r.text) });
      }
      return next;
    }
  }

  /**
   * What can be answered now: the numbers (or keywords) of the choices on screen, and at a step that
   * takes text the typed words (until one of them moved the conversation on: then only a wrong one
   * is still tried), "quay lai" and "huy".
   */
  private actionsAt(screen: Screen, phone: string, keywords: string[]): { where: string; actions: Array<{ text: string; isChoice: boolean }> } {
    const choices = (screen.replies.at(-1)?.choices ?? []).flat();
    const { flow, step } = screen.state;
    const where = this.where(screen);
    const takesText = flow ? walked.flows[flow]?.steps[step ?? ""]?.accepts.includes("text") : true;
    const numbers = choices.every((c) => c.keyword) ? choices.map((c) => c.keyword!) : choices.slice(0, 9).map((_, i) => String(i + 1));
    const words = takesText ? WORDS(phone) : ["abc"];
    const extra = flow ? [] : where === "menu" ? ["/xoataikhoan"] : ["/mua"];
    return {
      where,
      actions: [
        ...numbers.map((text) => ({ text, isChoice: true })),
        // Notices that came (a new order) carry keyword choices, "NHAN DH…": tried before the words.
        ...keywords.map((text) => ({ text, isChoice: true })),
        ...[...words, "quay lai", "huy", ...extra].map((text) => ({ text, isChoice: false })),
      ],
    };
  }

  /** The screen a chat is at: its flow's step, the main menu, or the guest menu. */
  private where(screen: Screen): string {
    const { flow, step } = screen.state;
    if (flow) return `${flow}.${step}`;
    return (screen.replies.at(-1)?.choices ?? []).flat().some((c) => c.id === "m.sell") ? "menu" : "guest";
  }

  private async send(chat: string, text: string): Promise<Screen> {
    const before = this.seen.get(chat) ?? 0;
    let result = await engine.handle(inbound(chat, { channel: "zalo", text }), { waitForDelivery: true });
    // Faster than a person can type: past the chat's flood allowance, wait a moment and say it again.
    while (result.status === "dropped") {
      await new Promise((r) => setTimeout(r, 200));
      result = await engine.handle(inbound(chat, { channel: "zalo", text }), { waitForDelivery: true });
    }
    expect(result.status, `"${text}" in chat ${chat}`).toBe("handled");
    this.turns += 1;
    const sent = (zalo.sent.get(chat) ?? []).slice(before);
    this.seen.set(chat, before + sent.length);
    const replies = result.replies;
    const row = await db.conversation.findUnique({ where: { channel_chatKey: { channel: "zalo", chatKey: chat } } });
    const state = parseState(row?.state);
    const last = replies.at(-1);
    // A way forward: choices, a share-phone button, or the question of the step the chat is at.
    if (!last || !(last.choices?.length || last.askContact || state.flow)) {
      this.deadEnds.push({ chat, after: `"${text}"`, said: replies.map((r) => r.text) });
    }
    return { replies, notices: sent.slice(0, sent.length - replies.length), state };
  }
}

/** Two pending orders at the first of these chats' shops, on a listing of its own made for them. */
async function twoOrdersWaiting(chats: string[]): Promise<void> {
  const services = createServices(db);
  for (const chat of chats) {
    const shop = (await services.households.byAccount("zalo", chat))?.shop;
    if (!shop) continue;
    const listing = await services.listings.create({ shopId: shop.id, productId: null, title: "Măng khô", unit: "kg", quantity: 100, displayUnit: "kg", priceVnd: 120_000 });
    for (const phone of ["+84987000001", "+84987000002"]) {
      const placed = await services.orders.place({
        listingId: listing.id,
        quantity: 2,
        buyer: { name: "Trần Thị Mai", phone, address: "12 Hàng Bạc", area: "Hà Nội" },
        buyerChannel: "web",
        source: "web",
      });
      expect(placed.ok).toBe(true);
    }
    return;
  }
  throw new Error("no farmer has a shop after the first walk");
}

/** A registered household with no shop row, talking on this chat. */
async function householdWithoutShop(chat: string, phone: string): Promise<void> {
  await db.household.create({
    data: {
      name: "Lương Văn Tám",
      phone: `+84${phone.replace(/\D/g, "").slice(1)}`,
      provinceCode: "20",
      communeCode: "06463",
      payment: "none",
      consentAt: new Date(),
      openedAt: new Date(),
      lastChannel: "zalo",
      accounts: { create: { channel: "zalo", userKey: chat, chatKey: chat } },
    },
  });
}

interface Screen {
  replies: Outbound[];
  /** messages to this chat that were not replies of this turn (notices caused by someone else) */
  notices: Outbound[];
  state: ReturnType<typeof parseState>;
}

describe(`no dead ends, walking every flow on the Zalo channel (${process.env.TEST_DB === "postgres" ? "PostgreSQL" : "SQLite"})`, () => {
  it("every turn ends with a way forward, and every typed choice number is taken", async () => {
    const walker = new Walker();
    const started = Date.now();
    // Several people, sharing what was tried: each explores what the others have not.
    const farmers = [1, 2, 3].map((i) => ({ chat: `farmer${i}`, phone: `0912 345 6${String(i).padStart(2, "0")}` }));
    const buyers = [1, 2].map((i) => ({ chat: `buyer${i}`, phone: `0913 456 7${String(i).padStart(2, "0")}` }));
    await walker.walk(farmers, FARMER_TURNS, "/start");
    await walker.walk(buyers, BUYER_TURNS, "/mua");
    // "nhan don" with two orders waiting asks which one (pickOrder): whatever the buyers did, the first
    // farmer with a shop gets two more orders from the web shop page before its second walk opens with it.
    await twoOrdersWaiting(farmers.map((f) => f.chat));
    // With them, a household whose shop row is gone (removed by hand): what is about its shop offers to open one.
    const shopless = { chat: "farmer9", phone: "0912 345 699" };
    await householdWithoutShop(shopless.chat, shopless.phone);
    await walker.walk([...farmers, shopless], AGAIN_TURNS, "nhan don");

    const steps = Object.entries(registry.flows).flatMap(([id, f]) => (id in NOT_WALKED ? [] : Object.keys(f.steps).map((s) => `${id}.${s}`)));
    const unreached = Object.keys(registry.flows).filter((f) => !(f in NOT_WALKED) && !steps.some((s) => s.startsWith(`${f}.`) && asked.has(s)));
    console.log(
      `walked ${walker.turns} turns in ${Date.now() - started} ms: ${steps.filter((s) => asked.has(s)).length} of ${steps.length} steps asked ` +
        `(not: ${steps.filter((s) => !asked.has(s)).join(", ")}), ${walker.deadEnds.length} dead ends, ${walker.refused.length} refused numbers`,
    );
    expect(walker.deadEnds).toEqual([]);
    expect(walker.refused).toEqual([]);
    expect(unreached, "flows never reached").toEqual([]);
  }, 120_000);
});
