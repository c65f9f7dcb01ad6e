// What a person meant by one inbound message, before anything else: a tap on a button of the question
// on screen (or a stale one), a menu, global or notification button, or a typed answer that picks one
// of the buttons on screen ("2", "cai thu hai", "buu dien", "dung roi": lang/choice.ts), or two of them
// (the turn asks which). Everything else stays what it is (text, contact, photo).
import { readChoice, type ChoiceMatch } from "../lang/choice.ts";
import { parseCommand } from "./commands.ts";
import type { Answer, Step } from "./flow.ts";
import type { ChannelInfo, Inbound } from "./message.ts";
import type { ConversationState } from "./state.ts";

export type Resolved =
  | Answer
  | { kind: "menu"; id: string }
  | { kind: "global"; id: string }
  | { kind: "action"; id: string }
  /** the typed answer fits these options of the list on screen equally well */
  | { kind: "which"; indexes: number[] }
  | { kind: "stale" };

export function resolve(inbound: Inbound, state: ConversationState, channel: ChannelInfo, step: Step | undefined): Resolved {
  switch (inbound.kind) {
    case "choice":
      return resolveTap(inbound.choiceId ?? "", state);
    case "text": {
      const text = inbound.text ?? "";
      if (state.choices.length > 0 && !parseCommand(text)) {
        const match = matchOnScreen(text, state, channel, step);
        if (match.kind === "several") return { kind: "which", indexes: match.indexes };
        if (match.kind === "one") {
          const id = state.choices[match.index].id;
          // The language list is kept with its global ids: a typed "2" means the same as a tap.
          if (id.startsWith("a.")) return { kind: "action", id };
          return id.startsWith("g.") ? { kind: "global", id } : { kind: "choice", id };
        }
      }
      return { kind: "text", text };
    }
    case "contact":
      return { kind: "contact", phone: inbound.contact?.phone ?? "", isOwn: inbound.contact?.isOwn ?? false };
    case "photo":
      return { kind: "photo", ref: inbound.photo?.ref ?? "", caption: inbound.photo?.caption };
    default:
      return { kind: "unsupported" };
  }
}

function resolveTap(data: string, state: ConversationState): Resolved {
  if (data.startsWith("m.")) return { kind: "menu", id: data };
  if (data.startsWith("g.")) return { kind: "global", id: data };
  if (data.startsWith("a.")) return { kind: "action", id: data };
  const m = /^(\d+)\.(.+)$/.exec(data);
  if (m && Number(m[1]) === state.seq && state.choices.some((c) => c.id === m[2])) {
    return { kind: "choice", id: m[2] };
  }
  return { kind: "stale" };
}

/**
 * A typed reply that picks a button. At a free-text step (a name, an address) only the whole label, a
 * position or a yes/no word counts: "Ngu" must stay a name, not pick "Nguyễn…". A question about the
 * typed text itself (switch or carry on?) is no free-text step, whatever step is underneath.
 */
function matchOnScreen(text: string, state: ConversationState, channel: ChannelInfo, step: Step | undefined): ChoiceMatch {
  const strict = !!step?.freeText && !state.pending;
  return readChoice(text, state.choices, { numbers: channel.buttons === "numbered", strict });
}
