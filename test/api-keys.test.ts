// API keys of partners and carriers (src/api-keys.ts, src/http/api/keys.ts) on their own: the "name:key" list parser,
// the bearer header, and which client a presented key belongs to. The HTTP side (401 without a valid
// key) is in api-orders.test.ts and api-carrier.test.ts.

import { describe, expect, it } from "vitest";
import { API_KEY_MAX_LENGTH, API_KEY_MIN_LENGTH, apiKeysField, parseApiKeys, sharedKeys } from "../src/api-keys.ts";
import { bearerToken, findClient } from "../src/http/api/keys.ts";

const key24 = "k".repeat(24);

describe("parseApiKeys", () => {
  it("reads names and keys, trimming spaces around entries, names and keys", () => {
    expect(parseApiKeys(` postmart : ${key24}1 ,voso:${key24}2`)).toEqual({
      keys: [
        { name: "postmart", key: `${key24}1` },
        { name: "voso", key: `${key24}2` },
      ],
      problems: [],
    });
  });

  it("keeps everything after the first colon as the key (keys may contain colons)", () => {
    expect(parseApiKeys(`postmart:${key24}:x`).keys).toEqual([{ name: "postmart", key: `${key24}:x` }]);
  });

  it("accepts keys of exactly 24 and 256 characters and refuses 23 and 257", () => {
    expect(API_KEY_MIN_LENGTH).toBe(24);
    expect(API_KEY_MAX_LENGTH).toBe(256);
    expect(parseApiKeys(`a:${"x".repeat(24)}`).problems).toEqual([]);
    expect(parseApiKeys(`a:${"x".repeat(256)}`).problems).toEqual([]);
    expect(parseApiKeys(`a:${"x".repeat(23)}`)).toEqual({ keys: [], problems: ["entry 1 (a): key must be 24-256 characters, it has 23"] });
    expect(parseApiKeys(`a:${"x".repeat(257)}`)).toEqual({ keys: [], problems: ["entry 1 (a): key must be 24-256 characters, it has 257"] });
  });

  it("accepts partner names of 1-40 lower-case letters, digits, _ and -, starting with a letter or digit", () => {
    for (const name of ["a", "9", "post_mart-2", "a".repeat(40)]) {
      expect(parseApiKeys(`${name}:${key24}`).keys, name).toEqual([{ name, key: key24 }]);
    }
    for (const name of ["-postmart", "_a", "Postmart", "post mart", "bưu", "a".repeat(41), "a.b"]) {
      const { keys, problems } = parseApiKeys(`${name}:${key24}`);
      expect(keys, name).toEqual([]);
      expect(problems, name).toEqual([`entry 1: name "${name.slice(0, 40)}" must be 1-40 characters of a-z 0-9 _ - (lower case)`]);
    }
  });

  it("refuses an empty name", () => {
    expect(parseApiKeys(`:${key24}`).problems).toEqual(['entry 1: name "" must be 1-40 characters of a-z 0-9 _ - (lower case)']);
  });

  it("quotes at most 40 characters of a bad name", () => {
    const name = `X${"y".repeat(60)}`;
    expect(parseApiKeys(`${name}:${key24}`).problems).toEqual([`entry 1: name "X${"y".repeat(39)}" must be 1-40 characters of a-z 0-9 _ - (lower case)`]);
  });

  it("with a list of names, accepts exactly those (case and all)", () => {
    const names = ["viettel_post", "vnpost"];
    expect(parseApiKeys(`vnpost:${key24}`, { names }).keys).toEqual([{ name: "vnpost", key: key24 }]);
    // a valid partner name, but not one of the list
    expect(parseApiKeys(`postmart:${key24}`, { names }).problems).toEqual([
      'entry 1: unknown name "postmart" (expected one of viettel_post, vnpost)',
    ]);
    expect(parseApiKeys(`VNPOST:${key24}`, { names }).keys).toEqual([]);
    // an unknown name is quoted to 40 characters as well
    expect(parseApiKeys(`${"g".repeat(50)}:${key24}`, { names }).problems).toEqual([
      `entry 1: unknown name "${"g".repeat(40)}" (expected one of viettel_post, vnpost)`,
    ]);
  });

  it("takes keys of printable ASCII only, from ! to ~", () => {
    expect(parseApiKeys(`a:!${"x".repeat(22)}~`).keys).toHaveLength(1);
    expect(parseApiKeys(`a:+-${"x".repeat(22)}`).keys).toHaveLength(1); // either side of the comma
    for (const bad of [`${key24} x`, `${key24}\tx`, `${key24}é`, `${key24}\x7f`, `${key24}\x1f`]) {
      expect(parseApiKeys(`a:${bad}`), JSON.stringify(bad)).toEqual({
        keys: [],
        problems: ["entry 1 (a): key must be printable ASCII without spaces or commas"],
      });
    }
  });

  it("names empty entries, entries without a colon and repeated keys by their position, and keeps the good ones", () => {
    const { keys, problems } = parseApiKeys(`a:${key24}1, ,b${key24},c:${key24}1,d:${key24}2`);
    expect(keys).toEqual([
      { name: "a", key: `${key24}1` },
      { name: "d", key: `${key24}2` },
    ]);
    expect(problems).toEqual([
      "entry 2 is empty (remove the extra comma)",
      "entry 3 must look like name:key",
      "entry 4 (c): the same key is listed twice",
    ]);
  });

  it("lets one name have several keys (rotation)", () => {
    expect(parseApiKeys(`vnpost:${key24}1,vnpost:${key24}2`).keys.map((k) => k.name)).toEqual(["vnpost", "vnpost"]);
  });
});

