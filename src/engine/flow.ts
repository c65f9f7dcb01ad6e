// The vocabulary flows are written in. A flow is a set of named steps; each step says what to ask and
// how to understand the answer, and answers with where to go next. The engine does the rest: it keeps
// the step history (for "quay lại"), handles cancel/help/menu, re-asks after a bad answer, maps typed
// numbers or labels to buttons, and persists everything between messages.
import type { TFunction } from "i18next";
import type { ChoiceRole } from "../lang/choice.ts";
import type { Intent } from "../lang/intent.ts";
import type { Catalog } from "../core/catalog.ts";
import type { Services } from "../core/services.ts";
import type { HouseholdView } from "../core/households.ts";
import type { NotifyTarget } from "../core/notify.ts";
import type { OrderCaps } from "../core/order-caps.ts";
import type { QuotePeek } from "../core/shipping-quotes.ts";
import type { PricePeek } from "../core/price-board.ts";
import type { ChannelInfo, Choice, Outbound } from "./message.ts";

/** What a step receives: one user action, already mapped to a button when it matched one. */
export type Answer =
  | { kind: "text"; text: string }
  | { kind: "choice"; id: string }
  | { kind: "contact"; phone: string; isOwn: boolean }
  | { kind: "photo"; ref: string; caption?: string }
  | { kind: "unsupported" };

export interface FlowContext {
  t: TFunction;
  locale: string;
  channel: ChannelInfo;
  /** the flow's own notes, persisted between messages (plain JSON values only) */
  data: Record<string, unknown>;
  /** null until the person has registered */
  household: HouseholdView | null;
  /** platform display name (a default offered as a button, never trusted) */
  displayName?: string;
  /** domain services bound to this message's database transaction */
  services: Services;
  provinceCode: string;
  /** the produce catalog (for matching and suggestions) */
  catalog: Catalog;
  /** the time this message is handled (one clock for the whole turn) */
  now: Date;
  identity: { channel: ChannelInfo["name"]; userKey: string; chatKey: string };
  /**
   * Send messages to another chat (e.g. a confirmation code to the household's Telegram while it
   * talks on Zalo). Delivered after this turn is saved, in the recipient's language.
   */
  notify(to: NotifyTarget, messages: (t: TFunction) => Outbound[]): void;
  /** deployment settings flows need */
  settings: FlowSettings;
  /** is this channel running in this deployment (can a message be delivered there)? */
  canSendTo(channel: ChannelInfo["name"]): boolean;
}

export interface FlowSettings {
  /** an order nobody answers expires after this long */
  orderExpireAfterMs: number;
  /** campaign dashboard target (percent of a commune's households) */
  campaignTargetPercent: number;
  /** a household's unrecognised message this many days after an announcement goes to its officer */
  announcementReplyDays: number;
  /** where this deployment's web pages are reached (links sent in chat), no trailing slash */
  publicUrl: string;
  /** how each carrier is reached: "api" (quoted and booked through its partner API) or "manual" (default) */
  carriers?: Readonly<Record<string, "api" | "manual">>;
  /** caps on orders per buyer phone (core/order-caps.ts); the defaults when not given */
  orderCaps?: OrderCaps;
  /** the buyer's shipping fee, from memory only (a turn never waits for a carrier): core/shipping-quotes.ts */
  shippingQuotes?: QuotePeek;
  /** the province's price board kept in memory (core/price-board.ts): chat price answers read it when fresh */
  priceBoard?: PricePeek;
}

/** Defined by the domain, which notifies people too (see core/notify.ts). */
export type { NotifyTarget };

export type StepResult =
  /** go to another step of the same flow (recorded in the history for "quay lại") */
  | { type: "next"; step: string; say: Outbound[] }
  /** the answer did not fit: say why, then the engine asks the same question again */
  | { type: "retry"; say: Outbound[] }
  /** the flow is over: say this, then show the main menu if the person has a shop */
  | { type: "done"; say: Outbound[]; menu: boolean }
  /** leave this flow and start another one, at its first step or at `step` */
  | { type: "start"; flow: string; say: Outbound[]; data?: Record<string, unknown>; step?: string };

