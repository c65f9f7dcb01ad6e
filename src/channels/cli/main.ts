// `npm run chat` — talk to the bot in the terminal.
//   npm run chat                      interactive; answer buttons with their number
//   npm run chat -- --user 42         as another simulated person
//   npm run chat -- --json            one JSON object per line on stdin:
//        {"text": "..."} {"button": "<label or number>"} {"contact": "<phone>"} {"user": "<id>"}
//     and every bot reply as one JSON line {"user","text","buttons"} on stdout.
import "../../timezone.ts";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { registry } from "../../../flows/index.ts";
import { loadConfig, ConfigError } from "../../config.ts";
import { createDb } from "../../db/client.ts";
import { migrate } from "../../db/migrate.ts";
import { Engine } from "../../engine/engine.ts";
import { createLogger } from "../../log.ts";
import { publicBaseUrl } from "../../links.ts";
import { CliChannel, type CliInput } from "./channel.ts";

async function main() {
  const { values } = parseArgs({
    options: { json: { type: "boolean", default: false }, user: { type: "string", default: "cli-1" } },
  });
  const config = loadConfig();
  const log = createLogger(process.env.LOG_LEVEL ?? "warn", true);
  await migrate(config.DATABASE_URL);
  const db = createDb(config.DATABASE_URL);
  // the shop links it shows point where `npm start` serves the pages
  const engine = new Engine({ db, registry, log, provinceCode: config.PROVINCE_CODE, settings: { publicUrl: publicBaseUrl(config) } });
  const cli = new CliChannel(engine, (line) => process.stdout.write(`${line}\n`), values.json);

  let user = values.user;
  const rl = createInterface({ input: process.stdin, terminal: !values.json && process.stdin.isTTY });
  if (!values.json) {
    process.stdout.write("(Ctrl+D to quit; type /start to begin)\n> ");
  }
  for await (const line of rl) {
    if (values.json) {
      if (!line.trim()) continue;
      let input: CliInput;
      try {
        input = JSON.parse(line) as CliInput;
        if (typeof input !== "object" || input === null) throw new Error("not an object");
      } catch {
        process.stderr.write(`ignored a line that is not a JSON object: ${line.slice(0, 80)}\n`);
        continue;
      }
      if (input.user !== undefined) user = String(input.user);
      if (input.text === undefined && input.button === undefined && input.contact === undefined) continue;
      await cli.receive(user, input);
    } else {
      await cli.receive(user, { text: line });
      process.stdout.write("> ");
    }
  }
  await engine.idle();
  await db.$disconnect();
}

main().catch((e) => {
  process.stderr.write(`${e instanceof ConfigError ? e.message : e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
