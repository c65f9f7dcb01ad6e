import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { matchChoice, readChoice, type ChoiceOption } from "../../src/lang/choice.ts";

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

// ---- Answers in words (issue 20): the options as the flows declare them, with their roles. ----

const CONSENT: ChoiceOption[] = [
  { label: "✅ Đồng ý", roles: ["yes"] },
  { label: "Không đồng ý", roles: ["no"] },
  { label: "🛒 Tôi chỉ muốn mua hàng" },
];
const PAYMENT: ChoiceOption[] = ["Viettel Money", "Postpay (Bưu điện)", "MoMo", "Ứng dụng ngân hàng", "Loại khác", "Chưa có"].map((label) => ({ label }));
const CARRIER: ChoiceOption[] = [{ label: "Viettel Post" }, { label: "Vietnam Post (Bưu điện)" }];
const SUMMARY: ChoiceOption[] = [{ label: "✅ Đăng bán", roles: ["yes", "done"] }, { label: "📷 Thêm ảnh" }, { label: "✏️ Sửa" }];
const LEAVE: ChoiceOption[] = [{ label: "📬 Xem đơn hàng", roles: ["yes"] }, { label: "↩️ Làm tiếp việc đang dở", roles: ["no"] }];
const PICKUP: ChoiceOption[] = [{ label: "🚚 Gọi bưu điện lấy hàng" }, { label: "Tự mang ra bưu điện" }, { label: "↩️ Quay lại" }];
const COD: ChoiceOption[] = [{ label: "✅ Thu hộ 500.000đ", roles: ["yes"] }, { label: "Không thu hộ (đã nhận tiền)", roles: ["no"] }];
const MORE: ChoiceOption[] = [{ label: "➕ Đăng ký hộ khác", roles: ["yes"] }, { label: "✅ Xong", roles: ["no", "done"] }];

const read = (reply: string, options: ChoiceOption[], opts: { numbers?: boolean; strict?: boolean } = {}) =>
  readChoice(reply, options, { numbers: opts.numbers ?? true, strict: opts.strict });

