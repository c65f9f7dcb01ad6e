// One rule for names and addresses wherever they come from: markup and control characters are refused
// (checkPersonName, checkFreeText: the web order form and the partner API), and cleanText, which the
// chat's steps use, takes them out, so nothing stored can break a slip or a CSV, or become markup.
import { describe, expect, it } from "vitest";
import { checkFreeText, checkPersonName, hasUnsafeChars } from "../src/core/rules.ts";
import { cleanText } from "../src/lang/normalize.ts";
import { orderBody } from "../src/http/api/orders.ts";
import { checkOrderForm } from "../src/web/order-form.ts";

const listing = { id: "L1", unit: "kg", quantity: 10 };
const formWith = (address: string, name = "Trần Thị Mai") => ({ listing: "L1", quantity: "1", name, phone: "0912 345 678", province: "20", district: "", address });
const apiWith = (address: string, name = "Trần Thị Mai") => ({ listingId: "L1", quantity: 1, buyer: { name, phone: "0912 345 678", address, area: "Hà Nội" } });

const UNSAFE = ["<script>alert(1)</script> 12 Phố Huế", "12 Phố Huế\u0000", "12 Phố Huế\u0007\u001b[31m", "12 <b>Phố</b> Huế", "12 Phố Huế >"];
const SAFE = ["Số 12, ngõ 34 Phố Huế", "Thôn Bản Nầm, xã Chi Lăng", "12 Phố Huế\n(gần chợ)", "Nhà số 5 - đường 1/4", "12 Phố\u200b Huế"];

describe("names and addresses", () => {
  it("the web form and the API refuse the same addresses, and accept the same", () => {
    for (const a of UNSAFE) {
      expect(hasUnsafeChars(a), a).toBe(true);
      const form = checkOrderForm(listing, formWith(a));
      expect(form.ok, a).toBe(false);
      if (!form.ok) expect(form.errors.address?.key).toBe("web:field.address.badChars");
      expect(orderBody.safeParse(apiWith(a)).success, a).toBe(false);
    }
    for (const a of SAFE) {
      const form = checkOrderForm(listing, formWith(a));
      const api = orderBody.safeParse(apiWith(a));
      expect(form.ok && api.success, a).toBe(true);
      if (form.ok && api.success) expect(form.order.address).toBe(api.data.buyer.address);
    }
  });

  it("names with markup or control characters are refused as bad characters on both", () => {
    for (const n of ["<Lan>", "Lan\u0000", "Lan\u0007 Anh"]) {
      expect(checkPersonName(n)).toEqual({ ok: false, reason: "badChars" });
      const form = checkOrderForm(listing, formWith("Số 12 Phố Huế", n));
      expect(!form.ok && form.errors.name?.key, n).toBe("web:field.name.badChars");
      expect(orderBody.safeParse(apiWith("Số 12 Phố Huế", n)).success, n).toBe(false);
    }
  });

  it("cleanText (the chat's steps) takes out what the checks refuse, and invisible characters", () => {
    expect(cleanText("  <script>Số 12\u0000 Phố\u200b Huế\u202e </script> ")).toBe("scriptSố 12 Phố Huế /script");
    expect(cleanText("Nguyễn\u0301 \n\t Lan")).toBe("Nguyễń Lan".normalize("NFC"));
    for (const a of UNSAFE) expect(hasUnsafeChars(cleanText(a)), a).toBe(false);
  });

  it("checkFreeText counts characters after cleaning", () => {
    expect(checkFreeText("   abcd   ", 5, 10)).toEqual({ ok: false, reason: "tooShort" });
    expect(checkFreeText("ă".repeat(11), 1, 10)).toEqual({ ok: false, reason: "tooLong" });
    expect(checkFreeText("a  b\u200b c", 1, 10)).toEqual({ ok: true, value: "a b c" });
  });
});
