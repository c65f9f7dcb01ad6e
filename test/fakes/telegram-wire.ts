// The fake Telegram server's wire-level vocabulary, shared by every Bot API area: the error a method
// throws to be answered as `{ok:false, error_code, description}`, the reply a request ends in, and the
// small helpers the handlers all need (chat id of a request, message keys, Telegram's clock). Kept apart
// so that the areas depend on this file and on nothing of each other's they do not use.
import type { Payload } from "./telegram-types.ts";

/** An error the fake answers as `{ok:false, error_code, description}`. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number },
  ) {
    super(description);
  }
}

export const badRequest = (what: string) => new ApiError(400, `Bad Request: ${what}`);
export const cantParse = (what: string) => badRequest(`can't parse entities: ${what}`);

/** Lets a method handler add the top-level `description` the real API puts on some successes. */
export class WithDescription {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

export type Reply = { status: number; body: Record<string, unknown> } | "drop";
export type Handler = (p: Payload, signal: AbortSignal) => unknown;

export function errorReply(e: ApiError): Reply {
  const body: Record<string, unknown> = { ok: false, error_code: e.code, description: e.description };
  if (e.parameters) body.parameters = e.parameters;
  return { status: e.code, body };
}

export const nowSec = () => Math.floor(Date.now() / 1000);
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
export const msgKey = (chatId: number, messageId: number) => `${chatId}:${messageId}`;

export function chatIdOf(p: Payload): number | undefined {
  const v = p.chat_id;
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^-?\d+$/.test(v)) return Number(v);
  return undefined;
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}
