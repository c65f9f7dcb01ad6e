// The fake Telegram server's public types: what tests pass to it (users, failures, options) and what they
// read back from it (calls, sent messages). In a file of their own so that every part of the fake can
// name them without importing the server, which imports those parts. telegram-server.ts re-exports them.
import type { ForceReply, InlineKeyboardMarkup, Message, ReplyKeyboardMarkup, ReplyKeyboardRemove } from "grammy/types";

/** A simulated Telegram user. In a private chat, chat id = user id. */
export interface SimUser {
  id: number;
  first_name?: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

/** A scripted failure for failNext(). */
export type Failure =
  | { kind: "429"; retryAfter: number }
  | { kind: "403"; description?: string }
  | { kind: "400"; description: string }
  | { kind: "500" }
  /** What Telegram answers to a revoked or wrong token. */
  | { kind: "401" }
  /** Hold the request for `ms`, then drop the connection without answering. */
  | { kind: "timeout"; ms: number };

/** A request body as the bot sent it (JSON, urlencoded or multipart, normalised). */
export type Payload = Record<string, unknown>;

export interface Call {
  method: string;
  body: Payload;
  /** Date.now() when the request arrived. */
  time: number;
  /** HTTP status answered (0 = connection dropped); unset while in flight. */
  status?: number;
  /** "webhook-reply" when the bot answered a webhook POST with a method call. */
  via: "http" | "webhook-reply";
}

export type AnyReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply;

/** A message the bot sent. Live record: edits and deletes update it. */
export interface SentMessage {
  method: string;
  chatId: number;
  messageId: number;
  /** Current text as a user would see it (parse_mode markup removed). */
  text?: string;
  caption?: string;
  /** The markup as the bot sent it (any keyboard kind), updated by edits. */
  reply_markup?: AnyReplyMarkup;
  /** The raw request body of the send call. */
  payload: Payload;
  /** The Message object Telegram returned (only inline keyboards are echoed there, like the real API). */
  message: Message;
  edits: Array<{ method: string; text?: string; caption?: string; reply_markup?: AnyReplyMarkup; time: number }>;
  deleted: boolean;
  time: number;
}

export interface WebhookConfig {
  url: string;
  secret_token?: string;
  max_connections?: number;
  allowed_updates?: string[];
}

export interface FakeTelegramOptions {
  /** Default: a valid-looking token for bot id 7000000001. */
  token?: string;
  botUsername?: string;
  botFirstName?: string;
}

export interface WaitOptions {
  /** Default 5000. */
  timeoutMs?: number;
  /** Text for the timeout error; evaluated only when the wait fails. */
  describe?: () => string;
}
