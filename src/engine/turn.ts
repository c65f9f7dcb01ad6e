// One turn of a conversation: one inbound message in, the replies and the next state out.
// The order of checks is what makes the bot forgiving:
//   0. a typed answer to a notification that came after the question on screen ("1" right after an
//      order notice, "nhan" with one order waiting: registry.actions.reply),
//   1. map taps and typed numbers/labels to the buttons on screen (stale taps are caught here),
//   2. global words (huỷ, quay lại, menu, trợ giúp, /start, /ngonngu, /xoataikhoan),
//   3. a request understood in the message that does not answer the step ("xem don", "het na roi":
//      intents.ts), then the current step of the current flow; or, when no flow is running, the
//      main menu and whatever the message asks for.
// Every path ends with a question or the menu on screen, so nobody is ever left without a way forward
// (way-forward.ts makes sure of it).
// Short one-line remarks are then sent together with the question they lead into (see join.ts).
import type { TFunction } from "i18next";
import { tFor } from "../i18n/index.ts";
import { matchChoice } from "../lang/choice.ts";
import { couldBeName, parseCommand, type GlobalCommand } from "./commands.ts";
import type { Flow, FlowContext, Step, StepResult } from "./flow.ts";
import { interceptStep, runAtMenu, settleLeave, type TurnPort } from "./intents.ts";
import type { Inbound, Outbound } from "./message.ts";
import { joinShortMessages } from "./join.ts";
import type { FlowRegistry } from "./registry.ts";
import { onScreen, prefixed } from "./on-screen.ts";
import { DROP, RESUME, offerParked, park, settleParked } from "./parked.ts";
import { globalWord, languageChoice } from "./global-words.ts";
import { resolve, type Resolved } from "./resolve.ts";
import { guestChoice, guestItems, offerWayForward } from "./way-forward.ts";
import type { ConversationState } from "./state.ts";

export type { CommandHandler, FlowRegistry, IntentHandlers, MenuDefinition } from "./registry.ts";

const MISSES_BEFORE_HINT = 3;

export class Turn implements TurnPort {
  readonly replies: Outbound[] = [];
  private readonly hadKeyboard: boolean;

  constructor(
    readonly state: ConversationState,
    readonly ctx: FlowContext,
    readonly registry: FlowRegistry,
  ) {
    this.hadKeyboard = !!state.keyboard;
  }

  async run(inbound: Inbound): Promise<void> {
    // 0. an answer to a notification that arrived after the question on screen ("1", "nhan")
    if (inbound.kind === "text" && !this.state.pending && this.registry.actions?.reply && !parseCommand(inbound.text ?? "")) {
      const reply = await this.registry.actions.reply(inbound.text ?? "", this.ctx, { freeText: !!this.currentStep()?.freeText });
      if (reply) return this.finish(await this.action(reply));
    }
    // 1. what did the person mean (resolve.ts)
    const input = resolve(inbound, this.state, this.ctx.channel, this.currentStep());
    if (input.kind === "which") return this.finish(this.askWhich(input.indexes));

    if (this.state.pending) {
      const pending = this.state.pending;
      this.state.pending = undefined;
      if (input.kind === "choice" && input.id === "pending.cancel") return this.finish(await this.global("cancel"));
      if (input.kind === "choice" && input.id === "pending.keep") {
        return this.finish(await this.answerStep({ kind: "text", text: pending.text }, { asAnswer: true }));
      }
      if (pending.leave && input.kind === "choice" && (input.id === "pending.leave" || input.id === "pending.stay")) {
        return this.finish(await settleLeave(this, pending, input.id === "pending.leave", this.currentStep()));
      }
    }

    if (input.kind === "choice" && !this.state.flow && (input.id === RESUME || input.id === DROP)) {
      return this.finish(settleParked(this, input.id) === "resumed" ? await this.ask() : this.showMenu());
    }

    if (input.kind === "stale") {
      this.say(this.ctx.t("common:staleButton"));
      return this.finish(await this.reaskOrMenu());
    }
    if (input.kind === "global") return this.finish(await this.globalChoice(input.id));
    if (input.kind === "menu") return this.finish(await this.menuChoice(input.id));
    if (input.kind === "action") return this.finish(await this.action(await this.registry.actions?.tap(input.id, this.ctx)));

    if (input.kind === "text") {
      const cmd = parseCommand(input.text);
      if (cmd) {
        const step = this.currentStep();
        if (cmd.command === "cancel" && cmd.bareWord && step?.freeText && couldBeName(input.text)) {
          return this.finish(this.askCancelOrName(input.text));
        }
        return this.finish(await this.global(cmd.command, cmd.args));
      }
      const byWord = await this.registry.actions?.keyword(input.text, this.ctx);
      if (byWord) return this.finish(await this.action(byWord));
      if (/^\/\S/.test(input.text.trim())) {
        this.say(this.ctx.t("common:unknownCommand"));
        return this.finish(await this.reaskOrMenu());
      }
    }

    if (!this.state.flow) return this.finish(await this.idle(input));
    return this.finish(await this.answerStep(input));
  }

