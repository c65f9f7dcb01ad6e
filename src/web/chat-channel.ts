// The web chat simulator's channel: the same conversations as Telegram, held in a phone-shaped page
// (GET /chat). The engine sends replies and notifications here; each browser session has a small
// queue of numbered messages that the page reads after sending (POST /chat/api/send) and by polling
// (GET /chat/api/poll). Only for trying the bot on a machine without bot tokens: sessions live in
// memory and the oldest are dropped when there are too many.
import { randomUUID } from "node:crypto";
import type { Engine } from "../engine/engine.ts";
import type { ChannelInfo, ChannelSender, Inbound, Outbound, SendResult } from "../engine/message.ts";

export interface WebMessage {
  seq: number;
  text: string;
  /** rows of buttons */
  choices?: Array<Array<{ id: string; label: string }>>;
}

/** Random id made by the page (kept in localStorage): 16-64 URL-safe characters. */
export const SESSION_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
export const MAX_TEXT = 2000;

interface Session {
  seq: number;
  messages: WebMessage[];
}

export class WebChatChannel implements ChannelSender {
  readonly info: ChannelInfo = { name: "web", buttons: "inline", canShareContact: false, maxTextLength: 4096 };
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly engine: Engine,
    private readonly limits = { sessions: 1000, messagesPerSession: 100 },
  ) {
    engine.register(this);
  }

  async send(chatKey: string, messages: Outbound[]): Promise<SendResult> {
    const session = this.session(chatKey);
    for (const m of messages) {
      const choices = m.choices?.map((row) => row.map((c) => ({ id: c.id, label: c.label }))).filter((row) => row.length > 0);
      session.messages.push({ seq: ++session.seq, text: m.text, ...(choices?.length ? { choices } : {}) });
    }
    if (session.messages.length > this.limits.messagesPerSession) session.messages.splice(0, session.messages.length - this.limits.messagesPerSession);
    return { ok: true };
  }

  /** Messages of a session after `after` (a seq the page has already shown). */
  since(chatKey: string, after: number): WebMessage[] {
    const session = this.sessions.get(chatKey);
    if (!session) return [];
    return session.messages.filter((m) => m.seq > after);
  }

  /** Something the person typed or tapped; resolves once the bot's replies are queued. */
  async receive(chatKey: string, input: { text: string } | { choiceId: string }): Promise<WebMessage[]> {
    const before = this.session(chatKey).seq;
    const base = { channel: "web" as const, chatKey, userKey: chatKey, updateKey: randomUUID(), at: new Date(), languageHint: "vi" };
    const inbound: Inbound =
      "choiceId" in input ? { ...base, kind: "choice", choiceId: input.choiceId } : { ...base, kind: "text", text: input.text };
    await this.engine.handle(inbound, { waitForDelivery: true });
    return this.since(chatKey, before);
  }

  private session(chatKey: string): Session {
    let session = this.sessions.get(chatKey);
    if (!session) {
      if (this.sessions.size >= this.limits.sessions) {
        // A Map keeps insertion order and a session that sends is re-inserted below: the first is the stalest.
        const oldest = this.sessions.keys().next().value;
        if (oldest !== undefined) this.sessions.delete(oldest);
      }
      session = { seq: 0, messages: [] };
    } else {
      this.sessions.delete(chatKey);
    }
    this.sessions.set(chatKey, session);
    return session;
  }
}
