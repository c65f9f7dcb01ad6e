// What an officer sees (src/dashboard/scope.ts): the scope taken from the officer, and the line that
// names it above every dashboard page, in the officer's language.
import { describe, expect, it } from "vitest";
import { scopeLabel, scopeOf } from "../src/dashboard/scope.ts";
import { tFor } from "../src/i18n/index.ts";

const vi = tFor("vi") as unknown as Parameters<typeof scopeLabel>[0];
const en = tFor("en") as unknown as Parameters<typeof scopeLabel>[0];
const CHI_LANG = "06463";
const HUU_LUNG = "06385";

describe("scopeOf", () => {
  it("is the officer's communes in the deployment's province; none means the whole province", () => {
    expect(scopeOf({ communes: [CHI_LANG, HUU_LUNG] }, "20")).toEqual({ provinceCode: "20", communes: [CHI_LANG, HUU_LUNG] });
    expect(scopeOf({ communes: [] }, "20")).toEqual({ provinceCode: "20", communes: [] });
  });
});

describe("scopeLabel", () => {
  it("names the province for a province-wide officer", () => {
    expect(scopeLabel(vi, { provinceCode: "20", communes: [] })).toBe("Toàn tỉnh Lạng Sơn");
    expect(scopeLabel(en, { provinceCode: "20", communes: [] })).toBe("All of Lạng Sơn province");
  });

  it("names each commune of a commune officer, in the officer's order", () => {
    expect(scopeLabel(vi, { provinceCode: "20", communes: [HUU_LUNG, CHI_LANG] })).toBe("Xã/phường: Xã Hữu Lũng, Xã Chi Lăng");
    expect(scopeLabel(en, { provinceCode: "20", communes: [CHI_LANG] })).toBe("Communes: Xã Chi Lăng");
  });

  it("falls back to the code for a province or commune it does not know", () => {
    expect(scopeLabel(vi, { provinceCode: "77", communes: [] })).toBe("Toàn tỉnh 77");
    expect(scopeLabel(vi, { provinceCode: "20", communes: [CHI_LANG, "99999"] })).toBe("Xã/phường: Xã Chi Lăng, 99999");
  });
});
