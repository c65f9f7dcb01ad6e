// Constant-time comparison of webhook secrets. Hashing first gives equal-length inputs, so neither
// the content nor the length of the configured secret leaks through response timing.
import { createHash, timingSafeEqual } from "node:crypto";

export function secretMatches(received: unknown, expected: string): boolean {
  if (typeof received !== "string") return false;
  const a = createHash("sha256").update(received).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
