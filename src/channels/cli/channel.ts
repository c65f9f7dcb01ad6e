// The terminal channel: the same conversations as Telegram and Zalo, for developers and officers
// without a bot account, and for scripted end-to-end runs (`--json`). Buttons are numbered, as on Zalo.
import { randomUUID } from "node:crypto";
import type { Engine } from "../../engine/engine.ts";
import type { Choice, ChannelInfo, ChannelSender, Inbound, Outbound, SendResult } from "../../engine/message.ts";
import { tFor } from "../../i18n/index.ts";
import { fold } from "../../lang/normalize.ts";
import { withNumberedChoices } from "../shared/render.ts";

export interface CliInput {
  user?: string;
  text?: string;
  /** a button by its label or number */
  button?: string;
  /** a shared phone number (as if the platform shared the user's own contact) */
  contact?: string;
}

export class CliChannel implements ChannelSender {
  readonly info: ChannelInfo = { name: "cli", buttons: "numbered", canShareContact: false, maxTextLength: 4096 };
  private readonly lastChoices = new Map<string, Choice[]>();

  constructor(
    private readonly engine: Engine,
    private readonly write: (line: string) => void,
    private readonly json: boolean,
  ) {
    engine.register(this);
  }

  async send(chatKey: string, messages: Outbound[], locale: string): Promise<SendResult> {
    const t = tFor(locale, this.info.buttons);
    for (const m of messages) {
      const choices = (m.choices ?? []).flat();
      if (choices.length > 0) this.lastChoices.set(chatKey, choices);
      if (this.json) {
        this.write(JSON.stringify({ user: chatKey, text: m.text, buttons: choices.map((c) => c.label) }));
      } else {
        this.write(`\n${withNumberedChoices(m, t)}\n`);
      }
    }
    return { ok: true };
  }

  /** One line typed by a person (or one JSON object in --json mode) → the engine. */
  async receive(user: string, input: CliInput): Promise<void> {
    const base = { channel: "cli" as const, chatKey: user, userKey: user, updateKey: randomUUID(), at: new Date() };
    let inbound: Inbound;
    if (input.contact !== undefined) {
      inbound = { ...base, kind: "contact", contact: { phone: String(input.contact), isOwn: true } };
    } else if (input.button !== undefined) {
      const tapped = this.findButton(user, String(input.button));
      inbound = tapped
        ? { ...base, kind: "choice", choiceId: tapped.id }
        : { ...base, kind: "text", text: String(input.button) };
    } else {
      inbound = { ...base, kind: "text", text: String(input.text ?? "") };
    }
    await this.engine.handle(inbound, { waitForDelivery: true });
  }

  private findButton(user: string, wanted: string): Choice | undefined {
    const choices = this.lastChoices.get(user) ?? [];
    const n = /^\d+$/.test(wanted.trim()) ? Number(wanted) - 1 : -1;
    if (n >= 0) return choices[n];
    return choices.find((c) => fold(c.label) === fold(wanted));
  }
}
