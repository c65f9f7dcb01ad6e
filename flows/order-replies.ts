// A household answering an order notice in its own words, whatever step it is in (issue 20 part 3):
//   "1" … "4": the newest notice's choices (Nhận đơn, Từ chối, Gọi người mua, Chặn người mua này), or
//     the n-th order of a grouped notice, while nothing was said since the notice arrived;
//   "nhan", "ok nhan", "nhan don", "tu choi", "goi nguoi mua", "chan nguoi mua": the one waiting order,
//     or "which one?" when several wait;
//   "NHAN DH7K2F9Q": that order; a code with a slip gets "no order DH…, did you mean DH…?" (only among
//     the household's own open orders: another shop's code gets the same answer as one that does not exist).
// The engine asks this before matching the message to the question on screen (registry.actions.reply).
import { DECISIONS, type Decision, orderChoices } from "../src/core/order-notices.ts";
import type { OrderView } from "../src/core/orders.ts";
import { buttonsStep, choice, column, end, say, startFlow, type Flow, type FlowContext, type StepResult } from "../src/engine/flow.ts";
import { foldWords } from "../src/lang/normalize.ts";
import { typoDistance } from "../src/lang/product.ts";
import { ACTIONS } from "./orders.ts";

const MAX_TEXT = 60;
const CODE = /^dh[a-z0-9]{4,8}$/;

/** The phrases of one decision, folded ("nhan|nhan don|ok nhan"), from the locale. */
type Word = Decision | "open" | "pick";
const LABELS: Record<Word, string> = {
  acc: "orders:accept",
  dec: "orders:decline",
  call: "orders:callBuyer",
  block: "orders:block",
  open: "orders:keywords.open",
  pick: "orders:callPickup",
};

/**
 * Every folded phrase of every decision ("nhan", "ok nhan", "tu choi"…), from the locale, made once per
 * language: this is asked of every short message a household sends, at any step. Where two
 * decisions share a phrase, the first in DECISIONS order keeps it.
 */
const PHRASES = new Map<string, Map<string, Word>>();

function phraseTable(ctx: FlowContext): Map<string, Word> {
  let table = PHRASES.get(ctx.locale);
  if (!table) {
    table = new Map();
    for (const d of [...DECISIONS, "open", "pick"] as const) {
      const said = [ctx.t(`orders:keywords.${d}`), ...ctx.t(`orders:replyWords.${d}`).split("|")].map((p) => foldWords(p)).filter(Boolean);
      for (const phrase of said) if (!table.has(phrase)) table.set(phrase, d);
    }
    PHRASES.set(ctx.locale, table);
  }
  return table;
}

function decisionOf(ctx: FlowContext, words: string): Word | null {
  return words ? (phraseTable(ctx).get(words) ?? null) : null;
}

/** When the person last wrote before this message (null: unknown, then numbers are left to the question). */
const seenBefore = (ctx: FlowContext) => ctx.household?.seenBefore ?? null;

/** The orders the newest notice was about, if it came after the person's last message. */
async function unseenNotice(ctx: FlowContext, shopId: string): Promise<OrderView[]> {
  const since = seenBefore(ctx);
  if (!since) return [];
  const told = (o: OrderView) => Math.max(o.noticeAt?.getTime() ?? 0, o.remindedAt?.getTime() ?? 0);
  const fresh = await ctx.services.orders.toldSince(shopId, since);
  if (fresh.length <= 1) return fresh;
  // One grouped notice: the orders told in the same instant. Several notices: nothing to point into.
  return fresh.every((o) => told(o) === told(fresh[0])) ? fresh : [];
}