  // ---- 2. words that work everywhere (global-words.ts) ----

  global(command: GlobalCommand, args = ""): Promise<void> {
    return globalWord(this, command, args);
  }

  private globalChoice(id: string): Promise<void> {
    return languageChoice(this, id);
  }

  private async menuChoice(id: string): Promise<void> {
    if (!this.ctx.household && !(await guestItems(this)).some((c) => c.id === id)) {
      this.say(this.ctx.t("common:registerFirst"));
      return this.reaskOrStart();
    }
    const result = await this.registry.menu.choose(id, this.ctx);
    if (!result) {
      this.say(this.ctx.t("common:staleButton"));
      return this.showMenu();
    }
    park(this);
    this.clearFlow();
    return this.apply(result);
  }

  /** A notification button or word: it interrupts whatever was going on, like a menu choice. */
  private async action(result: StepResult | null | undefined): Promise<void> {
    if (!result) {
      this.say(this.ctx.t("common:staleButton"));
      return this.reaskOrMenu();
    }
    // Messages only: keep the current question on screen below them.
    if (result.type === "done" && !result.menu && this.state.flow) {
      this.replies.push(...result.say);
      return this.ask();
    }
    park(this);
    this.clearFlow();
    await this.apply(result);
    // An order's card with its own choices ("Nhận đơn", "Từ chối"), nothing else on screen: a typed
    // "1" means its first choice, as the numbers shown on Zalo say.
    const last = this.replies.at(-1);
    const acts = (last?.choices ?? []).flat();
    if (!this.state.flow && acts.length > 1 && acts.every((c) => c.id.startsWith("a."))) this.state.choices = acts;
  }

  /** "viettel" for "Viettel Post" and "Viettel Money": which one? The step stays; the two are on screen. */
  private askWhich(indexes: number[]): void {
    const options = indexes.map((i) => this.state.choices[i]);
    const labels = options.map((c) => c.label);
    const text = this.ctx.t("common:choice.which", { options: labels.slice(0, -1).join(", "), last: labels.at(-1) });
    this.replies.push(onScreen(this.state, text, options.map((c) => [c])));
  }

  private askCancelOrName(text: string): void {
    const t = this.ctx.t;
    this.state.pending = { text };
    const options = [
      { id: "pending.cancel", label: t("common:cancelOrName.cancel") },
      { id: "pending.keep", label: t("common:cancelOrName.keep", { text }) },
    ];
    this.replies.push(onScreen(this.state, t("common:cancelOrName.question", { text }), options.map((c) => [c])));
  }

  // ---- 3. the current step, or the menu ----

