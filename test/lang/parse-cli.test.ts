// `npm run parse`: without --intent the listing parse as before; with --intent one JSON object
// { intent, product, items } per message. Run as a real process on the catalog file (no database).

import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOG_PATH, loadCatalogFile } from "../../src/lang/catalog-file.ts";
import { parseListingSentence } from "../../src/lang/listing.ts";

const run = (args: string[]) =>
  promisify(execFile)(resolve("node_modules/.bin/tsx"), ["src/tools/parse.ts", "--catalog", "prisma/seed/catalog.json", ...args]);

describe("npm run parse", () => {
  it("prints the listing parse without --intent, as before", async () => {
    const { stdout } = await run(["ban 2 ta hoi 80k"]);
    expect(stdout.trim()).toBe(JSON.stringify(parseListingSentence("ban 2 ta hoi 80k", loadCatalogFile(DEFAULT_CATALOG_PATH))));
  });

  it("prints intent, product and items with --intent", async () => {
    const { stdout } = await run(["--intent", "ban 3 yen thach den 25k va 1 ta hoi 90k"]);
    const out = JSON.parse(stdout) as { intent: string; product: { name: string }; items: { product: { id: string }; quantity: { kg: number }; price: { vndPerKg: number } }[] };
    expect(Object.keys(out)).toEqual(["intent", "product", "items"]);
    expect(out.intent).toBe("sell");
    expect(out.product.name).toBe("Thạch đen khô");
    expect(out.items.map((i) => [i.product.id, i.quantity.kg, i.price.vndPerKg])).toEqual([
      ["thach-den", 30, 25_000],
      ["hoi-kho", 100, 90_000],
    ]);
    const price = JSON.parse((await run(["--intent", "gia hoi hom nay bao nhieu"])).stdout);
    expect(price).toEqual({ intent: "price", product: { id: "hoi-kho", name: "Hoa hồi khô" }, items: [] });
  });
});
