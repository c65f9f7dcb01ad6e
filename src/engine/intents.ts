// The intent layer: a request understood in a typed message ("xem don", "gia na bao nhieu", "het na
// roi", "ban 2 ta hoi kho 80k") is acted on whatever the conversation is doing.
//   At the main menu it runs at once.
//   In the middle of a step, a message that answers the step stays its answer: a tap or a typed
//   number or label matched to the buttons never gets here, and the step's own parser (`fits`) keeps
//   "50 kg" a quantity. Otherwise:
//     - price questions, help and greetings are answered and the question is asked again;
//     - cancel and back do what "huỷ" and "quay lại" do;
//     - anything else (orders, listings, sell, buy, sold out, a new price or quantity, announcements
//       off or on) is asked about once: switch to it, or carry on with the step and what was entered.
//       At a free-text step (a name, an address) "carry on" takes the text as the answer.
// Only `clear` understandings interrupt a step: a cue phrase or a complete listing (see intent.ts).
import { understand, type Intent, type Understanding } from "../lang/intent.ts";
import type { GlobalCommand } from "./commands.ts";
import type { Answer, FlowContext, Step, StepResult } from "./flow.ts";
import type { Outbound } from "./message.ts";
import { onScreen } from "./on-screen.ts";
import { park } from "./parked.ts";
import type { FlowRegistry } from "./registry.ts";
import type { ConversationState } from "./state.ts";

/** What the intent layer needs of a turn (see turn.ts). */
export interface TurnPort {
  readonly ctx: FlowContext;
  readonly state: ConversationState;
  readonly registry: FlowRegistry;
  readonly replies: Outbound[];
  global(command: GlobalCommand): Promise<void>;
  apply(result: StepResult): Promise<void>;
  ask(): Promise<void>;
  showMenu(): void;
  clearFlow(): void;
  answerStep(input: Answer, opts?: { asAnswer?: boolean }): Promise<void>;
}

/** Requests that are the engine's own commands: one vocabulary, one behaviour. */
const COMMANDS: Partial<Record<Intent, GlobalCommand>> = {
  cancel: "cancel",
  back: "back",
  help: "help",
  stop_broadcasts: "optOut",
  resume_broadcasts: "optIn",
};

/** Answered where the person is: the conversation stays at its step. */
const ANSWERED: ReadonlySet<Intent> = new Set(["price", "help", "greeting"]);

const MAX_ECHO = 40;

/** At the main menu: do what the message asks. False when it asks for nothing we do here. */
export async function runAtMenu(turn: TurnPort, text: string): Promise<boolean> {
  const { ctx } = turn;
  const u = understand(text, ctx.catalog.index);
  if (u.intent === "unknown") return false;
  // Someone without a shop (a buyer) may buy, and ask a price before buying; the guest menu follows.
  if (!ctx.household) {
    if (!u.clear || !offered(turn, u)) return false;
    if (u.intent === "buy") return act(turn, u, text);
    if (u.intent !== "price") return false;
    turn.replies.push(...(await turn.registry.intents!.answer(u, text, ctx)));
    return true;
  }
  if (u.intent === "greeting") {
    turn.replies.push({ text: ctx.t("common:intent.greeting") });
    turn.showMenu();
    return true;
  }
  const command = COMMANDS[u.intent];
  if (command) {
    await turn.global(command);
    return true;
  }
  if (!offered(turn, u)) return false;
  if (u.intent === "price") {
    turn.replies.push(...(await turn.registry.intents!.answer(u, text, ctx)));
    turn.showMenu();
    return true;
  }
  return act(turn, u, text);
}

/** In the middle of `step`: true when the message was a request and has been dealt with. */
export async function interceptStep(turn: TurnPort, step: Step, text: string): Promise<boolean> {
  const { ctx } = turn;
  const u = understand(text, ctx.catalog.index);
  if (!u.clear || u.intent === "unknown") return false;
  // Names and addresses hold everyday words ("Nguyễn Thị Bán", "ngõ 12 Láng Hạ"): at a free-text step
  // a request needs a cue of two words or more ("xem don", "het hang"), unless it is a question.
  if (step.freeText && !u.cue?.includes(" ") && !ANSWERED.has(u.intent)) return false;
  if (await step.fits?.(text, ctx, u.intent)) return false;
  if (u.intent === "cancel" || u.intent === "back" || u.intent === "help") {
    await turn.global(u.intent);
    return true;
  }
  if (u.intent === "greeting") {
    turn.replies.push({ text: ctx.t("common:intent.greeting") });
    await turn.ask();
    return true;
  }
  if (!offered(turn, u)) {
    // "xem don hang" typed by someone without a shop is no name or address either: say why not.
    if (ctx.household) return false;
    turn.replies.push({ text: ctx.t("common:registerFirst") });
    await turn.ask();
    return true;
  }
  if (u.intent === "price") {
    turn.replies.push(...(await turn.registry.intents!.answer(u, text, ctx)));
    await turn.ask();
    return true;
  }
  askToLeave(turn, step, text, u.intent);
  return true;
}

/** The answer to "switch, or carry on?": `leave` runs the request, otherwise the step goes on. */
export async function settleLeave(turn: TurnPort, pending: { text: string }, leave: boolean, step: Step | undefined): Promise<void> {
  if (leave) {
    const u = understand(pending.text, turn.ctx.catalog.index);
    if (await act(turn, u, pending.text)) return;
    return turn.ask();
  }
  if (step && keepsText(step)) return turn.answerStep({ kind: "text", text: pending.text }, { asAnswer: true });
  turn.replies.push({ text: turn.ctx.t("common:intent.carryOn") });
  return turn.ask();
}

function offered(turn: TurnPort, u: Understanding): boolean {
  return turn.registry.intents?.offers(u, turn.ctx) ?? false;
}

/** Run a request: the engine's command, or the flows' handler. False when there was nothing to do. */
async function act(turn: TurnPort, u: Understanding, text: string): Promise<boolean> {
  const command = COMMANDS[u.intent];
  if (command) {
    await turn.global(command);
    return true;
  }
  const result = await turn.registry.intents?.act(u, text, turn.ctx);
  if (!result) return false;
  if (Array.isArray(result)) {
    turn.replies.push(...result);
    if (turn.state.flow) await turn.ask();
    else turn.showMenu();
    return true;
  }
  park(turn); // a draft left for this request is offered back later (parked.ts)
  turn.clearFlow();
  await turn.apply(result);
  return true;
}

/** A free-text step could take the message itself as its answer (a name, an address). */
const keepsText = (step: Step) => !!step.freeText && step.accepts.includes("text");

function askToLeave(turn: TurnPort, step: Step, text: string, intent: Intent): void {
  const { t } = turn.ctx;
  const state = turn.state;
  const echo = text.trim().slice(0, MAX_ECHO);
  state.pending = { text, leave: intent };
  const options = [
    { id: "pending.leave", label: t(`common:intent.go.${intent}`), roles: ["yes" as const] },
    { id: "pending.stay", label: keepsText(step) ? t("common:intent.useAsAnswer", { text: echo }) : t("common:intent.stay"), roles: ["no" as const] },
  ];
  turn.replies.push(onScreen(state, t("common:intent.leaveQuestion"), options.map((c) => [c])));
}
