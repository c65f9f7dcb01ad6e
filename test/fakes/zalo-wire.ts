// The fake Zalo server's wire-level helpers: its API error, request bodies (JSON or urlencoded), the chat
// a method targets, Zalo-looking ids, and the one-shot POST that delivers an update to a webhook. Pure
// functions of the wire format, kept apart from the server's state and scripting.
import { randomBytes } from "node:crypto";
import http from "node:http";

export const hexId = () => randomBytes(10).toString("hex");

/** What the fake answers as `{ok:false, error_code, description}`. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
  ) {
    super(description);
  }
}

export function requireChat(p: Record<string, unknown>): string {
  const chatId = p.chat_id;
  if (typeof chatId !== "string" && typeof chatId !== "number") throw new ApiError(400, "Bad Request: chat_id is required");
  return String(chatId);
}

/** Bot ids look like "1459232241454765289"; a fresh one per fake, as a new bot would have. */
export function randomBotId(): string {
  return `14${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
}

export async function readBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  if (raw === "") return {};
  const type = req.headers["content-type"] ?? "";
  if (type.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw));
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    throw new ApiError(400, "Bad Request: malformed JSON");
  }
}

/** One POST without keep-alive, so nothing lingers when the bot's server closes. */
export function post(url: string, body: unknown, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const data = JSON.stringify(body);
    const req = http.request(
      url,
      { method: "POST", agent: false, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(data), ...headers } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", () => resolve(0));
    req.end(data);
  });
}
