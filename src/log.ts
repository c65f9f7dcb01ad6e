// Structured logs (pino). Never log message texts, phone numbers or addresses: only keys, timings and
// outcomes. Three nets keep secrets and personal data out of a log line whatever goes wrong:
// 1. every error goes through `serializeError` (type, message, a short stack, a code): never a
//    library's context object (grammY's BotError carries `ctx.api.token`, the message text and the
//    sender's contact; Prisma's errors may print the arguments of the failed call);
// 2. redaction by wildcard paths, for fields that might slip in beside an error;
// 3. the finished line is scrubbed of the configured secrets, bot tokens, bearer keys and anything
//    shaped like a Vietnamese phone number.
import { Writable } from "node:stream";
import pino from "pino";

export type Logger = pino.Logger;

export interface LoggerOptions {
  level?: string;
  /** write to stderr (the CLI chat, whose stdout is the conversation) */
  toStderr?: boolean;
  /** write here instead (tests read the lines back) */
  destination?: pino.DestinationStream | Writable;
  /** values that must never appear in a line (tokens, webhook secrets, API keys), replaced by [secret] */
  secrets?: readonly (string | undefined)[];
}

const SENSITIVE = ["phone", "text", "caption", "address", "contact", "name", "displayName", "token", "secret", "key", "apiKey", "authorization", "cookie", "body", "ctx", "api", "update", "message_text", "account", "bankAccount"];
/** Field names redacted at the top level and one or two levels down (`err.ctx`, `req.headers.authorization`). */
const REDACT_PATHS = [
  ...SENSITIVE.flatMap((k) => [`*.${k}`, `*.*.${k}`]).filter((p) => !["*.update", "*.*.update"].includes(p)),
  ...SENSITIVE.filter((k) => !["update", "name", "text", "key"].includes(k)),
  "phone",
  "text",
  "headers.authorization",
  "headers.cookie",
  'headers["x-telegram-bot-api-secret-token"]',
  'headers["x-bot-api-secret-token"]',
];

/** The serialized form of an error in a log line: nothing of its own properties but these. */
export interface LoggedError {
  type: string;
  message: string;
  code?: string | number;
  stack?: string;
  cause?: LoggedError;
}

const MESSAGE_MAX = 300;
const STACK_FRAMES = 6;

// Telegram bot tokens (123456:AA… with 33 more characters), also inside an API URL (/bot123456:AA…/getMe).
// Zalo tokens have no such shape: they are scrubbed as configured secrets.
const BOT_TOKEN = /\d{5,}:AA[A-Za-z0-9_-]{30,}/g;
const BEARER = /\b(Bearer|Basic)\s+[^\s"',;]+/gi;
// Vietnamese mobile and landline numbers, however written: 0912345678, 0912 345 678, 091.234.5678,
// +84912345678, 84 912 345 678, (+84) 91-234-5678. Not preceded or followed by another digit, so
// timestamps and ids are left alone.
const VN_PHONE = /(?<![\d+])(?:\(?\+?84\)?[\s.-]?|0)(?:\d[\s.-]?){8,9}\d?(?!\d)/g;

/** Text with secrets and phone numbers replaced; `secrets` are exact values from the configuration. */
export function scrubText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 6 && out.includes(s)) out = out.split(s).join("[secret]");
  return out.replace(BOT_TOKEN, "[token]").replace(BEARER, "$1 [secret]").replace(VN_PHONE, (m) => (isPhoneLike(m) ? "[phone]" : m));
}

/** 9 to 11 digits starting 0 or 84 (a plain digit run of that length that starts otherwise is not matched). */
function isPhoneLike(match: string): boolean {
  const digits = match.replace(/\D/g, "");
  if (digits.startsWith("84")) return digits.length >= 10 && digits.length <= 12;
  return digits.startsWith("0") && digits.length >= 9 && digits.length <= 11;
}

/**
 * The one way an error is written to a log: its type, message (shortened, scrubbed), code and the
 * first frames of its stack (frames only: the stack's first line repeats the message). A wrapped error
 * (grammY's BotError.error, `cause`) is kept the same way, one level down.
 */
export function serializeError(err: unknown, depth = 0): LoggedError {
  if (isLogged(err)) return err; // already serialized (an explicit call, then the logger's serializer)
  if (!(err instanceof Error)) {
    const type = err === null ? "null" : typeof err;
    return mark({ type, message: typeof err === "string" ? scrubText(err).slice(0, MESSAGE_MAX) : `(a thrown ${type})` });
  }
  const out: LoggedError = { type: err.constructor?.name || err.name || "Error", message: scrubText(String(err.message ?? "")).slice(0, MESSAGE_MAX) };
  const code = (err as { code?: unknown }).code ?? (err as { error_code?: unknown }).error_code;
  if (typeof code === "string" || typeof code === "number") out.code = typeof code === "string" ? code.slice(0, 40) : code;
  const frames = String(err.stack ?? "")
    .split("\n")
    .filter((l) => /^\s+at /.test(l))
    .slice(0, STACK_FRAMES)
    .map((l) => scrubText(l.trim()));
  if (frames.length) out.stack = frames.join("\n");
  const inner = (err as { error?: unknown }).error ?? (err as { cause?: unknown }).cause;
  if (inner !== undefined && depth < 1) out.cause = serializeError(inner, depth + 1);
  return mark(out);
}

const LOGGED = new WeakSet<object>();
function isLogged(err: unknown): err is LoggedError {
  return typeof err === "object" && err !== null && LOGGED.has(err);
}

const mark = (e: LoggedError) => (LOGGED.add(e), e);
const errorOnly = (v: unknown) => (v instanceof Error ? serializeError(v) : v);

export function createLogger(levelOrOptions: string | LoggerOptions = {}, toStderr = false): Logger {
  const o: LoggerOptions = typeof levelOrOptions === "string" ? { level: levelOrOptions, toStderr } : levelOrOptions;
  const secrets = (o.secrets ?? []).filter((s): s is string => typeof s === "string" && s.length >= 6);
  const options: pino.LoggerOptions = {
    level: o.level ?? process.env.LOG_LEVEL ?? "info",
    base: undefined,
    // `err` is always an error; `error` and `e` are sometimes a plain word ("unreachable"), kept as it is.
    serializers: { err: serializeError, cause: serializeError, error: errorOnly, e: errorOnly },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    hooks: { streamWrite: (line) => scrubText(line, secrets) },
  };
  if (o.destination) return pino(options, o.destination);
  return o.toStderr ? pino(options, pino.destination(2)) : pino(options);
}
