// A draft put aside: a household halfway through a listing asks for something else ("xem don" → switch).
// The flow's state (step, data, history) is kept in the conversation state, so it survives a restart,
// and the next time the main menu would be shown the draft is offered back instead: "Bạn còn tin đăng
// na dở, tiếp tục không?" → carry on where it was, or drop it. Only flows that can describe their
// draft (`Flow.resume`) are kept, and only once something was entered; one draft at a time.
// Typing anything else at that question does what it does at the menu; the draft waits.
import type { FlowContext } from "./flow.ts";
import type { Outbound } from "./message.ts";
import { onScreen } from "./on-screen.ts";
import type { FlowRegistry } from "./registry.ts";
import type { ConversationState } from "./state.ts";

interface Parking {
  readonly ctx: FlowContext;
  readonly state: ConversationState;
  readonly registry: FlowRegistry;
  readonly replies: Outbound[];
}

export const RESUME = "parked.resume";
export const DROP = "parked.drop";

/** Before leaving the current flow for another request: keep its draft if the flow says what it is. */
export function park(turn: Parking): void {
  const { state } = turn;
  const flow = state.flow ? turn.registry.flows[state.flow] : undefined;
  if (!flow?.resume || !state.step || !flow.resume(turn.ctx, state.data)) return;
  state.parked = { flow: flow.id, step: state.step, data: state.data, history: [...state.history] };
}

/** Instead of the menu: offer the kept draft back. False when there is none (or it can no longer be described). */
export function offerParked(turn: Parking): boolean {
  const { state, ctx } = turn;
  const parked = state.parked;
  if (!parked || state.flow || !ctx.household) return false;
  const question = turn.registry.flows[parked.flow]?.resume?.(ctx, parked.data);
  if (!question) {
    state.parked = undefined;
    return false;
  }
  const rows = [[{ id: RESUME, label: ctx.t("common:parked.resume"), roles: ["yes" as const] }], [{ id: DROP, label: ctx.t("common:parked.drop"), roles: ["no" as const] }]];
  turn.replies.push(onScreen(state, question, rows));
  return true;
}

/** The answer to the offer. `resume` puts the flow back where it was; the caller then asks its question. */
export function settleParked(turn: Parking, id: string): "resumed" | "dropped" | "gone" {
  const { state, ctx } = turn;
  const parked = state.parked;
  state.parked = undefined;
  if (!parked || !turn.registry.flows[parked.flow]?.steps[parked.step]) return "gone";
  if (id === DROP) {
    turn.replies.push({ text: ctx.t("common:parked.dropped") });
    return "dropped";
  }
  state.flow = parked.flow;
  state.step = parked.step;
  state.data = parked.data;
  state.history = parked.history;
  state.misses = 0;
  ctx.data = state.data;
  turn.replies.push({ text: ctx.t("common:intent.carryOn") });
  return "resumed";
}

/** "huỷ" while a draft is offered: the draft is what is being cancelled. */
export function dropParked(turn: Parking): boolean {
  if (!turn.state.parked || turn.state.flow) return false;
  turn.state.parked = undefined;
  turn.replies.push({ text: turn.ctx.t("common:parked.dropped") });
  return true;
}
