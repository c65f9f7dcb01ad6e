// Per-conversation state, stored as JSON in the Conversation table with a version number.
import type { Choice } from "./message.ts";

export interface ConversationState {
  flow: string | null;
  step: string | null;
  /** the flow's own notes */
  data: Record<string, unknown>;
  /** steps visited in this flow, for "quay lại" */
  history: string[];
  /** bumped every time a question with buttons is shown: a tap on an older button is recognised as stale */
  seq: number;
  /** buttons of the question on screen (ids without the seq prefix) */
  choices: Choice[];
  /** language picked before registration (afterwards it lives on the account) */
  locale?: string;
  /** a reply keyboard (share-phone button) is on screen and should be taken away when done */
  keyboard?: boolean;
  /**
   * Waiting for one answer about a typed text: "huy" at a free-text step (cancel, or the answer?),
   * or a request typed in the middle of a step (`leave`: switch to it, or carry on with the step?).
   */
  pending?: { text: string; leave?: string };
  /** failed answers in a row at this step (after a few, we add a hint on how to get help) */
  misses?: number;
  /** a draft left for another request, offered back at the menu (parked.ts) */
  parked?: { flow: string; step: string; data: Record<string, unknown>; history: string[] };
}

export const emptyState = (): ConversationState => ({
  flow: null,
  step: null,
  data: {},
  history: [],
  seq: 0,
  choices: [],
});

export function parseState(json: string | null | undefined): ConversationState {
  if (!json) return emptyState();
  try {
    return { ...emptyState(), ...(JSON.parse(json) as Partial<ConversationState>) };
  } catch {
    return emptyState();
  }
}

/** Nothing worth keeping: the row can be deleted (declined consent, finished flow). A list still on
 * screen (the language list at the menu) is kept, so a typed number can be matched to it. */
export const isIdle = (s: ConversationState) => !s.flow && !s.pending && !s.parked && !s.locale && s.choices.length === 0;
