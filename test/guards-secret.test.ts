// secretMatches (src/http/secret.ts) guards both webhooks and every API key: only the exact secret
// passes. The wrong secrets here have the same length as the right one, so a comparison of lengths
// (or of a prefix, or of anything but every byte) lets one of them through and fails a test.
import { describe, expect, it } from "vitest";
import { secretMatches } from "../src/http/secret.ts";

const SECRET = "test-secret_0123456789abcdef"; // 28 characters
const at = (s: string, i: number, c: string) => s.slice(0, i) + c + s.slice(i + 1);

describe("secretMatches", () => {
  it("accepts the exact secret", () => {
    expect(secretMatches(SECRET, SECRET)).toBe(true);
    expect(secretMatches("x", "x")).toBe(true);
    expect(secretMatches("mật-khẩu-bí-mật", "mật-khẩu-bí-mật")).toBe(true);
  });

  it("refuses a secret of the same length that differs in one character, wherever it is", () => {
    const mid = Math.floor(SECRET.length / 2);
    const wrong = [
      at(SECRET, 0, "T"), // first
      at(SECRET, SECRET.length - 1, "F"), // last
      at(SECRET, mid, SECRET[mid] === "x" ? "y" : "x"), // middle
      at(SECRET, 1, "E"), // a letter's case
      at(SECRET, 5, "S"),
    ];
    for (const w of wrong) {
      expect(w).toHaveLength(SECRET.length);
      expect(w).not.toBe(SECRET);
      expect(secretMatches(w, SECRET), w).toBe(false);
    }
    // every single position, with the same number of characters
    for (let i = 0; i < SECRET.length; i++) {
      const w = at(SECRET, i, SECRET[i] === "Z" ? "Y" : "Z");
      expect(secretMatches(w, SECRET), `position ${i}`).toBe(false);
    }
  });

  it("refuses a secret of the same length that is wholly different, reversed or shifted", () => {
    expect(secretMatches("x".repeat(SECRET.length), SECRET)).toBe(false);
    expect(secretMatches([...SECRET].reverse().join(""), SECRET)).toBe(false);
    expect(secretMatches(SECRET.slice(1) + SECRET[0], SECRET)).toBe(false);
  });

  it("refuses empty, missing and non-string values, and prefixes or extensions of the secret", () => {
    expect(secretMatches("", SECRET)).toBe(false);
    expect(secretMatches(undefined, SECRET)).toBe(false);
    expect(secretMatches(null, SECRET)).toBe(false);
    expect(secretMatches([SECRET], SECRET)).toBe(false); // a header sent twice
    expect(secretMatches(Buffer.from(SECRET), SECRET)).toBe(false);
    expect(secretMatches(SECRET.slice(0, -1), SECRET)).toBe(false);
    expect(secretMatches(`${SECRET}x`, SECRET)).toBe(false);
    expect(secretMatches(` ${SECRET}`, SECRET)).toBe(false);
    expect(secretMatches(SECRET, "")).toBe(false);
  });

  it("compares unicode exactly: same number of characters, other bytes, or another normal form", () => {
    const vi = "khóa-bí-mật-2024"; // precomposed (NFC)
    expect(secretMatches("khoa-bi-mat-2024", vi)).toBe(false); // accents dropped: same length in characters
    expect(secretMatches("khóa-bí-mật-2025", vi)).toBe(false);
    expect(secretMatches("khòa-bí-mật-2024", vi)).toBe(false); // another tone mark, same length
    expect(secretMatches(vi.normalize("NFD"), vi)).toBe(false); // the same letters, decomposed
    // a secret of ASCII letters against one where a letter became a look-alike (Cyrillic а)
    expect(secretMatches(SECRET.replace("a", "\u0430"), SECRET)).toBe(false);
    expect(SECRET.replace("a", "\u0430")).toHaveLength(SECRET.length);
    // an emoji (two UTF-16 units) against two ASCII characters: same .length
    expect(secretMatches(`${SECRET.slice(0, -2)}🔑`, SECRET)).toBe(false);
    expect(`${SECRET.slice(0, -2)}🔑`).toHaveLength(SECRET.length);
  });
});
