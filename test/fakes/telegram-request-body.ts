// How the fake Telegram server reads a request body: grammY sends JSON, a urlencoded form, or multipart
// when it uploads a file, and the real API accepts all three with objects as JSON strings in form fields.
// Every body ends up as one normalised Payload, so the method handlers never see the encoding.
import type http from "node:http";
import type { Payload } from "./telegram-types.ts";
import { badRequest, isObject } from "./telegram-wire.ts";

/** Fields that form/multipart bodies carry as JSON strings. */
const JSON_FIELDS = [
  "reply_markup", "entities", "caption_entities", "commands", "scope",
  "allowed_updates", "reply_parameters", "link_preview_options", "media",
];

export async function readPayload(req: http.IncomingMessage): Promise<Payload> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  if (raw.length === 0) return {};
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (type.startsWith("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString("utf8"));
    } catch {
      throw badRequest("can't parse JSON object");
    }
    return isObject(parsed) ? normaliseFields(parsed) : {};
  }
  if (type.startsWith("application/x-www-form-urlencoded")) {
    return normaliseFields(Object.fromEntries(new URLSearchParams(raw.toString("utf8"))));
  }
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type.startsWith("multipart/form-data") ? (req.headers["content-type"] as string) : "");
  if (boundary) return normaliseFields(parseMultipart(raw, boundary[1] ?? boundary[2]));
  return {};
}

/** Form bodies carry objects as JSON strings (Telegram accepts that in JSON bodies too). */
export function normaliseFields(p: Payload): Payload {
  const out: Payload = { ...p };
  for (const field of JSON_FIELDS) {
    const v = out[field];
    if (typeof v !== "string") continue;
    try {
      out[field] = JSON.parse(v);
    } catch {
      throw badRequest(`can't parse ${field} JSON object`);
    }
  }
  for (const flag of ["drop_pending_updates", "show_alert", "allow_sending_without_reply"]) {
    if (out[flag] === "true") out[flag] = true;
    if (out[flag] === "false") out[flag] = false;
  }
  return out;
}

/** Minimal multipart/form-data parser; grammY sends files as parts referenced by "attach://<name>". */
function parseMultipart(raw: Buffer, boundary: string): Payload {
  const fields: Payload = {};
  const files: Record<string, { filename: string; size: number; data: Buffer }> = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = raw.indexOf(delimiter);
  while (pos !== -1) {
    const start = pos + delimiter.length;
    if (raw.subarray(start, start + 2).toString() === "--") break; // closing delimiter
    const next = raw.indexOf(delimiter, start);
    if (next === -1) break;
    const part = raw.subarray(start + 2, next - 2); // strip the CRLFs around the part
    const headerEnd = part.indexOf("\r\n\r\n");
    const headers = part.subarray(0, headerEnd).toString("utf8");
    const content = part.subarray(headerEnd + 4);
    const name = /;\s*name="([^"]*)"/i.exec(headers)?.[1];
    const filename = /;\s*filename="?([^";\r\n]*)"?/i.exec(headers)?.[1];
    if (name !== undefined) {
      if (filename !== undefined) files[name] = { filename, size: content.length, data: Buffer.from(content) };
      else fields[name] = content.toString("utf8");
    }
    pos = next;
  }
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === "string" && v.startsWith("attach://") && files[v.slice(9)]) fields[k] = files[v.slice(9)];
  }
  return fields;
}
