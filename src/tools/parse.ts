// `npm run parse -- "ban 2 ta hoi 80k"`: print what the bot understands from a message, as one JSON
// object. It uses the bot's own catalog (the database's, including imports); `--catalog <file>` uses a
// catalog file instead. With no message argument, reads one message per line from stdin.
// `--intent` prints what the message asks for instead: { intent, product, items } (src/lang/intent.ts).

import { createInterface } from "node:readline";
import { CatalogStore } from "../core/catalog.ts";
import { loadConfig } from "../config.ts";
import { createDb } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { loadCatalogFile } from "../lang/catalog-file.ts";
import { understand } from "../lang/intent.ts";
import { parseListingSentence } from "../lang/listing.ts";
import { compileCatalog, type CatalogIndex } from "../lang/product.ts";

async function catalogIndex(file: string | undefined): Promise<CatalogIndex> {
  if (file) return compileCatalog(loadCatalogFile(file));
  const { DATABASE_URL } = loadConfig();
  await migrate(DATABASE_URL);
  const db = createDb(DATABASE_URL);
  try {
    return (await new CatalogStore(db).get()).index;
  } finally {
    await db.$disconnect();
  }
}

const args = process.argv.slice(2);
const catalogFlag = args.indexOf("--catalog");
const catalogPath = catalogFlag >= 0 ? args.splice(catalogFlag, 2)[1] : undefined;
const intentFlag = args.indexOf("--intent");
if (intentFlag >= 0) args.splice(intentFlag, 1);
const catalog = await catalogIndex(catalogPath);

function read(message: string): unknown {
  if (intentFlag < 0) return parseListingSentence(message, catalog);
  const { intent, product, items } = understand(message, catalog);
  return { intent, product, items };
}

if (args.length > 0) {
  console.log(JSON.stringify(read(args.join(" "))));
} else {
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() !== "") console.log(JSON.stringify(read(line)));
  }
}
