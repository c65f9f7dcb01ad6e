// What a person meant by one inbound message, before anything else: a tap on a button of the question
// on screen (or a stale one), a menu, global or notification button, or a typed number or label that
// picks one of the buttons on screen. Everything else stays what it is (text, contact, photo).
import { matchChoice } from "../lang/choice.ts";
import { fold } from "../lang/normalize.ts";
import { parseCommand } from "./commands.ts";
import type { Answer, Step } from "./flow.ts";
import type { ChannelInfo, Inbound } from "./message.ts";
import type { ConversationState } from "./state.ts";

export type Resolved =
  | Answer
  | { kind: "menu"; id: string }
  | { kind: "global"; id: string }
  | { kind: "action"; id: string }
  | { kind: "stale" };

export function resolve(inbound: Inbound, state: ConversationState, channel: ChannelInfo, step: Step | undefined): Resolved {
  switch (inbound.kind) {
    case "choice":
      return resolveTap(inbound.choiceId ?? "", state);
    case "text": {
      const text = inbound.text ?? "";
      if (state.choices.length > 0 && !parseCommand(text)) {
        const index = matchOnScreen(text, state, channel, step);
        if (index !== null) {
          const id = state.choices[index].id;
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

/** A typed reply that picks a button: its label (any accents), or its number where buttons are numbered. */
function matchOnScreen(text: string, state: ConversationState, channel: ChannelInfo, step: Step | undefined): number | null {
  const labels = state.choices.map((c) => c.label);
  const numbers = channel.buttons === "numbered";
  if (step?.freeText) {
    // At a free-text step only an exact label (or number) counts: "Ngu" must stay a name, not pick "Nguyễn…".
    const folded = fold(text);
    const exact = labels.findIndex((l) => fold(l) === folded);
    if (exact >= 0) return exact;
    if (!numbers) return null;
    const n = /^\s*(?:so\s*)?#?(\d{1,2})\.?\s*$/.exec(folded);
    const i = n ? Number(n[1]) - 1 : -1;
    return i >= 0 && i < labels.length ? i : null;
  }
  return matchChoice(text, labels, { numbers });
}
