// "Đăng ký hộ": an officer registers a household in person (filled in by the assisted-registration work).
import type { CommandHandler } from "../src/engine/turn.ts";

export const assistCommands = {} satisfies Record<string, CommandHandler>;