  private async idle(input: Resolved): Promise<void> {
    const { t, household } = this.ctx;
    if (!household) {
      if (input.kind === "text") {
        const picked = await guestChoice(this, input.text); // the guest menu offered when something ended
        if (picked) return this.menuChoice(picked);
        if (await runAtMenu(this, input.text)) return;
      }
      return this.apply({ type: "start", flow: this.registry.onboarding, say: [] });
    }
    if (input.kind === "text") {
      const menu = this.registry.menu.render(this.ctx);
      const items = (menu.choices ?? []).flat();
      const labels = items.map((c) => c.label);
      const numbers = this.ctx.channel.buttons === "numbered";
      // A number or a whole label first; then what the message asks ("mua na" buys custard apples,
      // not just "Mua nông sản"); then a label named in other words.
      const index = matchChoice(input.text, labels, { numbers, strict: true });
      if (index !== null) return this.menuChoice(items[index].id);
      if (await runAtMenu(this, input.text)) return;
      const loose = matchChoice(input.text, labels, { numbers });
      if (loose !== null) return this.menuChoice(items[loose].id);
      const started = await this.registry.menu.freeText?.(input.text, this.ctx);
      if (started) return this.apply(started);
    }
    this.say(t("common:notUnderstood"));
    return this.showMenu();
  }

  /** `asAnswer`: the text was confirmed as the answer to this step, not a request. */
  async answerStep(input: Resolved, opts: { asAnswer?: boolean } = {}): Promise<void> {
    const flow = this.currentFlow();
    const step = this.currentStep();
    if (!flow || !step || (flow.needsHousehold && !this.ctx.household)) {
      // The flow was removed or renamed by an update, or the household was deleted meanwhile.
      this.clearFlow();
      this.say(this.ctx.t("common:flowReset"));
      return this.ctx.household ? this.showMenu() : this.reaskOrStart();
    }
    if (input.kind === "menu" || input.kind === "global" || input.kind === "stale" || input.kind === "action" || input.kind === "which") return;
    if (input.kind === "text" && !opts.asAnswer && (await interceptStep(this, step, input.text))) return;
    if (input.kind === "text" && step.accepts.every((k) => k === "choice")) return this.hintChoices();
    if (!step.accepts.includes(input.kind)) {
      const unreadable = input.kind === "unsupported" && this.ctx.channel.unreadableMessages;
      this.say(this.ctx.t(unreadable ? "common:unreadable" : this.wrongKindKey(step)));
      return this.miss();
    }
    return this.apply(await step.answer(input, this.ctx));
  }

  private wrongKindKey(step: Step): string {
    if (step.accepts.includes("text")) return "common:needText";
    if (step.accepts.includes("photo")) return "common:needPhoto";
    return this.ctx.channel.buttons === "numbered" ? "common:needNumber" : "common:needTap";
  }

  async apply(result: StepResult): Promise<void> {
    this.replies.push(...result.say);
    switch (result.type) {
      case "next":
        if (this.state.step) this.state.history.push(this.state.step);
        this.state.step = result.step;
        this.state.misses = 0;
        return this.ask();
      case "retry":
        return this.miss();
      case "done":
        this.clearFlow();
        if (result.menu && this.ctx.household) this.showMenu();
        return;
      case "start": {
        const flow = this.registry.flows[result.flow];
        this.clearFlow();
        this.state.flow = flow.id;
        this.state.step = result.step ?? flow.first;
        this.state.data = result.data ?? {};
        this.ctx.data = this.state.data;
        if (flow.intro) this.replies.push(...flow.intro(this.ctx));
        return this.ask();
      }
    }
  }

  private miss(): Promise<void> {
    this.countMiss();
    return this.ask();
  }

  private countMiss(): void {
    this.state.misses = (this.state.misses ?? 0) + 1;
    if (this.state.misses >= MISSES_BEFORE_HINT) {
      this.say(this.ctx.t("common:stuckHint"));
      this.state.misses = 0;
    }
  }