export interface Step {
  /** the question, with its buttons. Asked on arrival and again after a retry. */
  ask(ctx: FlowContext): Outbound | Outbound[] | Promise<Outbound | Outbound[]>;
  /** answer kinds this step understands; anything else gets "please type/tap" and the question again */
  accepts: Array<Answer["kind"]>;
  /** free-text steps where a typed word could be mistaken for a command (a person named "Huy") */
  freeText?: boolean;
  /**
   * Does this typed text answer the question, although it also reads as a request (`intent`)?
   * "50 kg" at the quantity question is a quantity even if it looks like a change of quantity; the
   * step's own parser decides, without side effects. Without it, a clear request wins at a step
   * that is not free text (free-text steps ask whether the text was the answer).
   */
  fits?(text: string, ctx: FlowContext, intent: Intent): boolean | Promise<boolean>;
  /** what to do with an answer */
  answer(input: Answer, ctx: FlowContext): StepResult | Promise<StepResult>;
}

export interface Flow {
  id: string;
  first: string;
  steps: Record<string, Step>;
  /** what "huỷ" says in this flow (default: common:cancelled) */
  cancelText?: (ctx: FlowContext) => string;
  /** needs a registered household */
  needsHousehold: boolean;
  /** said once when the flow starts, before the first question */
  intro?: (ctx: FlowContext) => Outbound[];
  /**
   * Left for another request, this flow's draft is kept and offered back with this question ("Bạn còn
   * tin đăng na dở, tiếp tục không?"); null when nothing worth keeping was entered. See parked.ts.
   */
  resume?: (ctx: FlowContext, data: Record<string, unknown>) => string | null;
}

// ---- small helpers that make flow files read like sentences ----

export const say = (text: string, extra: Omit<Outbound, "text"> = {}): Outbound => ({ text, ...extra });
export const next = (step: string, ...messages: Outbound[]): StepResult => ({ type: "next", step, say: messages });
export const retry = (...messages: Outbound[]): StepResult => ({ type: "retry", say: messages });
export const done = (...messages: Outbound[]): StepResult => ({ type: "done", say: messages, menu: true });
export const end = (...messages: Outbound[]): StepResult => ({ type: "done", say: messages, menu: false });
export const startFlow = (flow: string, data?: Record<string, unknown>, ...messages: Outbound[]): StepResult => ({
  type: "start",
  flow,
  data,
  say: messages,
});

/** One button per row: easiest to tap on a small screen. */
export const column = (...choices: Choice[]): Choice[][] => choices.map((c) => [c]);
/** An option; `roles` say which typed answers pick it besides its label: "yes" ("ok", "dung roi"), "no" ("ko", "thoi"), "done" ("xong", "gui di"). */
export const choice = (id: string, label: string, ...roles: ChoiceRole[]): Choice => (roles.length ? { id, label, roles } : { id, label });

// ---- step shapes: most steps are "tap a button" or "type something (or tap a suggestion)" ----

type Asker = Step["ask"];
type Result = StepResult | Promise<StepResult>;

/** A question answered by tapping one of its buttons (or typing its number/label). */
export function buttonsStep(spec: { ask: Asker; on: (id: string, ctx: FlowContext) => Result }): Step {
  return {
    ask: spec.ask,
    accepts: ["choice"],
    answer: (a, ctx) => (a.kind === "choice" ? spec.on(a.id, ctx) : retry()),
  };
}

/** A question answered by typing; suggestion buttons (if any) are handled by `onChoice`. */
export function textStep(spec: {
  ask: Asker;
  on: (text: string, ctx: FlowContext) => Result;
  onChoice?: (id: string, ctx: FlowContext) => Result;
  /** names and other free text: a bare "huy" is asked about instead of cancelling */
  freeText?: boolean;
  fits?: Step["fits"];
}): Step {
  return {
    ask: spec.ask,
    accepts: spec.onChoice ? ["text", "choice"] : ["text"],
    freeText: spec.freeText,
    fits: spec.fits,
    answer: (a, ctx) => {
      if (a.kind === "text") return spec.on(a.text, ctx);
      if (a.kind === "choice" && spec.onChoice) return spec.onChoice(a.id, ctx);
      return retry();
    },
  };
}
