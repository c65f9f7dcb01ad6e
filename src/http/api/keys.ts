// API keys of partner marketplaces and carriers: parsed from the environment ("name:key,name:key") and
// checked in constant time. A name may appear more than once, so a key can be rotated without downtime
// (add the new key, let the client switch, remove the old one).
//
// src/config.ts uses this module, and the domain modules import config.ts (through db/client.ts), so
// it imports no domain module at run time (only types, and secret.ts which needs nothing else).
import { z } from "zod";
import type { Carrier } from "../../core/orders.ts";
import { secretMatches } from "../secret.ts";

export interface ApiKey {
  /** partner ("postmart") or carrier ("viettel_post") */
  name: string;
  key: string;
}

export const API_KEY_MIN_LENGTH = 24;
export const API_KEY_MAX_LENGTH = 256;

/** The carriers a key may be issued to: the same list as CARRIERS in src/core/orders.ts (checked by the compiler). */
export const CARRIER_KEY_NAMES = ["viettel_post", "vnpost"] as const satisfies readonly Carrier[];
// Fails to compile if a carrier is added to Carrier but not here.
const everyCarrierHasKeys: Exclude<Carrier, (typeof CARRIER_KEY_NAMES)[number]> extends never ? true : never = true;
void everyCarrierHasKeys;

const PARTNER_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;
// Printable ASCII without spaces or commas (the list separator): a valid HTTP header value as is.
const KEY_CHARS = /^[\x21-\x2b\x2d-\x7e]+$/;

/** Problems in a "name:key,name:key" list, each one naming the entry (never echoing the key). */
export function parseApiKeys(raw: string, opts: { names?: readonly string[] } = {}): { keys: ApiKey[]; problems: string[] } {
  const keys: ApiKey[] = [];
  const problems: string[] = [];
  const entries = raw.split(",").map((e) => e.trim());
  entries.forEach((entry, i) => {
    const where = `entry ${i + 1}`;
    if (entry === "") {
      problems.push(`${where} is empty (remove the extra comma)`);
      return;
    }
    const colon = entry.indexOf(":");
    if (colon < 0) {
      problems.push(`${where} must look like name:key`);
      return;
    }
    const name = entry.slice(0, colon).trim();
    const key = entry.slice(colon + 1).trim();
    if (opts.names ? !opts.names.includes(name) : !PARTNER_NAME.test(name)) {
      problems.push(
        opts.names
          ? `${where}: unknown name "${name.slice(0, 40)}" (expected one of ${opts.names.join(", ")})`
          : `${where}: name "${name.slice(0, 40)}" must be 1-40 characters of a-z 0-9 _ - (lower case)`,
      );
      return;
    }
    if (key.length < API_KEY_MIN_LENGTH || key.length > API_KEY_MAX_LENGTH) {
      problems.push(`${where} (${name}): key must be ${API_KEY_MIN_LENGTH}-${API_KEY_MAX_LENGTH} characters, it has ${key.length}`);
      return;
    }
    if (!KEY_CHARS.test(key)) {
      problems.push(`${where} (${name}): key must be printable ASCII without spaces or commas`);
      return;
    }
    if (keys.some((k) => k.key === key)) {
      problems.push(`${where} (${name}): the same key is listed twice`);
      return;
    }
    keys.push({ name, key });
  });
  return { keys, problems };
}

/** A config field: empty → no keys; otherwise every entry must be valid. */
export function apiKeysField(opts: { names?: readonly string[] } = {}) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): ApiKey[] => {
      if (!raw || raw.trim() === "") return [];
      const { keys, problems } = parseApiKeys(raw, opts);
      for (const message of problems) ctx.addIssue({ code: "custom", message });
      return keys;
    });
}

/** Keys present in both lists (a key must identify one client of one kind). */
export function sharedKeys(a: ApiKey[], b: ApiKey[]): string[] {
  return a.filter((x) => b.some((y) => y.key === x.key)).map((x) => x.name);
}

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
