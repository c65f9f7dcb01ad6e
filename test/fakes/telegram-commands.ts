// The bot's command menus (setMyCommands, getMyCommands, deleteMyCommands) and sendChatAction in the fake
// Telegram server. Command lists are kept per scope and language as Telegram does, and checked the way
// it checks them (names of 1-32 lowercase letters, digits or _, descriptions of 1-256 characters), so a
// menu the real API would refuse fails in tests too.
import type { BotCommand } from "grammy/types";
import type { Payload } from "./telegram-types.ts";
import { badRequest, isObject } from "./telegram-wire.ts";

const CHAT_ACTIONS = new Set([
  "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
  "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
]);

/** sendChatAction's check of its action; the chat is checked by the caller. */
export function checkChatAction(p: Payload): true {
  if (!CHAT_ACTIONS.has(String(p.action))) throw badRequest("wrong parameter action in request");
  return true;
}

export class BotCommands {
  /** Command lists keyed "scope|language", e.g. "default|", "default|vi", "chat:42|". */
  readonly lists = new Map<string, BotCommand[]>();

  set(p: Payload): true {
    const commands = p.commands;
    if (!Array.isArray(commands)) throw badRequest("parameter \"commands\" is required");
    if (commands.length > 100) throw badRequest("too many commands");
    for (const c of commands) {
      if (!isObject(c) || typeof c.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(c.command)) throw badRequest("BOT_COMMAND_INVALID");
      if (typeof c.description !== "string" || c.description.length < 1 || c.description.length > 256) {
        throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
      }
    }
    if (commands.length === 0) this.lists.delete(commandKey(p));
    else this.lists.set(commandKey(p), commands as BotCommand[]);
    return true;
  }

  /** The commands getMyCommands returns for this scope and language. */
  get(p: { scope?: unknown; language_code?: unknown }): BotCommand[] {
    return this.lists.get(commandKey(p)) ?? [];
  }

  delete(p: Payload): true {
    this.lists.delete(commandKey(p));
    return true;
  }
}

function commandKey(p: { scope?: unknown; language_code?: unknown }): string {
  const scope = isObject(p.scope) ? p.scope : { type: "default" };
  const ids = [scope.chat_id, scope.user_id].filter((v) => v !== undefined).map((v) => `:${v}`).join("");
  return `${String(scope.type ?? "default")}${ids}|${String(p.language_code ?? "")}`;
}