export async function replyToNotice(text: string, ctx: FlowContext, at: { freeText: boolean }): Promise<StepResult | null> {
  const shopId = ctx.household?.shop?.id;
  if (!shopId || text.length > MAX_TEXT) return null;
  const words = foldWords(text).split(" ").filter(Boolean);
  if (words.length === 0 || words.length > 6) return null;
  const code = words.find((w) => CODE.test(w));
  const rest = words.filter((w) => w !== code).join(" ");

  if (code) {
    const decision = decisionOf(ctx, rest);
    if (!decision) return null;
    return byCode(ctx, shopId, code.toUpperCase(), decision);
  }

  const number = /^(?:so )?([1-9])$/.exec(rest);
  if (number) {
    const notice = await unseenNotice(ctx, shopId);
    const n = Number(number[1]);
    if (notice.length === 1 && n <= DECISIONS.length) return ACTIONS[DECISIONS[n - 1]](ctx, notice[0].id);
    if (notice.length > 1 && n <= notice.length) return ACTIONS.open(ctx, notice[n - 1].id);
    return null;
  }

  const decision = decisionOf(ctx, rest);
  // "goi buu dien den lay hang": the accepted order waiting for a carrier (a bare "gui" is left to the step).
  if (decision === "pick" && words.length > 1) return pickupByWords(ctx, shopId);
  // A bare word at a name or address step stays the answer ("Nhàn" is a name).
  if (!decision || decision === "open" || decision === "pick" || (at.freeText && words.length === 1)) return null;
  const pending = await ctx.services.orders.pendingOfShop(shopId);
  if (pending.length === 0) return words.length > 1 ? end(say(ctx.t("orders:noneWaiting"))) : null;
  if (pending.length === 1) return ACTIONS[decision](ctx, pending[0].id);
  return startFlow("pickOrder", { action: decision });
}

async function pickupByWords(ctx: FlowContext, shopId: string): Promise<StepResult | null> {
  // Accepted and not yet collected, among the shop's recent orders (the ones a household talks about).
  const waiting = (await ctx.services.orders.ofShop(shopId, 20)).filter((o) => o.status === "accepted" && !o.pickup);
  if (waiting.length === 0) return null;
  return waiting.length === 1 ? ACTIONS.pick(ctx, waiting[0].id) : startFlow("orderList");
}

async function byCode(ctx: FlowContext, shopId: string, code: string, decision: Word): Promise<StepResult> {
  const open = await ctx.services.orders.openCodes(shopId);
  // Any order with that code: ownOrder (in ACTIONS) answers "not in your shop" for another shop's.
  const exact = open.find((o) => o.code === code) ?? (await ctx.services.orders.byCode(code));
  if (exact) return ACTIONS[decision](ctx, exact.id);
  const typed = code.slice(2);
  const near = open
    .map((o) => ({ o, d: typoDistance(typed, o.code.slice(2)) }))
    .filter((x) => x.d <= 2)
    .sort((a, b) => a.d - b.d);
  if (near.length === 0 || (near.length > 1 && near[1].d === near[0].d)) return end(say(ctx.t("orders:notYours")));
  const suggestion = near[0].o;
  const keyword = `${ctx.t(`orders:keywords.${decision}`)} ${suggestion.code}`;
  const label = `${ctx.t(LABELS[decision])} ${suggestion.code}`;
  return end(
    say(ctx.t("orders:didYouMean", { code, suggestion: suggestion.code }), {
      choices: [[{ id: `a.${decision}.${suggestion.id}`, label, keyword }]],
    }),
  );
}

/** "nhan" with several orders waiting: which one? */
export const pickOrder: Flow = {
  id: "pickOrder",
  first: "which",
  needsHousehold: true,
  steps: {
    which: buttonsStep({
      ask: async (ctx) => {
        const pending = await ctx.services.orders.pendingOfShop(ctx.household!.shop!.id);
        const rows = orderChoices(ctx.t, pending).map(([c]) => choice(c.id.replace(/^a\.open\./, ""), c.label));
        return say(ctx.t("orders:which", { count: pending.length }), { choices: column(...rows) });
      },
      on: (id, ctx) => ACTIONS[(ctx.data.action as string) ?? "open"](ctx, id),
    }),
  },
};
