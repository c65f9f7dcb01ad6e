// A question's buttons as the engine keeps them: remembered in the state, so that a typed "2" or
// "buu dien" can be matched to them (resolve.ts), and numbered with the question's `seq`, so that a
// tap on an older question's button is recognised as stale.
import type { Choice, Outbound } from "./message.ts";
import type { ConversationState } from "./state.ts";

/** A question with these rows of options, now the one on screen. */
export function onScreen(state: ConversationState, text: string, rows: Choice[][]): Outbound {
  state.seq += 1;
  state.choices = rows.flat();
  const seq = state.seq;
  return { text, choices: rows.map((row) => row.map((c) => prefixed(seq, c))) };
}

/** Question buttons carry the question's number (stale taps are caught); menu, global and action ids never go stale. */
export const prefixed = (seq: number, c: Choice): Choice =>
  /^[mga]\./.test(c.id) ? c : { id: `${seq}.${c.id}`, label: c.label };
