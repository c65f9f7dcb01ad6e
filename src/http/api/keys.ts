// Checking the API key a partner or carrier presents (Authorization: Bearer), in constant time. The keys
// themselves are configured and validated in src/api-keys.ts.
import type { ApiKey } from "../../api-keys.ts";
import { secretMatches } from "../secret.ts";

/**
 * The client whose key was presented, or null. Every configured key is compared (in constant time,
 * through secretMatches) whatever matched before, so the response time says nothing about which key
 * or how much of it was right.
 */
export function findClient(received: string | null, keys: readonly ApiKey[]): string | null {
  let found: string | null = null;
  for (const k of keys) {
    // Always compare; the result is only kept if nothing matched before.
    // Stryker disable next-line StringLiteral: a missing token is refused by the return below whatever it is compared as
    const match = secretMatches(received ?? "", k.key);
    if (match && found === null) found = k.name;
  }
  return received ? found : null;
}

/** The token of "Authorization: Bearer <token>" (scheme case-insensitive), or null. */
export function bearerToken(header: string | string[] | undefined): string | null {
  if (typeof header !== "string") return null;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m ? m[1] : null;
}
