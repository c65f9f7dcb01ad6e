// secretMatches (src/http/secret.ts), which guards both webhooks and, through findClient, the API keys.
// The webhook suites send wrong secrets of other lengths; these are the same length, or differ in one
// character, or are no string at all.

import { describe, expect, it } from "vitest";
import { secretMatches } from "../src/http/secret.ts";

const secret = "s3cr3t-Webhook_Token-0123456789";

describe("secretMatches", () => {
  it("accepts exactly the configured secret", () => {
    expect(secretMatches(secret, secret)).toBe(true);
  });

  it("refuses a secret of the same length that differs in one character, anywhere", () => {
    for (const i of [0, 10, secret.length - 1]) {
      const wrong = secret.slice(0, i) + (secret[i] === "x" ? "y" : "x") + secret.slice(i + 1);
      expect(wrong).toHaveLength(secret.length);
      expect(secretMatches(wrong, secret), wrong).toBe(false);
    }
    expect(secretMatches(secret.toUpperCase(), secret)).toBe(false);
  });

  it("refuses prefixes, extensions and the empty string", () => {
    expect(secretMatches(secret.slice(0, -1), secret)).toBe(false);
    expect(secretMatches(`${secret}0`, secret)).toBe(false);
    expect(secretMatches("", secret)).toBe(false);
    expect(secretMatches(` ${secret}`, secret)).toBe(false);
  });

  it("refuses what is not a string: a missing header, a repeated one, a number", () => {
    expect(secretMatches(undefined, secret)).toBe(false);
    expect(secretMatches(null, secret)).toBe(false);
    expect(secretMatches([secret], secret)).toBe(false);
    expect(secretMatches([secret, secret], secret)).toBe(false);
    expect(secretMatches(123, "123")).toBe(false);
  });
});
