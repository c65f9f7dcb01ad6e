// `npm run parse -- "ban 2 ta hoi 80k"`: print what the listing parser understands, as one JSON
// object per message. With no argument, reads one message per line from stdin (for batch checks).

import { createInterface } from "node:readline";
import { DEFAULT_CATALOG_PATH, loadCatalogFile } from "../lang/catalog-file.ts";
import { parseListingSentence } from "../lang/listing.ts";
import { compileCatalog } from "../lang/product.ts";

const args = process.argv.slice(2);
const catalogFlag = args.indexOf("--catalog");
const catalogPath = catalogFlag >= 0 ? args.splice(catalogFlag, 2)[1] : undefined;
const catalog = compileCatalog(loadCatalogFile(catalogPath ?? DEFAULT_CATALOG_PATH));

if (args.length > 0) {
  console.log(JSON.stringify(parseListingSentence(args.join(" "), catalog)));
} else {
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() !== "") console.log(JSON.stringify(parseListingSentence(line, catalog)));
  }
}
