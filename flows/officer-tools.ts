// Officer tools in chat: "/dangnhap" (a one-time link to the campaign dashboard) and "/thongke"
// (the dashboard's headline figures in one message). Officers only; anyone else gets "unknown command".
import type { CommandHandler } from "../src/engine/turn.ts";

export const dashboardCommands = {} satisfies Record<string, CommandHandler>;
