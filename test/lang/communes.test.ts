import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { getCommune, getProvince, listCommunes, searchCommunes, type CommuneMatch } from "../../src/lang/communes.ts";
import { fold } from "../../src/lang/normalize.ts";

const LANG_SON = "20";
const names = (matches: CommuneMatch[]) => matches.map((m) => m.commune.name);

// The new communes that took over the communes of old huyện Chi Lăng (checked against the data).
const OLD_CHI_LANG = ["Xã Chi Lăng", "Xã Bằng Mạc", "Xã Chiến Thắng", "Xã Nhân Lý", "Xã Quan Sơn", "Xã Vạn Linh"];

describe("directory", () => {
  it("Lạng Sơn has 65 units after the 2025 reform: 61 xã and 4 phường", () => {
    const all = listCommunes(LANG_SON);
    expect(all).toHaveLength(65);
    expect(all.filter((c) => c.kind === "xa")).toHaveLength(61);
    expect(all.filter((c) => c.kind === "phuong").map((c) => c.name).sort()).toEqual(
      ["Phường Đông Kinh", "Phường Kỳ Lừa", "Phường Lương Văn Tri", "Phường Tam Thanh"].sort(),
    );
    expect(new Set(all.map((c) => c.code)).size).toBe(65);
    expect(all.every((c) => c.provinceCode === LANG_SON && /^\d{5}$/.test(c.code))).toBe(true);
  });

  it("looks up communes and provinces by code", () => {
    expect(getProvince(LANG_SON)).toEqual({ code: "20", name: "Lạng Sơn" });
    expect(getCommune("06463")).toEqual({ code: "06463", name: "Xã Chi Lăng", kind: "xa", provinceCode: "20" });
    expect(getCommune("99999")).toBeUndefined();
    expect(getProvince("00")).toBeUndefined();
    expect(listCommunes("00")).toEqual([]);
  });

  it("knows special zones (đặc khu) elsewhere in the country", () => {
    const quangNinh = listCommunes("22");
    expect(quangNinh.find((c) => c.kind === "dac_khu")?.name).toBe("Đặc khu Vân Đồn");
  });

  it("returns copies: callers cannot corrupt the cache", () => {
    const list = listCommunes(LANG_SON);
    list.length = 0;
    expect(listCommunes(LANG_SON)).toHaveLength(65);
    expect(Object.isFrozen(getCommune("06463"))).toBe(true);
  });
});