describe("answers in words", () => {
  it.each<[string, ChoiceOption[], number]>([
    // positions
    ["so 2", CONSENT, 1],
    ["số 3 nhé", CONSENT, 2],
    ["cai thu hai", CONSENT, 1],
    ["cái thứ ba", CONSENT, 2],
    ["thu 2", CONSENT, 1],
    ["chon 1", CONSENT, 0],
    ["cai dau tien", CONSENT, 0],
    ["cai cuoi", CONSENT, 2],
    ["hai", CONSENT, 1],
    // the yes/no family, by role
    ["dung roi", CONSENT, 0],
    ["ok", CONSENT, 0],
    ["oke", CONSENT, 0],
    ["u", CONSENT, 0],
    ["uh", CONSENT, 0],
    ["vâng ạ", CONSENT, 0],
    ["co", CONSENT, 0],
    ["có ạ", CONSENT, 0],
    ["đúng", CONSENT, 0],
    ["dong y nhe", CONSENT, 0],
    ["duoc", CONSENT, 0],
    ["khong", CONSENT, 1],
    ["ko", CONSENT, 1],
    ["k", CONSENT, 1],
    ["thôi", CONSENT, 1],
    ["chua", CONSENT, 1],
    ["mua hang", CONSENT, 2],
    // finish, send, publish
    ["dang di", SUMMARY, 0],
    ["gui di", SUMMARY, 0],
    ["xong", SUMMARY, 0],
    ["ok", SUMMARY, 0],
    ["them anh", SUMMARY, 1],
    ["sua", SUMMARY, 2],
    ["xong", MORE, 1],
    ["thoi", MORE, 1],
    ["co", MORE, 0],
    // a distinctive part of the label, with or without diacritics, small typos
    ["co viettel money", PAYMENT, 0],
    ["viettel money", PAYMENT, 0],
    ["vietel money", PAYMENT, 0],
    ["viettelmoney", PAYMENT, 0],
    ["momo", PAYMENT, 2],
    ["mo mo", PAYMENT, 2],
    ["ngan hang", PAYMENT, 3],
    ["app ngân hàng", PAYMENT, 3],
    ["chua co", PAYMENT, 5],
    ["buu dien", CARRIER, 1],
    ["bưu điện", CARRIER, 1],
    ["viettel", CARRIER, 0],
    ["viettel post", CARRIER, 0],
    ["vietnam post", CARRIER, 1],
    ["goi buu dien den lay hang", PICKUP, 0],
    ["tu mang ra", PICKUP, 1],
    // the leave question
    ["lam tiep", LEAVE, 1],
    ["làm tiếp việc đang dở", LEAVE, 1],
    ["xem don", LEAVE, 0],
    ["co", LEAVE, 0],
    ["khong", LEAVE, 1],
    ["không thu hộ", COD, 1],
    ["ok", COD, 0],
  ])("%j → option %s", (reply, options, index) => {
    expect(read(reply, options)).toEqual({ kind: "one", index });
  });

  it.each<[string, ChoiceOption[], number[]]>([
    ["viettel", [{ label: "Viettel Post" }, { label: "Viettel Money" }, { label: "MoMo" }], [0, 1]],
    ["buu dien", PICKUP, [0, 1]],
    ["post", CARRIER.concat({ label: "MoMo" }), [0, 1]],
  ])("%j fits two options: several %j", (reply, options, indexes) => {
    expect(read(reply, options)).toEqual({ kind: "several", indexes });
  });

  it.each<[string, ChoiceOption[]]>([
    ["co", PAYMENT], // yes to what? no option says
    ["ok", CARRIER],
    ["thu ho 300k", COD], // an amount, for the step itself to read
    ["12 kg", COD],
    ["toi muon hoi gia hoi hom nay", CONSENT],
    ["so 9", CONSENT],
    ["-1", CONSENT],
    ["post", CARRIER], // in every label: no answer
  ])("%j picks nothing", (reply, options) => {
    expect(read(reply, options)).toEqual({ kind: "none" });
  });

  it("at a free-text step only the whole label, a position or a yes/no word picks an option", () => {
    const shop: ChoiceOption[] = [{ label: "Cửa hàng Hoàng Văn Nam", roles: ["yes"] }];
    expect(read("ok", shop, { strict: true })).toEqual({ kind: "one", index: 0 });
    expect(read("dung roi", shop, { strict: true })).toEqual({ kind: "one", index: 0 });
    expect(read("so 1", shop, { strict: true })).toEqual({ kind: "one", index: 0 });
    expect(read("cai thu nhat", shop, { strict: true })).toEqual({ kind: "one", index: 0 });
    expect(read("cua hang", shop, { strict: true })).toEqual({ kind: "none" });
    expect(read("Nam", shop, { strict: true })).toEqual({ kind: "none" });
    // a name such as "Thu Hai" or "Hai" is a name, not "the second"
    const names: ChoiceOption[] = [{ label: "Nông Thị Hoa" }, { label: "Khác" }];
    expect(read("Thu Hai", names, { strict: true })).toEqual({ kind: "none" });
    expect(read("Hai", names, { strict: true })).toEqual({ kind: "none" });
  });

  it("roles mean nothing where no option declares them, and labels never stand for roles", () => {
    expect(read("ok", [{ label: "Ok" }, { label: "Huỷ" }])).toEqual({ kind: "one", index: 0 }); // the label itself
    expect(read("dong y", [{ label: "Đồng ý" }, { label: "Từ chối" }])).toEqual({ kind: "one", index: 0 });
    expect(read("co", [{ label: "Đồng ý" }, { label: "Từ chối" }])).toEqual({ kind: "none" });
  });
});

describe("yes and no said in several words", () => {
  it.each<[string, number | null]>([
    ["u dung roi", 0],
    ["ok dong y", 0],
    ["vang dung roi a", 0],
    ["ok ok", 0],
    ["khong khong", 1],
    ["thoi khong can dau", null], // "dau" is no particle: not sure
  ])("%j → %s", (reply, index) => {
    const m = read(reply, CONSENT);
    expect(m.kind === "one" ? m.index : null).toBe(index);
  });
});
