// The fake Zalo Bot API itself: real envelopes, one update per getUpdates, 408 on an empty poll,
// the 2000-character limit, scripted failures and webhook delivery with the secret header.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { within } from "../support/within.ts";
import { hexId, startFakeZalo, type FakeZalo } from "./zalo-server.ts";

let fake: FakeZalo;

beforeEach(async () => {
  fake = await startFakeZalo();
});
afterEach(async () => {
  await fake.close();
});

async function call(method: string, body: unknown = {}, token = fake.token) {
  const res = await fetch(`${fake.apiRoot}/bot${token}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("fake Zalo Bot API server", () => {
  it("answers getMe in the real envelope, 401 for a wrong token and 404 for an unknown method", async () => {
    expect(fake.botId).toMatch(/^\d{19}$/);
    expect(await call("getMe")).toEqual({
      status: 200,
      body: { ok: true, result: { id: fake.botId, account_name: "bot.ChoSoTest", account_type: "BASIC", can_join_groups: false } },
    });
    expect(await call("getMe", {}, `${fake.botId}:wrong`)).toEqual({
      status: 401,
      body: { ok: false, error_code: 401, description: "Unauthorized" },
    });
    expect((await call("getme")).status).toBe(404); // method names are case-sensitive
  });

  it("gives one update object per getUpdates, and 408 when a poll stays empty", async () => {
    const user = { id: hexId(), display_name: "Lan" };
    await fake.sendText(user, "a");
    await fake.sendText(user, "b");
    const first = await call("getUpdates", { timeout: "1" });
    expect(first.body.result).toMatchObject({
      event_name: "message.text.received",
      message: { text: "a", from: { id: user.id, display_name: "Lan", is_bot: false }, chat: { id: user.id, chat_type: "PRIVATE" } },
    });
    expect(Array.isArray(first.body.result)).toBe(false);
    expect((await call("getUpdates", { timeout: "1" })).body.result).toMatchObject({ message: { text: "b" } });

    const started = Date.now();
    expect(await call("getUpdates", { timeout: "0.2" })).toEqual({
      status: 408,
      body: { ok: false, error_code: 408, description: "Request timeout" },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);

    // A poll of 300 s that answers within 20 s was woken by the update, not by its timeout.
    const waiting = call("getUpdates", { timeout: "300" });
    await fake.waitFor(() => fake.callsTo("getUpdates").at(-1)?.status === undefined);
    await fake.sendImage(user, { url: "https://example.com/na.jpg", caption: "Na" });
    expect((await within(waiting, 20_000, "the held poll answers with the new update")).body.result).toMatchObject({
      event_name: "message.image.received",
      message: { photo_url: "https://example.com/na.jpg", caption: "Na" },
    });
  });

  it("refuses texts over 2000 UTF-16 units, and answers sendChatAction without a result", async () => {
    expect((await call("sendMessage", { chat_id: "c1", text: "x".repeat(2000) })).body).toMatchObject({
      ok: true,
      result: { message_id: expect.any(String), date: expect.any(Number) },
    });
    expect((await call("sendMessage", { chat_id: "c1", text: "x".repeat(2001) })).status).toBe(400);
    expect((await call("sendMessage", { chat_id: "c1", text: "🌾".repeat(1001) })).status).toBe(400);
    expect((await call("sendMessage", { chat_id: "c1", text: "" })).status).toBe(400);
    expect(await call("sendChatAction", { chat_id: "c1", action: "typing" })).toEqual({ status: 200, body: { ok: true } });
    expect(fake.sentTexts("c1")).toEqual(["x".repeat(2000)]);
  });

  it("plays scripted failures: 429 without retry_after, 403 for one chat, {ok:true} alone, hang", async () => {
    fake.failNext("sendMessage", { kind: "429" }, { times: 2 });
    expect(await call("sendMessage", { chat_id: "c", text: "1" })).toEqual({
      status: 429,
      body: { ok: false, error_code: 429, description: "Quota exceeded" },
    });
    expect((await call("sendMessage", { chat_id: "c", text: "2" })).status).toBe(429);
    expect((await call("sendMessage", { chat_id: "c", text: "3" })).status).toBe(200);

    fake.failNext("sendMessage", { kind: "403" }, { chatId: "blocked" });
    expect((await call("sendMessage", { chat_id: "other", text: "ok" })).status).toBe(200);
    expect((await call("sendMessage", { chat_id: "blocked", text: "no" })).body).toMatchObject({ error_code: 403 });

    fake.failNext("sendMessage", { kind: "no-result" });
    expect((await call("sendMessage", { chat_id: "c", text: "4" })).body).toEqual({ ok: true });

    fake.failNext("sendMessage", { kind: "hang", deliver: true });
    const hung = await fetch(`${fake.apiRoot}/bot${fake.token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_id: "c", text: "slow" }),
      signal: AbortSignal.timeout(100),
    }).catch((e: unknown) => e);
    expect(hung).toBeInstanceOf(Error);
    await fake.waitFor(() => fake.callsTo("sendMessage").at(-1)?.status === 0);
    expect(fake.sentTexts("c")).toEqual(["3", "slow"]); // delivered although the caller saw a timeout
  });

  it("posts to a webhook with the secret header, and refuses getUpdates meanwhile", async () => {
    const seen: Array<{ secret: unknown; body: unknown }> = [];
    const server = http.createServer((req, res) => {
      let raw = "";
      req.on("data", (d) => (raw += d));
      req.on("end", () => {
        seen.push({ secret: req.headers["x-bot-api-secret-token"], body: JSON.parse(raw) });
        res.end("{}");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      expect((await call("setWebhook", { url, secret_token: "short" })).status).toBe(400);
      expect((await call("setWebhook", { url: "http://example.com/x", secret_token: "long-enough" })).status).toBe(400);
      expect((await call("setWebhook", { url, secret_token: "s3cret-token" })).body).toMatchObject({ ok: true, result: { url } });
      expect((await call("getWebhookInfo")).body.result).toMatchObject({ url });

      const user = { id: hexId() };
      expect(await fake.sendUnsupported(user)).toBe(200);
      expect(seen[0]).toMatchObject({
        secret: "s3cret-token",
        body: { ok: true, result: { event_name: "message.unsupported.received", message: { from: { id: user.id } } } },
      });
      expect(await fake.redeliver()).toBe(200);
      expect((seen[1].body as { result: unknown }).result).toEqual((seen[0].body as { result: unknown }).result);
      expect((await call("getUpdates", { timeout: "0" })).status).toBe(400);

      await call("deleteWebhook");
      expect((await call("getWebhookInfo")).body.result).toMatchObject({ url: "" });
      expect(await fake.sendSticker(user)).toBeUndefined(); // queued for getUpdates now
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it("ends a held long poll promptly when it closes", async () => {
    const held = call("getUpdates", { timeout: "300" });
    await fake.waitFor(() => fake.callsTo("getUpdates").length === 1);
    await fake.close();
    expect((await within(held, 20_000, "close() ends the held poll")).status).toBe(408);
    fake = await startFakeZalo(); // for afterEach
  });
});
