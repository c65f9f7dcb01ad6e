// Runs `npm run chat -- --json` as a real child process with a scripted conversation.
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { createServices } from "../../src/core/services.ts";
import type { Db } from "../../src/db/client.ts";

/** Hoàng Thị Mai, a household with a shop in Hữu Lũng, registered as terminal user u1 (as `npm run chat` would). */
export async function registerMai(db: Db): Promise<void> {
  await createServices(db).households.register({
    name: "Hoàng Thị Mai",
    phone: "+84912345678",
    provinceCode: "20",
    communeCode: "06385",
    shopName: "Na Hữu Lũng nhà Mai",
    payment: "viettel_money",
    identity: { channel: "cli", userKey: "u1", chatKey: "u1" },
    locale: "vi",
  });
}

export interface CliReply {
  user: string;
  text: string;
  buttons: string[];
}

export async function runCli(databaseUrl: string, lines: object[], args: string[] = []): Promise<CliReply[]> {
  const child = spawn(resolve("node_modules/.bin/tsx"), ["src/channels/cli/main.ts", "--json", ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "warn", TELEGRAM_BOT_TOKEN: "" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  child.stdin.end(lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  const code = await new Promise<number | null>((r) => child.on("close", r));
  if (code !== 0) throw new Error(`chat exited with ${code}: ${err}`);
  return out
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as CliReply);
}
