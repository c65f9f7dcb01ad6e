// Words that work at every step, on every channel. Matching is on folded text (no diacritics,
// lower case), so "Huỷ", "hủy", "HUY" and "huy" are the same; Zalo has no command menu, so each
// slash command also has a plain-word form people actually type.
import { fold } from "../lang/normalize.ts";

export type GlobalCommand = "start" | "menu" | "help" | "cancel" | "back" | "language" | "deleteAccount";

/** Telegram's command list (setMyCommands) is built from these; descriptions live in locales/. */
export const SLASH_COMMANDS: Record<string, GlobalCommand> = {
  start: "start",
  menu: "menu",
  trogiup: "help",
  help: "help",
  huy: "cancel",
  quaylai: "back",
  ngonngu: "language",
  xoataikhoan: "deleteAccount",
};

/** The commands shown in Telegram's "/" menu, in this order ("mua" is handled by the buying flow). */
export const VISIBLE_COMMANDS = ["menu", "mua", "trogiup", "huy", "quaylai", "ngonngu", "xoataikhoan"] as const;

const WORDS: Record<string, GlobalCommand> = {
  huy: "cancel",
  "huy bo": "cancel",
  "quay lai": "back",
  "tro lai": "back",
  back: "back",
  cancel: "cancel",
  menu: "menu",
  "tro giup": "help",
  "giup do": "help",
  help: "help",
};

export interface ParsedCommand {
  command: GlobalCommand;
  /** typed as a bare word ("huy") rather than "/huy": at a name step it may be a name */
  bareWord: boolean;
}

export function parseCommand(text: string): ParsedCommand | null {
  const slash = /^\/([a-z_]+)(?:@\w+)?(?:\s|$)/i.exec(text.trim());
  if (slash) {
    const command = SLASH_COMMANDS[slash[1].toLowerCase()];
    return command ? { command, bareWord: false } : null;
  }
  const word = fold(text).replace(/[^a-z0-9 ]/g, "").trim();
  const command = WORDS[word];
  return command ? { command, bareWord: true } : null;
}

export const isSlashCommand = (text: string) => /^\/[a-z_]+/i.test(text.trim());

/** "huy" without a tone mark could be the name Huy; "huỷ"/"hủy" never is. */
export function couldBeName(text: string): boolean {
  return text.normalize("NFC").trim().toLowerCase() === "huy";
}
