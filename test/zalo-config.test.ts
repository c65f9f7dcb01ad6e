// Zalo settings are checked at start like the others: a malformed token or secret is named, and
// webhook mode (PUBLIC_URL) needs the secret Zalo will send back in X-Bot-Api-Secret-Token.
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";

const TOKEN = "1459232241454765289:AbCdEf-123_secret";

describe("Zalo configuration", () => {
  it("defaults the API root and accepts a token alone (polling)", () => {
    const cfg = loadConfig({ ZALO_BOT_TOKEN: TOKEN });
    expect(cfg).toMatchObject({ ZALO_BOT_TOKEN: TOKEN, ZALO_API_ROOT: "https://bot-api.zaloplatforms.com" });
    expect(loadConfig({ ZALO_BOT_TOKEN: "" }).ZALO_BOT_TOKEN).toBeUndefined();
  });

  it("names a malformed token or secret", () => {
    expect(() => loadConfig({ ZALO_BOT_TOKEN: "not-a-token" })).toThrow(/ZALO_BOT_TOKEN: does not look like a Zalo bot token/);
    expect(() => loadConfig({ ZALO_BOT_TOKEN: TOKEN, ZALO_WEBHOOK_SECRET: "short" })).toThrow(/ZALO_WEBHOOK_SECRET/);
    expect(() => loadConfig({ ZALO_BOT_TOKEN: TOKEN, ZALO_WEBHOOK_SECRET: "has a space" })).toThrow(/ZALO_WEBHOOK_SECRET/);
    expect(() => loadConfig({ ZALO_WEBHOOK_SECRET: "x".repeat(257) })).toThrow(/ZALO_WEBHOOK_SECRET/);
  });

  it("requires the webhook secret when PUBLIC_URL is set", () => {
    const env = { ZALO_BOT_TOKEN: TOKEN, PUBLIC_URL: "https://bot.example.vn" };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/ZALO_WEBHOOK_SECRET: required when PUBLIC_URL is set/);
    expect(loadConfig({ ...env, ZALO_WEBHOOK_SECRET: "8chars.." }).ZALO_WEBHOOK_SECRET).toBe("8chars..");
  });
});
