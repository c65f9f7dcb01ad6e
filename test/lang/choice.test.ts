import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { matchChoice } from "../../src/lang/choice.ts";

// Test data in Vietnamese is fine here: the no-Vietnamese rule is for src/, not for tests.
const YES_NO = ["✅ Đồng ý", "❌ Hủy"];
const PRODUCTS = ["🍑 Hồng không hạt", "🌰 Hạt dẻ", "🍊 Quýt", "🫚 Gừng", "Khác"];

describe("numbered replies (Zalo, terminal)", () => {
  it.each([
    ["2", 1],
    [" 2 ", 1],
    ["2.", 1],
    ["2)", 1],
    ["#2", 1],
    ["số 2", 1],
    ["Số 2", 1],
    ["so 2", 1],
    ["số2", 1],
    ["2️⃣", 1],
    ["1", 0],
    ["5", 4],
  ])("%j → %s", (reply, index) => {
    expect(matchChoice(reply, PRODUCTS, { numbers: true })).toBe(index);
  });

  it.each(["0", "6", "99", "-1", "2.5", "số 7"])("out of range or not a position: %j → null", (reply) => {
    expect(matchChoice(reply, PRODUCTS, { numbers: true })).toBeNull();
  });

  it("numbers mean nothing on channels with real buttons", () => {
    expect(matchChoice("2", PRODUCTS, { numbers: false })).toBeNull();
  });

  it("a number that is not a valid position can still be a label", () => {
    expect(matchChoice("10", ["10", "20", "50"], { numbers: true })).toBe(0);
    expect(matchChoice("2", ["10", "20", "50"], { numbers: true })).toBe(1);
  });
});

describe("typing the label", () => {
  it.each([
    ["Đồng ý", YES_NO, 0],
    ["dong y", YES_NO, 0],
    ["ĐỒNG Ý", YES_NO, 0],
    ["✅ Đồng ý", YES_NO, 0],
    ["đồng ý!", YES_NO, 0],
    ["huy", YES_NO, 1],
    ["Hủy", YES_NO, 1],
    ["Huỷ", YES_NO, 1], // other tone-mark placement
    ["quyt", PRODUCTS, 2],
    ["hat de", PRODUCTS, 1],
    ["khac", PRODUCTS, 4],
  ])("%j → %s", (reply, labels, index) => {
    expect(matchChoice(reply, labels, { numbers: false })).toBe(index);
    expect(matchChoice(reply, labels, { numbers: true })).toBe(index);
  });

  it.each([
    ["hong", 0], // "hồng không hạt"
    ["gừn", 3],
    ["hat", 1], // "hạt dẻ": "hồng không hạt" does not start with it
    ["dong", null], // not a label here
  ])("unambiguous prefix %j → %s", (reply, index) => {
    expect(matchChoice(reply, PRODUCTS, { numbers: true })).toBe(index);
  });

  it("refuses short or ambiguous prefixes", () => {
    expect(matchChoice("ho", PRODUCTS, { numbers: true })).toBeNull(); // under 3 characters
    expect(matchChoice("xa", ["Xã Chi Lăng", "Xã Quan Sơn"], { numbers: true })).toBeNull();
    expect(matchChoice("xa chi", ["Xã Chi Lăng", "Xã Quan Sơn"], { numbers: true })).toBe(0);
  });

  it("refuses two labels that fold to the same text", () => {
    expect(matchChoice("ho", ["Hồ", "Họ"], { numbers: false })).toBeNull();
  });

  it.each(["", "   ", "🙂", "không biết", "' OR 1=1 --"])("anything else → null: %j", (reply) => {
    expect(matchChoice(reply, YES_NO, { numbers: true })).toBeNull();
  });

  it("labels that are only emoji never match by text", () => {
    expect(matchChoice("", ["👍", "👎"], { numbers: false })).toBeNull();
    expect(matchChoice("👍", ["👍", "👎"], { numbers: false })).toBeNull();
  });

  it("no labels → null", () => {
    expect(matchChoice("1", [], { numbers: true })).toBeNull();
  });
});

describe("properties", () => {
  it("never returns an out-of-range index", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: "grapheme" }), fc.stringMatching(/^(số |#)?\d{1,3}\.?$/)),
        fc.array(fc.string({ unit: "grapheme", maxLength: 20 }), { maxLength: 8 }),
        fc.boolean(),
        (reply, labels, numbers) => {
          const i = matchChoice(reply, labels, { numbers });
          if (i !== null) {
            expect(Number.isInteger(i)).toBe(true);
            expect(i).toBeGreaterThanOrEqual(0);
            expect(i).toBeLessThan(labels.length);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("every label selects itself when labels fold to distinct non-empty texts", () => {
    const labels = ["✅ Đồng ý", "✏️ Sửa lại", "❌ Hủy", "Hồng", "Hồng không hạt"];
    labels.forEach((label, i) => expect(matchChoice(label, labels, { numbers: true })).toBe(i));
  });
});
