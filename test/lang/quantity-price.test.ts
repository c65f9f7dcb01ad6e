// Quantities and prices on their own, and their Vietnamese formatting.

import { describe, expect, it } from "vitest";
import { formatPrice, parsePrice } from "../../src/lang/price.ts";
import { formatQuantity, parseQuantity } from "../../src/lang/quantity.ts";

describe("parseQuantity", () => {
  it.each([
    ["2 tạ", 2, "ta", 200],
    ["2 ta", 2, "ta", 200],
    ["2tạ", 2, "ta", 200],
    ["1,5 tạ", 1.5, "ta", 150],
    ["2 tạ rưỡi", 2.5, "ta", 250],
    ["tạ rưỡi", 1.5, "ta", 150],
    ["nửa tạ", 0.5, "ta", 50],
    ["hai tạ", 2, "ta", 200],
    ["2 tạ 5", 2.5, "ta", 250], // spoken: the next unit down
    ["2 tạ 5 yến", 2.5, "ta", 250],
    ["1 tấn 2", 1.2, "tan", 1200],
    ["1 tấn", 1, "tan", 1000],
    ["3 yến", 3, "yen", 30],
    ["năm chục cân", 50, "kg", 50],
    ["2 cân 3 lạng", 2.3, "kg", 2.3],
    ["hai cân ba", 2.3, "kg", 2.3],
    ["2 cân rưỡi", 2.5, "kg", 2.5],
    ["5 lạng", 5, "lang", 0.5],
    ["500 g", 500, "g", 0.5],
    ["500gr", 500, "g", 0.5],
    ["2 kg", 2, "kg", 2],
    ["2 ký", 2, "kg", 2],
    ["2 kí", 2, "kg", 2],
    ["2 ki lô", 2, "kg", 2],
    ["2 kilogam", 2, "kg", 2],
    ["1.500 kg", 1500, "kg", 1500],
    ["trăm rưỡi cân", 150, "kg", 150],
  ])("%s -> %d %s (%d kg)", (text, value, unit, kg) => {
    expect(parseQuantity(text)).toEqual({ value, unit, kg });
  });

  it.each([
    ["10 quả", 10, "qua"],
    ["10 trái", 10, "qua"],
    ["3 con", 3, "con"],
    ["4 chai", 4, "chai"],
    ["2 hộp", 2, "hop"],
    ["5 bó", 5, "bo"],
    ["2 bao", 2, "bao"],
    ["hai chục quả", 20, "qua"],
    ["2 lít", 2, "lit"],
    ["500 ml", 500, "ml"],
  ])("%s keeps the counted or volume unit, without a weight", (text, value, unit) => {
    expect(parseQuantity(text)).toEqual({ value, unit, kg: null });
  });

  it.each([
    ["1.5 tạ", [150, 1500]],
    ["1,500 kg", [1.5, 1500]],
    ["1-2 tạ", [100, 200]],
    ["1 đến 2 tạ", [100, 200]],
  ])("%s is ambiguous", (text, kgs) => {
    const q = parseQuantity(text);
    expect(q).toHaveProperty("ambiguous");
    expect((q as { ambiguous: { kg: number }[] }).ambiguous.map((r) => r.kg)).toEqual(kgs);
  });

  it.each([
    "gà ta", // local chicken, not 100 kg
    "cần bán hồi", // "cần" (need) folds to "can" (kg)
    "Lạng Sơn",
    "2 Lạng Sơn",
    "năm nay",
    "80k/kg", // the unit of a price is no quantity
    "bà con ơi", // folks, not three head
    "bà ta bán", // she sells
    "giao tận nhà",
    "0912345678",
    "",
  ])("%s has no quantity", (text) => {
    expect(parseQuantity(text)).toBeNull();
  });
});

describe("parsePrice", () => {
  it.each([
    ["80k", 80000, null, null],
    ["80K", 80000, null, null],
    ["80 nghìn", 80000, null, null],
    ["80 ngàn", 80000, null, null],
    ["80.000đ", 80000, null, null],
    ["80.000 đồng", 80000, null, null],
    ["80.000 VNĐ", 80000, null, null],
    ["80.000₫", 80000, null, null],
    ["80,000đ", 80000, null, null], // English grouping; 80 d is no price
    ["1tr2", 1200000, null, null],
    ["1 triệu 2", 1200000, null, null],
    ["1,2 triệu", 1200000, null, null],
    ["tám mươi nghìn", 80000, null, null],
    ["giá 80", 80000, null, null], // a bare price is in thousands
    ["giá 80000", 80000, null, null],
    ["80đ", 80, null, null], // written out, so taken as written (the listing warns)
    ["80k/kg", 80000, "kg", 80000],
    ["80k / kg", 80000, "kg", 80000],
    ["80k/1kg", 80000, "kg", 80000],
    ["80 nghìn một cân", 80000, "kg", 80000],
    ["80 nghìn 1 ký", 80000, "kg", 80000],
    ["mỗi cân 80k", 80000, "kg", 80000],
    ["một cân 80 nghìn", 80000, "kg", 80000],
    ["8 triệu 1 tạ", 8000000, "ta", 80000],
    ["8tr/tạ", 8000000, "ta", 80000],
    ["1 triệu 2 một tạ", 1200000, "ta", 12000],
    ["1 triệu rưỡi 1 tạ", 1500000, "ta", 15000],
    ["50 nghìn 1 lạng", 50000, "lang", 500000],
    ["80.000 đ/kg", 80000, "kg", 80000],
    ["5k/quả", 5000, "qua", null],
    ["500k/lít", 500000, "lit", null],
    ["20k/3 bó", 6667, "bo", null],
    ["1 trăm 2 một cân", 120000, "kg", 120000],
  ])("%s -> %d per %s", (text, vnd, per, vndPerKg) => {
    expect(parsePrice(text)).toEqual({ vnd, per, vndPerKg });
  });

  it.each([
    ["1.5tr", [1500000, 15000000]],
    ["giá 1.5", [1500, 15000]],
    ["1,200k", [1200, 1200000]],
    ["80-90k", [80000, 90000]],
    ["80 đến 90 nghìn", [80000, 90000]],
  ])("%s is ambiguous", (text, vnds) => {
    const p = parsePrice(text);
    expect(p).toHaveProperty("ambiguous");
    expect((p as { ambiguous: { vnd: number }[] }).ambiguous.map((r) => r.vnd)).toEqual(vnds);
  });

  it.each(["2 tạ", "hồi khô", "0912345678", "năm 2024", "80", "k"])("%s has no price", (text) => {
    expect(parsePrice(text)).toBeNull();
  });
});

describe("formatting, Vietnamese style", () => {
  it.each([
    [{ value: 1.5, unit: "ta" }, "1,5 tạ"],
    [{ value: 2, unit: "kg" }, "2 kg"],
    [{ value: 1500, unit: "kg" }, "1.500 kg"],
    [{ value: 3, unit: "qua" }, "3 quả"],
    [{ value: 5, unit: "lang" }, "5 lạng"],
    [{ value: 2.25, unit: "tan" }, "2,25 tấn"],
  ])("%j -> %s", (q, text) => {
    expect(formatQuantity(q)).toBe(text);
  });

  it.each([
    [{ vnd: 80000, per: null }, "80.000 đ"],
    [{ vnd: 80000, per: "kg" }, "80.000 đ/kg"],
    [{ vnd: 8000000, per: "ta" }, "8.000.000 đ/tạ"],
    [{ vnd: 5000, per: "qua" }, "5.000 đ/quả"],
  ])("%j -> %s", (p, text) => {
    expect(formatPrice(p)).toBe(text);
  });
});
