// No dead ends (#20): every turn ends with something the person can do next. A question on screen is
// one; otherwise (a flow ended, "nothing here", a notice answered) the main menu follows, or, for
// someone without a shop, the guest menu (open a shop, buy), which is matched like the main menu:
// typed "2" or its label, nothing kept in the conversation.
import { matchChoice } from "../lang/choice.ts";
import type { Choice } from "./message.ts";
import type { TurnPort } from "./intents.ts";

/** The guest menu's options for this person (none for an officer, whose way forward is their own). */
export async function guestItems(turn: Pick<TurnPort, "ctx" | "registry">): Promise<Choice[]> {
  return ((await turn.registry.menu.guest?.(turn.ctx))?.choices ?? []).flat();
}

/** Called last in a turn: adds the menu (or the guest menu) when the turn would end without a way forward. */
export async function offerWayForward(turn: TurnPort): Promise<void> {
  const { state, replies, ctx } = turn;
  if (state.flow || state.pending) return;
  const last = replies.at(-1);
  if (!last || last.choices?.length || last.askContact) return;
  if (ctx.household) return turn.showMenu();
  const guest = await turn.registry.menu.guest?.(ctx);
  if (guest) replies.push(guest);
}

/** A guest's typed "2" or "mua nong san": the id of the guest menu option it names, or null. */
export async function guestChoice(turn: Pick<TurnPort, "ctx" | "registry">, text: string): Promise<string | null> {
  const items = await guestItems(turn);
  const index = matchChoice(text, items.map((c) => c.label), { numbers: turn.ctx.channel.buttons === "numbered", strict: true });
  return index === null ? null : items[index].id;
}
