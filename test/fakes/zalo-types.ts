// The fake Zalo server's public types: the users tests simulate, the failures they script, and what they
// read back (calls, sent messages, updates). Apart so the wire helpers can name them without importing the
// server; zalo-server.ts re-exports them.

export interface ZaloSimUser {
  /** Zalo user ids are opaque hex strings; in a private chat the chat id is the user id */
  id: string;
  display_name?: string;
  is_bot?: boolean;
}

/** A scripted answer for failNext(). */
export type ZaloFailure =
  | { kind: "401" }
  | { kind: "403" }
  | { kind: "429" }
  | { kind: "500" }
  /** `{ok:true}` without `result` */
  | { kind: "no-result" }
  /** never answer (the client must time out); `deliver` carries the call out first, as a slow Zalo might */
  | { kind: "hang"; deliver?: boolean };

export interface ZaloCall {
  method: string;
  body: Record<string, unknown>;
  time: number;
  /** HTTP status answered; 0 when the connection ended without an answer; unset while in flight */
  status?: number;
}

export interface ZaloSentMessage {
  method: "sendMessage" | "sendPhoto";
  chatId: string;
  messageId: string;
  text?: string;
  photo?: string;
  caption?: string;
  time: number;
}

export interface ZaloUpdateObject {
  event_name: string;
  message: Record<string, unknown>;
}

export interface FakeZaloOptions {
  /** default: a fresh random bot id */
  token?: string;
  webhookEnvelope?: "wrapped" | "bare";
  /** answer errors with HTTP 200 and the code only in the body (the client must cope with both) */
  errorsAsHttp200?: boolean;
}

export interface WaitOptions {
  /** default 5000 */
  timeoutMs?: number;
  describe?: () => string;
}