  /** Typed words that pick none of the options: a short hint with the options again, not the whole question. */
  private async hintChoices(): Promise<void> {
    this.countMiss();
    const asked = await this.currentStep()!.ask(this.ctx);
    const rows = (Array.isArray(asked) ? asked : [asked]).flatMap((m) => m.choices ?? []);
    if (rows.length === 0) return this.ask();
    this.state.keyboard = undefined;
    this.replies.push(onScreen(this.state, this.ctx.t("common:choice.hint"), rows));
  }

  /** Put the current step's question on screen and remember its buttons. */
  async ask(): Promise<void> {
    const step = this.currentStep();
    if (!step) return;
    const asked = await step.ask(this.ctx);
    const messages = Array.isArray(asked) ? asked : [asked];
    if (step.accepts.every((k) => k === "choice") && !messages.some((m) => m.choices?.length)) {
      // A list with nothing in it ("no orders yet") cannot be answered: the flow is over, and what
      // comes next is offered below it (finish).
      this.replies.push(...messages);
      this.clearFlow();
      return;
    }
    this.state.seq += 1;
    const seq = this.state.seq;
    this.state.choices = messages.flatMap((m) => (m.choices ?? []).flat());
    this.state.keyboard = messages.some((m) => m.askContact) || undefined;
    for (const m of messages) {
      this.replies.push(
        m.choices ? { ...m, choices: m.choices.map((row) => row.map((c) => prefixed(seq, c))) } : m,
      );
    }
  }

  showMenu(): void {
    if (offerParked(this)) return; // a draft left for another request comes first
    this.state.choices = []; // the menu is matched on its own (idle), older lists are off screen
    this.replies.push(this.registry.menu.render(this.ctx));
  }

  /** @internal also for global-words.ts */
  reaskOrMenu(): Promise<void> | void {
    if (this.state.flow) return this.ask();
    if (this.ctx.household) return this.showMenu();
    this.say(this.ctx.t("common:startHint"));
  }

  /** @internal also for global-words.ts */
  reaskOrStart(): Promise<void> | void {
    if (this.state.flow) return this.ask();
    return this.apply({ type: "start", flow: this.registry.onboarding, say: [] });
  }

  // ---- bookkeeping ----

  private async finish(_: void | Promise<void>): Promise<void> {
    await offerWayForward(this);
    // A share-phone keyboard from an earlier question is taken away with the first plain message.
    if (this.hadKeyboard && !this.state.keyboard) {
      const plain = this.replies.find((r) => !r.choices && !r.askContact);
      if (plain) plain.removeKeyboard = true;
      else if (this.replies[0]) this.replies[0] = { ...this.replies[0], removeKeyboard: true };
    }
    // Then one message where several short ones said one thing (greeting + consent question, "Đã nhận
    // số …" + the next question); after the keyboard is settled, so that the removal is kept.
    this.replies.splice(0, this.replies.length, ...joinShortMessages(this.replies));
  }

  /** @internal also for global-words.ts */
  currentFlow(): Flow | undefined {
    return this.state.flow ? this.registry.flows[this.state.flow] : undefined;
  }

  private currentStep(): Step | undefined {
    const flow = this.currentFlow();
    return flow && this.state.step ? flow.steps[this.state.step] : undefined;
  }

  clearFlow(): void {
    this.state.flow = null;
    this.state.step = null;
    this.state.data = {};
    this.state.history = [];
    this.state.choices = [];
    this.state.misses = 0;
    this.state.pending = undefined;
    this.ctx.data = this.state.data;
  }

  /** @internal also for global-words.ts */
  setLocale(locale: string): void {
    this.ctx.locale = locale;
    this.ctx.t = tFor(locale, this.ctx.channel.buttons) as TFunction;
  }

  /** @internal also for global-words.ts */
  say(text: string): void {
    this.replies.push({ text });
  }
}
