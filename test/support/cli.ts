// Runs `npm run chat -- --json` as a real child process with a scripted conversation.
import { spawn } from "node:child_process";
import { resolve } from "node:path";

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
