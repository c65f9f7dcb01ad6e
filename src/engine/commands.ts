// Words that work at every step, on every channel. Matching is on folded text (no diacritics,
// lower case), so "Huỷ", "hủy", "HUY" and "huy" are the same; Zalo has no command menu, so each
// slash command also has a plain-word form people actually type.
import { commandWord, type CommandWord } from "../lang/intent.ts";

export type GlobalCommand =
  | "start"
  | "menu"
  | "help"
  | "cancel"
  | "back"
  | "language"
  | "deleteAccount"
  // handled by the registry's `commands` hooks (flows/commands.ts), not by the engine itself:
  | "optOut"
  | "optIn"
  | "officer"
  | "announce"
  | "login"
  | "stats"
  | "unnotified"
  | "assist"
  | "prices"
  | "referencePrice"
  | "priceAlert"
  | "harvestCalendar"
  | "reminders";

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
  tatthongbao: "optOut",
  batthongbao: "optIn",
  canbo: "officer",
  thongbao: "announce",
  dangnhap: "login",
  thongke: "stats",
  chuabao: "unnotified",
  dangkyho: "assist",
  gia: "prices",
  giathamkhao: "referencePrice",
  baogia: "priceAlert",
  lichnhac: "harvestCalendar",
  nhacmuavu: "reminders",
};

/** The commands shown in Telegram's "/" menu, in this order ("mua" is handled by the buying flow). */
export const VISIBLE_COMMANDS = ["menu", "mua", "trogiup", "huy", "quaylai", "ngonngu", "xoataikhoan"] as const;

/**
 * The plain words typed instead of a slash command ("huy", "quay lai", "tro giup", "TAT"/"BAT" as
 * printed under every announcement, "menu"): one vocabulary with the intent layer, the command
 * phrases of src/lang/intents.vi.json, counted when they are the whole message.
 */
const BY_WORD: Record<CommandWord, GlobalCommand> = {
  cancel: "cancel",
  back: "back",
  help: "help",
  menu: "menu",
  stop_broadcasts: "optOut",
  resume_broadcasts: "optIn",
};

export interface ParsedCommand {
  command: GlobalCommand;
  /** typed as a bare word ("huy") rather than "/huy": at a name step it may be a name */
  bareWord: boolean;
  /** what follows a slash command ("/canbo ABC123" → "ABC123"), trimmed */
  args: string;
}

export function parseCommand(text: string): ParsedCommand | null {
  const slash = /^\/([a-z_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/i.exec(text.trim());
  if (slash) {
    const command = SLASH_COMMANDS[slash[1].toLowerCase()];
    return command ? { command, bareWord: false, args: (slash[2] ?? "").trim() } : null;
  }
  const word = commandWord(text);
  return word ? { command: BY_WORD[word], bareWord: true, args: "" } : null;
}

export const isSlashCommand = (text: string) => /^\/[a-z_]+/i.test(text.trim());

/** "huy" without a tone mark could be the name Huy; "huỷ"/"hủy" never is. */
export function couldBeName(text: string): boolean {
  return text.normalize("NFC").trim().toLowerCase() === "huy";
}