describe("searchCommunes", () => {
  it.each(["chi lang", "Chi Lăng", "CHI LANG", "huyện Chi Lăng", "Huyện Chi Lăng", "h. chi lang", "chi lăng, Lạng Sơn"])(
    "%j → Xã Chi Lăng first, then the other communes of old huyện Chi Lăng",
    (query) => {
      const result = searchCommunes(LANG_SON, query);
      expect(result[0]).toEqual({ commune: getCommune("06463") });
      expect(names(result).sort()).toEqual([...OLD_CHI_LANG].sort());
      for (const m of result.slice(1)) expect(m.via).toEqual({ kind: "old_district", name: "Huyện Chi Lăng" });
    },
  );

  it("'xã Chi Lăng' prefers the old wards of that name over the old district", () => {
    // Two old wards were called Chi Lăng besides the town: one in Tràng Định (now Thất Khê) and
    // a ward of the city (now Lương Văn Tri). A "xã" prefix says the user means a commune.
    const result = searchCommunes(LANG_SON, "xã Chi Lăng");
    expect(names(result).slice(0, 3)).toEqual(["Xã Chi Lăng", "Phường Lương Văn Tri", "Xã Thất Khê"]);
    expect(result[2].via).toEqual({ kind: "old_ward", name: "Xã Chi Lăng", district: "Huyện Tràng Định" });
  });

  it.each(["huu lung", "Hữu Lũng", "huyện Hữu Lũng"])("%j → Xã Hữu Lũng first, then old huyện Hữu Lũng", (query) => {
    const result = searchCommunes(LANG_SON, query);
    expect(names(result)[0]).toBe("Xã Hữu Lũng");
    expect(result).toHaveLength(6); // old Hữu Lũng became 8 communes; the limit cuts the list
    for (const m of result.slice(1)) expect(m.via?.name).toBe("Huyện Hữu Lũng");
    expect(names(searchCommunes(LANG_SON, query, 20))).toHaveLength(8);
  });

  it.each(["Văn Quan", "van quan", "huyện Văn Quan"])("%j → Xã Văn Quan first, then old huyện Văn Quan", (query) => {
    const result = searchCommunes(LANG_SON, query);
    expect(names(result)).toEqual(["Xã Văn Quan", "Xã Điềm He", "Xã Khánh Khê", "Xã Tân Đoàn", "Xã Tri Lễ", "Xã Yên Phúc"]);
  });

  it.each(["thành phố Lạng Sơn", "TP Lạng Sơn", "tp. lang son"])("%j → the 4 phường of the old city", (query) => {
    const result = searchCommunes(LANG_SON, query);
    expect(names(result).sort()).toEqual(
      ["Phường Đông Kinh", "Phường Kỳ Lừa", "Phường Lương Văn Tri", "Phường Tam Thanh"].sort(),
    );
    for (const m of result) expect(m.via).toEqual({ kind: "old_district", name: "Thành phố Lạng Sơn" });
  });

  it.each(["Quý Hoà", "Quý Hòa", "quy hoa", "QUY HOA", "xã Quý Hoà", "Qu\u0079\u0301 Ho\u0300a"])(
    "%j → Xã Quý Hòa (tone placement, case and NFD do not matter)",
    (query) => {
      expect(names(searchCommunes(LANG_SON, query))).toEqual(["Xã Quý Hòa"]);
    },
  );

  it.each([
    ["bac son", "Xã Bắc Sơn"],
    ["xa dong dang", "Xã Đồng Đăng"],
    ["Xã Đồng Đăng", "Xã Đồng Đăng"],
    ["phường đông kinh", "Phường Đông Kinh"],
    ["P. Đông Kinh", "Phường Đông Kinh"],
    ["na sam", "Xã Na Sầm"],
    ["quan son", "Xã Quan Sơn"], // "quan" is also a prefix word (quận); the name must still win
  ])("%j → %s first", (query, first) => {
    expect(names(searchCommunes(LANG_SON, query))[0]).toBe(first);
  });

  it("an exact match hides near misses", () => {
    expect(names(searchCommunes(LANG_SON, "xa dong dang"))).toEqual(["Xã Đồng Đăng"]);
    expect(names(searchCommunes(LANG_SON, "na sam"))).toEqual(["Xã Na Sầm"]);
  });

  it.each([
    ["Đồng Mỏ", "Xã Chi Lăng", "Thị trấn Đồng Mỏ"],
    ["thị trấn Đồng Mỏ", "Xã Chi Lăng", "Thị trấn Đồng Mỏ"],
    ["tt na duong", "Xã Na Dương", undefined], // the new commune kept the town's name
    ["Xã Gia Lộc", "Xã Bằng Mạc", "Xã Gia Lộc"],
    ["tam thanh", "Phường Tam Thanh", undefined],
  ])("old ward %j → %s", (query, commune, oldName) => {
    const [first] = searchCommunes(LANG_SON, query);
    expect(first.commune.name).toBe(commune);
    expect(first.via?.name).toBe(oldName);
  });

  it.each([
    ["chi lnag", "Xã Chi Lăng"], // swapped letters
    ["chi lan", "Xã Chi Lăng"], // prefix
    ["quy hao", "Xã Quý Hòa"],
    ["dong dnag", "Xã Đồng Đăng"],
    ["huu lugn", "Xã Hữu Lũng"],
    ["bac sonn", "Xã Bắc Sơn"],
  ])("typo %j → %s first", (query, first) => {
    expect(names(searchCommunes(LANG_SON, query))[0]).toBe(first);
  });

  it("all-words match: word order does not matter", () => {
    expect(names(searchCommunes(LANG_SON, "lang chi"))[0]).toBe("Xã Chi Lăng");
  });

  it.each([
    ["o xa that khe"],
    ["ở xã Thất Khê"],
    ["em o that khe"],
    ["nha em o thon Na Pa, xa That Khe"],
    ["thon na pa xa that khe"],
    ["que o xa that khe a"],
  ])("the way people say where they live: %j → Thất Khê", (query) => {
    expect(names(searchCommunes(LANG_SON, query))).toEqual(["Xã Thất Khê"]);
  });

  it("a village alone is no commune, and a lead-in alone finds nothing", () => {
    expect(searchCommunes(LANG_SON, "thon na pa")).toEqual([]);
    expect(searchCommunes(LANG_SON, "o")).toEqual([]);
  });

  it("an old district after a lead-in still lists its communes", () => {
    expect(names(searchCommunes(LANG_SON, "o huyen trang dinh"))).toEqual(names(searchCommunes(LANG_SON, "huyen trang dinh")));
  });

  it("a shared word lists several communes, each once", () => {
    const result = searchCommunes(LANG_SON, "tan");
    expect(result.length).toBe(6);
    expect(result.every((m) => fold(m.commune.name).includes("tan") || m.via)).toBe(true);
  });

  it.each(["", "   ", "xyzxyz", "' OR 1=1 --", "x", "🙂", "a".repeat(200), "Hà Nội", "0912345678", "xã", "huyện"])(
    "nothing sensible → []: %j",
    (query) => {
      expect(searchCommunes(LANG_SON, query)).toEqual([]);
    },
  );

  it("respects limit, never repeats a commune, and stays inside the province", () => {
    for (const limit of [1, 3, 6, 10]) {
      const result = searchCommunes(LANG_SON, "son", limit);
      expect(result.length).toBeLessThanOrEqual(limit);
      expect(new Set(result.map((m) => m.commune.code)).size).toBe(result.length);
      expect(result.every((m) => m.commune.provinceCode === LANG_SON)).toBe(true);
    }
    expect(searchCommunes(LANG_SON, "chi lang", 0)).toEqual([]);
    expect(searchCommunes("00", "chi lang")).toEqual([]);
  });

  // How fast a search is (target < 0.5 ms per call after the first) is measured by
  // `npm run bench:communes`, not here: a loaded test machine cannot judge speed.
});

describe("properties", () => {
  it("searchCommunes never throws and returns distinct Lạng Sơn communes", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" }), fc.constantFrom("chi lang", "xã", "tp")), fc.integer({ min: -1, max: 10 }), (q, limit) => {
        const result = searchCommunes(LANG_SON, q, limit);
        expect(result.length).toBeLessThanOrEqual(Math.max(limit, 0));
        expect(new Set(result.map((m) => m.commune.code)).size).toBe(result.length);
        expect(result.every((m) => m.commune.provinceCode === LANG_SON)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("fold is idempotent", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" })), (s) => {
        expect(fold(fold(s))).toBe(fold(s));
      }),
      { numRuns: 2000 },
    );
  });

  it("every commune finds itself first by its own name, with or without diacritics", () => {
    for (const c of listCommunes(LANG_SON)) {
      expect(searchCommunes(LANG_SON, c.name)[0].commune.code).toBe(c.code);
      expect(searchCommunes(LANG_SON, fold(c.name))[0].commune.code).toBe(c.code);
    }
  });
});
