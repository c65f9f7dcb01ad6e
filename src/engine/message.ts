// The normalized message model shared by every channel. Adapters translate platform updates into an
// `Inbound` and render `Outbound`; nothing past the adapter knows which platform a message came from,
// except through the small `ChannelInfo` capability description.

import type { ChannelName, Outbound } from "../core/messages.ts";

// The outbound side belongs to the domain (it tells people things too, e.g. about an order); it is
// re-exported here so that channels and flows find the whole message model in one place.
export type { ChannelName, Choice, Outbound } from "../core/messages.ts";

export interface Inbound {
  channel: ChannelName;
  /** where replies go (Telegram: chat id) */
  chatKey: string;
  /** who wrote (Telegram: user id); private chats have chatKey === userKey */
  userKey: string;
  /** unique per platform update: a redelivery carries the same key and is handled once */
  updateKey: string;
  kind: "text" | "choice" | "contact" | "photo" | "unsupported";
  text?: string;
  /** callback data of a tapped button (kind "choice") */
  choiceId?: string;
  /** a shared contact; `isOwn` is false when someone shares another person's card */
  contact?: { phone: string; isOwn: boolean };
  photo?: { ref: string; caption?: string };
  /** platform language hint, e.g. Telegram's language_code */
  languageHint?: string;
  /** the name the platform shows for this user (offered as a default, never trusted) */
  displayName?: string;
  at: Date;
}

export interface ChannelInfo {
  name: ChannelName;
  /** "inline": real buttons; "numbered": buttons shown as "1. …" and answered with a number */
  buttons: "inline" | "numbered";
  /** can the platform share the user's own phone number with one tap */
  canShareContact: boolean;
  /** longest text one message may carry */
  maxTextLength: number;
  /**
   * the platform may deliver a message without its content (Zalo: everything a protected account
   * writes arrives as "unsupported"), so "please type instead" alone could loop forever
   */
  unreadableMessages?: boolean;
}

/** What the engine needs from a channel to deliver replies and notifications. */
export interface ChannelSender {
  info: ChannelInfo;
  send(chatKey: string, messages: Outbound[], locale: string): Promise<SendResult>;
}

/**
 * blocked: the person blocked the bot (403); rejected: the platform refuses this message as it is (400),
 * sending it again cannot help; uncertain: no answer in time, it may have arrived (a channel that would
 * rather miss a message than show it twice says so); failed: anything else (network, 5xx, a 429):
 * worth trying again later, after `retryAfterMs` where the platform said how long to wait (Telegram's
 * retry_after).
 */
export type SendResult =
  | { ok: true }
  | { ok: false; reason: "blocked" | "rejected" | "uncertain" | "failed"; detail?: string; retryAfterMs?: number };
