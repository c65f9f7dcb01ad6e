// Words that work at every step and in every flow: /start, menu, help, huỷ, quay lại, /ngonngu,
// /xoataikhoan, and the commands flows register (/thongbao, /gia, ...). Part of a turn (turn.ts).
import { toLocale } from "../i18n/index.ts";
import type { GlobalCommand } from "./commands.ts";
import type { Flow, FlowContext, StepResult } from "./flow.ts";
import type { Outbound } from "./message.ts";
import { dropParked } from "./parked.ts";
import type { FlowRegistry } from "./registry.ts";
import type { ConversationState } from "./state.ts";

/** What of the turn (turn.ts) these words use. */
interface Turn {
  readonly ctx: FlowContext;
  readonly state: ConversationState;
  readonly registry: FlowRegistry;
  readonly replies: Outbound[];
  say(text: string): void;
  ask(): Promise<void>;
  apply(result: StepResult): Promise<void>;
  showMenu(): void;
  clearFlow(): void;
  reaskOrMenu(): Promise<void> | void;
  reaskOrStart(): Promise<void> | void;
  currentFlow(): Flow | undefined;
  setLocale(locale: string): void;
}

const LANGUAGE_CHOICES = ["vi", "en"] as const;

export async function globalWord(turn: Turn, command: GlobalCommand, args = ""): Promise<void> {
const { t, household } = turn.ctx;
  switch (command) {
    case "start":
      if (household) {
        turn.clearFlow();
        turn.say(t("common:welcomeBack", { name: household.name }));
        return turn.showMenu();
      }
      if (turn.state.flow) {
        turn.say(t("common:continueWhereLeft"));
        return turn.ask();
      }
      return turn.apply({ type: "start", flow: turn.registry.onboarding, say: [] });
    case "menu":
      if (household) {
        turn.clearFlow();
        return turn.showMenu();
      }
      turn.say(t("common:registerFirst"));
      return turn.reaskOrStart();
    case "help":
      turn.replies.push(...turn.registry.menu.help(turn.ctx));
      return turn.reaskOrMenu();
    case "cancel": {
      const flow = turn.currentFlow();
      if (!flow && dropParked(turn)) return turn.showMenu();
      if (!flow) {
        turn.say(t("common:nothingToCancel"));
        return turn.reaskOrMenu();
      }
      turn.clearFlow();
      turn.say(flow.cancelText ? flow.cancelText(turn.ctx) : t("common:cancelled"));
      if (household) turn.showMenu();
      return;
    }
    case "back":
      if (!turn.state.flow) {
        turn.say(t("common:nothingToGoBack"));
        return turn.reaskOrMenu();
      }
      if (turn.state.history.length === 0) {
        turn.say(t("common:atFirstStep"));
        return turn.ask();
      }
      turn.state.step = turn.state.history.pop() ?? turn.state.step;
      turn.state.misses = 0;
      return turn.ask();
    case "language": {
      const choices = LANGUAGE_CHOICES.map((l) => ({ id: `g.lang.${l}`, label: t(`common:languageName.${l}`) }));
      // Remembered so that where buttons are numbered (Zalo), "2" picks English, not the menu's item 2.
      turn.state.choices = choices;
      turn.replies.push({ text: t("common:chooseLanguage"), choices: [choices] });
      return;
    }
    case "deleteAccount":
      if (!household) {
        turn.say(t("common:noAccount"));
        return turn.reaskOrStart();
      }
      return turn.apply({ type: "start", flow: turn.registry.deleteAccount, say: [] });
    default:
      return registered(turn, command, args);
  }
}

async function registered(turn: Turn, command: GlobalCommand, args: string): Promise<void> {
  const handler = turn.registry.commands?.[command];
  const result = handler ? await handler(turn.ctx, args) : null;
  if (!result) {
    turn.say(turn.ctx.t("common:unknownCommand"));
    return turn.reaskOrMenu();
  }
  if (Array.isArray(result)) {
    turn.replies.push(...result);
    return turn.reaskOrMenu();
  }
  return turn.apply(result);
}

/** A language picked from /ngonngu's list ('g.lang.en'); any other global button is stale. */
export async function languageChoice(turn: Turn, id: string): Promise<void> {
  const lang = /^g\.lang\.(\w+)$/.exec(id);
  if (!lang) {
    turn.say(turn.ctx.t("common:staleButton"));
    return turn.reaskOrMenu();
  }
  const locale = toLocale(lang[1]);
  turn.state.choices = []; // the language list is answered; reaskOrMenu puts the question's own back
  if (turn.ctx.household) await turn.ctx.services.accounts.setLocale(turn.ctx.identity, locale);
  else turn.state.locale = locale;
  turn.setLocale(locale);
  turn.say(turn.ctx.t("common:languageChanged"));
  return turn.reaskOrMenu();
}
