// An in-process channel that records what the engine sends, for engine-level tests (several engine
// instances on one database). Channel behaviour over real HTTP is tested with the fake Telegram server.
import type { ChannelInfo, ChannelSender, Inbound, Outbound, SendResult } from "../../src/engine/message.ts";

export class CaptureChannel implements ChannelSender {
  readonly sent = new Map<string, Outbound[]>();
  constructor(readonly info: ChannelInfo = { name: "telegram", buttons: "inline", canShareContact: true, maxTextLength: 4096 }) {}

  async send(chatKey: string, messages: Outbound[]): Promise<SendResult> {
    this.sent.set(chatKey, [...(this.sent.get(chatKey) ?? []), ...messages]);
    return { ok: true };
  }

  texts(chatKey: string): string[] {
    return (this.sent.get(chatKey) ?? []).map((m) => m.text);
  }

  last(chatKey: string): Outbound | undefined {
    return this.sent.get(chatKey)?.at(-1);
  }

  /** callback data of the button with this label in the last message that has buttons */
  button(chatKey: string, label: string): string {
    const withButtons = [...(this.sent.get(chatKey) ?? [])].reverse().find((m) => m.choices?.length);
    const found = withButtons?.choices?.flat().find((c) => c.label === label);
    if (!found) throw new Error(`no button "${label}" in ${JSON.stringify(withButtons?.choices)}`);
    return found.id;
  }
}

let counter = 0;
export function inbound(chatKey: string, patch: Partial<Inbound>): Inbound {
  counter += 1;
  return {
    channel: "telegram",
    chatKey,
    userKey: chatKey,
    updateKey: `${process.pid}-${Date.now()}-${counter}`,
    kind: "text",
    at: new Date(),
    ...patch,
  };
}
