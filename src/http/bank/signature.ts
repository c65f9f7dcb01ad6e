// Constant-time comparison of two hex digests (HMAC signatures): equal-length buffers by construction,
// and a malformed header is simply a mismatch.
import { createHmac, timingSafeEqual } from "node:crypto";

export function hmacHex(algorithm: "sha256" | "sha512", key: string, message: string): string {
  return createHmac(algorithm, key).update(message, "utf8").digest("hex");
}

export function hexMatches(received: string | undefined, expected: string): boolean {
  if (!received || !/^[0-9a-fA-F]+$/.test(received) || received.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(received.toLowerCase(), "hex"), Buffer.from(expected, "hex"));
}

export const header = (headers: Record<string, string | string[] | undefined>, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};
