// What the flows hand the engine: the flows themselves, the main menu, and the hooks for commands,
// notification buttons and requests understood at any step. The engine never imports the flows; the
// app passes it this registry (flows/index.ts).
import type { Understanding } from "../lang/intent.ts";
import type { GlobalCommand } from "./commands.ts";
import type { Flow, FlowContext, StepResult } from "./flow.ts";
import type { Outbound } from "./message.ts";

type Maybe<T> = T | Promise<T>;

export interface MenuDefinition {
  /** the main menu message, buttons with ids starting "m." */
  render(ctx: FlowContext): Outbound;
  /** what a menu button does; null when the id is unknown */
  choose(id: string, ctx: FlowContext): StepResult | null | Promise<StepResult | null>;
  help(ctx: FlowContext): Outbound[];
  /**
   * What someone without a shop can do next (open one, buy), buttons with ids starting "m." that
   * `choose` handles: shown wherever a conversation ends for them, so nobody is left at a dead end.
   */
  guest?(ctx: FlowContext): Maybe<Outbound | null>;
  /** a typed message at the menu that is not a menu item (e.g. "bán 2 tạ hồi khô 80k") */
  freeText?(text: string, ctx: FlowContext): StepResult | null | Promise<StepResult | null>;
}

/**
 * A command the engine leaves to the flows (opt-out, officer tools). Returns messages to say (then the
 * question on screen or the menu again), a flow to start, or null: "unknown command", as for any
 * other unknown slash command (so a household never learns that officer commands exist).
 */
export type CommandHandler = (
  ctx: FlowContext,
  args: string,
) => Outbound[] | StepResult | null | Promise<Outbound[] | StepResult | null>;

export interface FlowRegistry {
  flows: Record<string, Flow>;
  /** the flow a newcomer is put in (registration) */
  onboarding: string;
  /** the flow behind /xoataikhoan */
  deleteAccount: string;
  menu: MenuDefinition;
  /** handlers of the global commands the engine does not handle itself */
  commands?: Partial<Record<GlobalCommand, CommandHandler>>;
  /**
   * Buttons inside notifications ("Nhận đơn" under a new order), ids starting "a.": they stay valid
   * however old the message is, so the handler re-checks everything on the server (whose order, which
   * status). `keyword` is the same for a typed word ("NHAN DH7K2F9Q") where a platform has no buttons.
   * Both return null when the id or word is not theirs.
   */
  /** requests understood at any step ("xem don", "het na roi"): see IntentHandlers */
  intents?: IntentHandlers;
  actions?: {
    tap(id: string, ctx: FlowContext): StepResult | null | Promise<StepResult | null>;
    keyword(text: string, ctx: FlowContext): StepResult | null | Promise<StepResult | null>;
    /**
     * A typed answer to a notification ("1" right after an order notice, "nhan" with one order
     * waiting), asked before the message is matched to the question on screen. Null: not one.
     */
    reply?(text: string, ctx: FlowContext, at: { freeText: boolean }): StepResult | null | Promise<StepResult | null>;
  };
}

/**
 * What requests understood in a message do (src/lang/intent.ts): "xem don", "het na roi", "gia na
 * bao nhieu", "sua gia na 40k". The engine decides when (see intents.ts); the flows decide what.
 * Cancel, back, help, greetings and turning announcements off or on are the engine's own.
 */
export interface IntentHandlers {
  /** Can `act` do this for this person now (a shop's orders need a shop)? Asked before a step is interrupted. */
  offers(u: Understanding, ctx: FlowContext): boolean;
  /** A question answered on the spot, the conversation staying where it is (the price of a product). */
  answer(u: Understanding, text: string, ctx: FlowContext): Maybe<Outbound[]>;
  /** Do it: a flow to start, or messages to say (then the question on screen or the menu); null: nothing to do. */
  act(u: Understanding, text: string, ctx: FlowContext): Maybe<StepResult | Outbound[] | null>;
}
