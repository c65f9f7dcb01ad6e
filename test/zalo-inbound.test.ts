// Zalo update parsing and rendering, without a server: the variants public sources disagree on
// (wrapped or bare bodies, photo / photo_url, display_name / first_name, string or number ids, no
// event_name in getUpdates samples) all become the same Inbound; groups and bots are ignored.
import { describe, expect, it } from "vitest";
import { toInbound } from "../src/channels/zalo/inbound.ts";
import { renderZalo, splitForZalo } from "../src/channels/zalo/render.ts";
import { unwrapUpdates, type ZaloUpdate } from "../src/channels/zalo/schema.ts";
import { tFor } from "../src/i18n/index.ts";

const BOT = "1459232241454765289";
const message = (extra: Record<string, unknown> = {}) => ({
  from: { id: "6ede9afa66b88fe6d6a9", display_name: "Nguyễn Văn A", is_bot: false },
  chat: { id: "6ede9afa66b88fe6d6a9", chat_type: "PRIVATE" },
  message_id: "2d758cb5e222177a4e35",
  date: 1750316131602,
  ...extra,
});

function parseOne(body: unknown): ZaloUpdate {
  const updates = unwrapUpdates(body);
  expect(updates).toHaveLength(1);
  return updates![0];
}

describe("Zalo update → Inbound", () => {
  it("reads a wrapped text message, keyed by bot id and message id", () => {
    const update = parseOne({ ok: true, result: { event_name: "message.text.received", message: message({ text: "Xin chào" }) } });
    expect(toInbound(update, BOT)).toEqual({
      channel: "zalo",
      chatKey: "6ede9afa66b88fe6d6a9",
      userKey: "6ede9afa66b88fe6d6a9",
      updateKey: `${BOT}:2d758cb5e222177a4e35`,
      kind: "text",
      text: "Xin chào",
      displayName: "Nguyễn Văn A",
      at: new Date(1750316131602),
    });
  });

  it("reads the same from a bare body, a getUpdates result without event_name, numeric ids and first_name", () => {
    const bare = toInbound(parseOne({ event_name: "message.text.received", message: message({ text: "a" }) }), BOT);
    const noEvent = toInbound(parseOne({ message: message({ text: "a" }) }), BOT);
    expect(noEvent).toEqual(bare);
    const numeric = toInbound(
      parseOne({ message: { from: { id: 42, first_name: "Lan" }, chat: { id: 42, chat_type: "private" }, message_id: 7, date: 1750316131, text: "b" } }),
      BOT,
    );
    expect(numeric).toMatchObject({ chatKey: "42", userKey: "42", updateKey: `${BOT}:7`, displayName: "Lan", at: new Date(1750316131000) });
  });

  it("reads an image as a photo with its URL and caption, under either field name", () => {
    for (const field of ["photo_url", "photo", "url"]) {
      const update = parseOne({ ok: true, result: { event_name: "message.image.received", message: message({ [field]: "https://f.zalo.me/a.jpg", caption: "Na" }) } });
      expect(toInbound(update, BOT)).toMatchObject({ kind: "photo", photo: { ref: "https://f.zalo.me/a.jpg", caption: "Na" } });
    }
    const noUrl = parseOne({ event_name: "message.image.received", message: message() });
    expect(toInbound(noUrl, BOT)).toMatchObject({ kind: "unsupported" });
  });

  it("turns stickers, unsupported events and unknown content into 'unsupported'", () => {
    for (const event of ["message.sticker.received", "message.unsupported.received", "message.voice.received"]) {
      expect(toInbound(parseOne({ event_name: event, message: message({ sticker: "abc" }) }), BOT)).toMatchObject({ kind: "unsupported" });
    }
    expect(toInbound(parseOne({ event_name: "message.link.received", message: message({ text: "https://x.vn" }) }), BOT)).toMatchObject({ kind: "text" });
  });

  it("ignores groups, bots and events without a sender (acknowledged, not refused)", () => {
    const group = parseOne({ event_name: "message.text.received", message: message({ text: "hi", chat: { id: "g1", chat_type: "GROUP" } }) });
    const bot = parseOne({ event_name: "message.text.received", message: message({ text: "hi", from: { id: "b", is_bot: true } }) });
    const empty = parseOne({ ok: true, result: { event_name: "message.unsupported.received" } });
    const odd = parseOne({ event_name: "message.unsupported.received", message: { private: "ignored" } });
    for (const u of [group, bot, empty, odd]) expect(toInbound(u, BOT)).toBeNull();
  });

  it("refuses what is not an update", () => {
    for (const body of [{}, { hello: "world" }, { ok: true }, { ok: true, result: null }, "text", null, 3]) {
      expect(unwrapUpdates(body), JSON.stringify(body)).toBeNull();
    }
  });

  it("keys a message without message_id by its content, so a redelivery still matches", () => {
    const m = { from: { id: "u" }, chat: { id: "u" }, date: 1, text: "x" };
    const a = toInbound(parseOne({ message: m }), BOT)!;
    const b = toInbound(parseOne({ message: { ...m } }), BOT)!;
    const c = toInbound(parseOne({ message: { ...m, date: 2 } }), BOT)!;
    expect(a.updateKey).toBe(b.updateKey);
    expect(a.updateKey).not.toBe(c.updateKey);
  });
});

describe("Outbound → Zalo", () => {
  const t = tFor("vi");

  it("numbers the choices and drops what Zalo cannot show (share-phone, keyboard removal)", () => {
    expect(
      renderZalo({ text: "Bạn đồng ý chứ?", choices: [[{ id: "1.yes", label: "✅ Đồng ý" }], [{ id: "1.no", label: "Không đồng ý" }]], removeKeyboard: true }, t),
    ).toEqual([{ kind: "text", text: "Bạn đồng ý chứ?\n1. ✅ Đồng ý\n2. Không đồng ý\nTrả lời 1 hoặc 2" }]);
    expect(renderZalo({ text: "Số điện thoại?", askContact: { label: "📱" } }, t)).toEqual([{ kind: "text", text: "Số điện thoại?" }]);
  });

  it("never produces an empty piece or one over 2000 UTF-16 units", () => {
    expect(splitForZalo("")).toEqual([]);
    expect(splitForZalo("   ")).toEqual([]);
    for (const text of ["a".repeat(2000), "a".repeat(2001), "🌾".repeat(1500), `${"x".repeat(1999)}🌾`]) {
      const parts = splitForZalo(text);
      expect(parts.join("")).toBe(text);
      for (const p of parts) expect(p.length).toBeLessThanOrEqual(2000);
    }
  });

  it("sends a long text after its photo instead of as a caption", () => {
    const parts = renderZalo({ text: "x".repeat(2500), photo: { ref: "https://a.vn/p.jpg" } }, t);
    expect(parts.map((p) => p.kind)).toEqual(["photo", "text", "text"]);
    expect(parts[0]).toEqual({ kind: "photo", url: "https://a.vn/p.jpg" });
  });
});
