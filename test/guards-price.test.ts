// Per-kg prices are rounded to the nearest whole dong, half up: every expected value below is worked
// out by hand (the arithmetic is in the comment), never by calling makePrice, so rounding down
// (Math.floor), rounding up (Math.ceil) or truncating in src/lang/price.ts fails here.
import { describe, expect, it } from "vitest";
import { makePrice, parsePrice } from "../src/lang/price.ts";

describe("per-kg price rounding (src/lang/price.ts)", () => {
  it.each([
    // text, vnd, per, vndPerKg — hand-computed
    ["45.005đ/yến", 45_005, "yen", 4_501], // 45 005 / 10 = 4 500,5 → 4 501 (half up)
    ["45.005 đồng một yến", 45_005, "yen", 4_501], // the same in words
    ["12.345đ/yến", 12_345, "yen", 1_235], // 1 234,5 → 1 235
    ["12.341đ/yến", 12_341, "yen", 1_234], // 1 234,1 → 1 234 (down, not up)
    ["1.999.999đ/tạ", 1_999_999, "ta", 20_000], // 19 999,99 → 20 000
    ["2.500.700đ/tấn", 2_500_700, "tan", 2_501], // 2 500,7 → 2 501
    ["2.500.300đ/tấn", 2_500_300, "tan", 2_500], // 2 500,3 → 2 500
    ["1tr/3 tạ", 333_333, "ta", 3_333], // 1 000 000 / 3 = 333 333,33 → 333 333 a tạ; / 100 = 3 333,33 → 3 333
    ["100k/3 yến", 33_333, "yen", 3_333], // 33 333,33 → 33 333 a yến; / 10 = 3 333,3 → 3 333
    ["20k/3 kg", 6_667, "kg", 6_667], // 20 000 / 3 = 6 666,67 → 6 667
    ["10k/3kg", 3_333, "kg", 3_333], // 3 333,33 → 3 333
    ["35đ/lạng", 35, "lang", 350], // a lạng is 100 g: 35 × 10
    ["5đ/g", 5, "g", 5_000], // 5 × 1 000
  ])("%s → %d đ per %s, %d đ/kg", (text, vnd, per, vndPerKg) => {
    expect(parsePrice(text)).toEqual({ vnd, per, vndPerKg });
  });

  it.each([
    // vnd, per → vnd, vndPerKg — hand-computed
    [12_345.5, "kg", 12_346, 12_346], // a fractional amount (a lot price divided by its quantity) rounds half up
    [12_345.4, "kg", 12_345, 12_345],
    [80_000.5, null, 80_001, null], // no unit: no per-kg price, the amount still rounds half up
    [6_666.6, "bo", 6_667, null], // a counted unit has no per-kg price
    [45_005, "yen", 45_005, 4_501], // 4 500,5 → 4 501
    [45_004.6, "yen", 45_005, 4_501], // the amount is rounded first (45 005), then divided
    [1_000_001, "tan", 1_000_001, 1_000], // 1 000,001 → 1 000
    [1_999_999, "ta", 1_999_999, 20_000], // 19 999,99 → 20 000
  ] as const)("makePrice(%d, %s) → %d đ, %s đ/kg", (input, per, vnd, vndPerKg) => {
    expect(makePrice(input, per)).toEqual({ vnd, per, vndPerKg });
  });

  it("prices are whole dong: every amount and per-kg price above is an integer", () => {
    for (const [input, per] of [[12_345.5, "kg"], [33_333.33, "yen"], [1_999_999, "ta"], [7.5, "g"]] as const) {
      const p = makePrice(input, per);
      expect(Number.isInteger(p.vnd), `${input} ${per}`).toBe(true);
      expect(Number.isInteger(p.vndPerKg), `${input} ${per}`).toBe(true);
    }
    // 7,5 đ a gram: the amount rounds to 8 đ, which is 8 000 đ/kg
    expect(makePrice(7.5, "g")).toEqual({ vnd: 8, per: "g", vndPerKg: 8_000 });
  });
});
