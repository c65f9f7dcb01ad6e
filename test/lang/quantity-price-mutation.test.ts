// Guards of the price and quantity code that the mutation run (npm run test:mutation) found
// unprotected: per-kg rounding, the "total" price, weak quantities followed by punctuation, unit kinds,
// and formatting to two decimals. Expected values are worked out by hand in the comments.

import { describe, expect, it } from "vitest";
import { formatPrice, makePrice, parsePrice } from "../../src/lang/price.ts";
import { formatQuantity, isCountUnit, isMassUnit, makeQuantity, parseQuantity } from "../../src/lang/quantity.ts";

describe("per-kg price: rounded to the nearest dong, neither floored nor ceiled", () => {
  it.each([
    // 55.555 d per yen (10 kg) = 5.555,5 d/kg -> 5.556 (half rounds up)
    ["55.555đ/yến", 55555, "yen", 5556],
    // 55.554 d per yen = 5.555,4 d/kg -> 5.555
    ["55.554đ/yến", 55554, "yen", 5555],
    // 1.234.567 d per ta (100 kg) = 12.345,67 d/kg -> 12.346
    ["1.234.567 đ/tạ", 1234567, "ta", 12346],
    // 1.234.567 d per tan (1000 kg) = 1.234,567 d/kg -> 1.235
    ["1.234.567đ/tấn", 1234567, "tan", 1235],
  ])("%s -> %d d per %s, %d d/kg", (text, vnd, per, vndPerKg) => {
    expect(parsePrice(text)).toEqual({ vnd, per, vndPerKg });
  });

  it("rounds the amount itself before dividing it", () => {
    // 99.999,6 -> 100.000 d per ta -> 1.000 d/kg (from the rounded amount, not 999,996)
    expect(makePrice(99999.6, "ta")).toEqual({ vnd: 100000, per: "ta", vndPerKg: 1000 });
    // 12.345,4 d per lang (0,1 kg) -> 12.345 d -> 123.450 d/kg
    expect(makePrice(12345.4, "lang")).toEqual({ vnd: 12345, per: "lang", vndPerKg: 123450 });
  });

  it("has no per-kg price for counted units, volumes, the whole lot or no unit", () => {
    expect(makePrice(5000, "qua")).toEqual({ vnd: 5000, per: "qua", vndPerKg: null });
    expect(makePrice(30000, "lit")).toEqual({ vnd: 30000, per: "lit", vndPerKg: null });
    expect(makePrice(2000000, "total")).toEqual({ vnd: 2000000, per: "total", vndPerKg: null });
    expect(makePrice(80000, null)).toEqual({ vnd: 80000, per: null, vndPerKg: null });
  });
});

describe("formatting", () => {
  it("writes a price for the whole lot without a unit", () => {
    expect(formatPrice({ vnd: 2000000, per: "total" })).toBe("2.000.000 đ");
  });

  it("keeps at most two decimals of a quantity, rounded", () => {
    // 1,2345 -> 1,23; 0,005 kg is 5 g and still shows as 0,01
    expect(formatQuantity({ value: 1.2345, unit: "kg" })).toBe("1,23 kg");
    expect(formatQuantity({ value: 2.678, unit: "ta" })).toBe("2,68 tạ");
    expect(formatQuantity({ value: 1500.5, unit: "kg" })).toBe("1.500,5 kg");
  });
});

describe("quantities", () => {
  it("reads a weak pair ('ba con', three head) at the end even when punctuation follows", () => {
    for (const text of ["ba con", "ba con.", "bán ba con!", "ba con ."]) {
      expect(parseQuantity(text), text).toEqual({ value: 3, unit: "con", kg: null });
    }
    // ...but not when words follow: "ba con oi" is "folks"
    expect(parseQuantity("ba con ơi.")).toBeNull();
  });

  it("knows which units are weighed and which are counted", () => {
    for (const u of ["g", "lang", "kg", "yen", "ta", "tan"]) {
      expect(isMassUnit(u), u).toBe(true);
      expect(isCountUnit(u), u).toBe(false);
    }
    for (const u of ["qua", "con", "chai", "bo"]) {
      expect(isMassUnit(u), u).toBe(false);
      expect(isCountUnit(u), u).toBe(true);
    }
    for (const u of ["lit", "ml"]) {
      expect(isMassUnit(u), u).toBe(false);
      expect(isCountUnit(u), u).toBe(false);
    }
  });

  it("treats a unit code it does not know as neither, without throwing (codes come from stored rows)", () => {
    expect(isMassUnit("thung_lon")).toBe(false);
    expect(isCountUnit("thung_lon")).toBe(false);
    expect(makeQuantity(2, "thung_lon")).toEqual({ value: 2, unit: "thung_lon", kg: null });
  });

  it("weighs mass units by their factor and rounds away float noise", () => {
    // 0,1 + 0,2 ta = 0,3 ta = 30 kg (not 30,000000000000004)
    expect(makeQuantity(0.1 + 0.2, "ta")).toEqual({ value: 0.3, unit: "ta", kg: 30 });
    // 3 lang = 0,3 kg
    expect(makeQuantity(3, "lang")).toEqual({ value: 3, unit: "lang", kg: 0.3 });
    expect(makeQuantity(12, "qua")).toEqual({ value: 12, unit: "qua", kg: null });
  });
});
