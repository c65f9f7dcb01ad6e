// The words that work as a whole message at any step (the engine's global commands): one vocabulary
// with the intent layer (intents.vi.json), counted only when they are all the message says.
import { describe, expect, it } from "vitest";
import { commandWord } from "../../src/lang/intent.ts";

describe("commandWord", () => {
  it.each([
    ["huy", "cancel"],
    ["Huỷ", "cancel"],
    ["HỦY nhé", "cancel"],
    ["huy bo", "cancel"],
    ["thoi", "cancel"],
    ["khong ban nua", "cancel"],
    ["quay lai", "back"],
    ["Quay lại", "back"],
    ["tro lai", "back"],
    ["tro giup", "help"],
    ["giup do", "help"],
    ["help", "help"],
    ["menu", "menu"],
    ["ve menu", "menu"],
    ["TAT", "stop_broadcasts"],
    ["tắt thông báo", "stop_broadcasts"],
    ["Bật", "resume_broadcasts"],
    ["bat thong bao", "resume_broadcasts"],
  ])("%s is %s", (text, word) => {
    expect(commandWord(text)).toBe(word);
  });

  it.each(["tắt đèn", "tat ca", "Nguyễn Huy", "huy don DH7K2F9Q", "50", "bo qua", "xin chao", "xem don", "het na roi", "menu 2"])(
    "%s is no command word",
    (text) => {
      expect(commandWord(text)).toBeNull();
    },
  );
});