describe("apiKeysField (the config field)", () => {
  it("is empty when unset or blank", () => {
    expect(apiKeysField().parse(undefined)).toEqual([]);
    expect(apiKeysField().parse("")).toEqual([]);
    expect(apiKeysField().parse(" \t ")).toEqual([]);
  });

  it("gives the keys of a valid list, and one issue per problem otherwise", () => {
    expect(apiKeysField({ names: ["vnpost"] }).parse(`vnpost:${key24}`)).toEqual([{ name: "vnpost", key: key24 }]);
    const bad = apiKeysField({ names: ["vnpost"] }).safeParse(`vnpost:short,ghn:${key24}`);
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => [i.code, i.message])).toEqual([
      ["custom", "entry 1 (vnpost): key must be 24-256 characters, it has 5"],
      ["custom", 'entry 2: unknown name "ghn" (expected one of vnpost)'],
    ]);
  });
});

describe("sharedKeys", () => {
  it("names the clients of the first list whose key is also in the second", () => {
    const a = [
      { name: "postmart", key: `${key24}1` },
      { name: "voso", key: `${key24}2` },
    ];
    const b = [
      { name: "vnpost", key: `${key24}2` },
      { name: "viettel_post", key: `${key24}3` },
    ];
    expect(sharedKeys(a, b)).toEqual(["voso"]);
    expect(sharedKeys(b, a)).toEqual(["vnpost"]);
    expect(sharedKeys(a, [])).toEqual([]);
  });
});

describe("findClient", () => {
  const keys = [
    { name: "postmart", key: `${key24}1` },
    { name: "voso", key: `${key24}2` },
    { name: "postmart", key: `${key24}3` },
  ];

  it("returns the name of the matching key, whichever position it has", () => {
    expect(findClient(`${key24}1`, keys)).toBe("postmart");
    expect(findClient(`${key24}2`, keys)).toBe("voso");
    expect(findClient(`${key24}3`, keys)).toBe("postmart");
  });

  it("returns null for a wrong key of the same length, a prefix, a longer key, or none", () => {
    expect(findClient(`${key24}4`, keys)).toBeNull();
    expect(findClient(key24, keys)).toBeNull();
    expect(findClient(`${key24}11`, keys)).toBeNull();
    expect(findClient(null, keys)).toBeNull();
    expect(findClient(`${key24}1`, [])).toBeNull();
  });

  it("never lets a missing or empty token in, even against an empty configured key", () => {
    const withEmpty = [{ name: "broken", key: "" }];
    expect(findClient(null, withEmpty)).toBeNull();
    expect(findClient("", withEmpty)).toBeNull();
  });

  it("keeps the first client when two share a key", () => {
    expect(
      findClient(key24, [
        { name: "first", key: key24 },
        { name: "second", key: key24 },
      ]),
    ).toBe("first");
  });
});

describe("bearerToken", () => {
  it.each([
    ["Bearer abc.DEF-123", "abc.DEF-123"],
    ["bearer abc", "abc"],
    ["BEARER abc", "abc"],
    ["Bearer \t abc \t", "abc"],
    ["Bearer\tabc", "abc"],
  ])("%j -> %s", (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each([["Bearerabc"], ["Bearer "], ["Bearer abc def"], ["Basic abc"], ["xBearer abc"], [" Bearer abc"], ["Bearer abc\n"], [""]])(
    "%j -> null",
    (header) => {
      expect(bearerToken(header)).toBeNull();
    },
  );

  it("ignores a missing or repeated header", () => {
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken(["Bearer abc", "Bearer def"])).toBeNull();
    expect(bearerToken(["Bearer abc"])).toBeNull();
  });
});
