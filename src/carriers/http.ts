// JSON over HTTP for the carrier clients: a bounded wait, and one error type for "may or may not have
// arrived" (timeouts, network errors, 5xx), which the booking treats differently from a refusal.
import { CarrierUnavailable } from "./port.ts";

export interface HttpAnswer {
  status: number;
  json: unknown;
}

export async function postJson(url: string, body: unknown, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json;charset=UTF-8", accept: "application/json", ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    throw new CarrierUnavailable(`${new URL(url).pathname}: ${(e as Error).name === "TimeoutError" ? "timed out" : "network error"}`, e);
  }
  const text = await res.text().catch(() => "");
  if (res.status >= 500) throw new CarrierUnavailable(`${new URL(url).pathname}: HTTP ${res.status}`);
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    if (res.ok) throw new CarrierUnavailable(`${new URL(url).pathname}: not JSON`);
  }
  return { status: res.status, json };
}

export async function getJson(url: string, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: "application/json", ...headers }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw new CarrierUnavailable(`${new URL(url).pathname}: ${(e as Error).name === "TimeoutError" ? "timed out" : "network error"}`, e);
  }
  if (res.status >= 500) throw new CarrierUnavailable(`${new URL(url).pathname}: HTTP ${res.status}`);
  return { status: res.status, json: await res.json().catch(() => null) };
}

/** A JWT's `exp` (seconds) as a Date, or null when it has none (the carriers' `expired` fields are unreliable). */
export function jwtExpiry(token: string): Date | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const exp = (JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as { exp?: unknown }).exp;
    return typeof exp === "number" ? new Date(exp * 1000) : null;
  } catch {
    return null;
  }
}
