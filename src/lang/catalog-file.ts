// Loading the product catalog shipped as data (prisma/seed/catalog.json).
//
// The file is edited by hand by people who know the crops, so it is validated strictly and every
// problem is reported with its path (items.3.priceRange.min: ...), instead of surfacing later as a
// product the bot silently never recognises.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { getCommune, getProvince } from "./communes.ts";
import { UNITS } from "./lexicon.ts";
import { foldWords } from "./normalize.ts";
import type { CatalogItem } from "./product.ts";

const month = z.number().int().min(1).max(12);
const vnd = z.number().int().positive();

const itemSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be an ASCII slug like hoi-kho"),
    name: z.string().trim().min(1),
    aliases: z
      .array(
        z
          .string()
          .trim()
          .min(1)
          // Messages are split into letters and digits, so an alias with digits could never match.
          .refine((a) => /^[\p{L} ]+$/u.test(foldWords(a)), "must be letters and spaces only"),
      )
      .min(1),
    unit: z.string().refine((u) => UNITS.has(u), "must be a unit code from src/lang/lexicon.ts (kg, lit, qua...)"),
    priceRange: z
      .object({ min: vnd, max: vnd })
      .refine((r) => r.min <= r.max, "min must not exceed max"),
    harvestMonths: z.array(month).min(1),
    offSeasonMonths: z.array(month).optional(),
    // A protected place name and where it may be used: commune codes (5 digits) or province codes (2).
    // Only the shape is checked here (the commune directory is 4 MB to load); `unknownAreas` checks
    // the codes exist, on import and in the tests of the shipped file.
    protected: z
      .object({
        name: z.string().trim().min(1),
        areas: z.array(z.string().regex(/^\d{2}(?:\d{3})?$/, "must be a commune (5 digits) or province (2 digits) code")).min(1),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((i) => (i.offSeasonMonths ?? []).every((m) => i.harvestMonths.includes(m)), {
    message: "offSeasonMonths must also be listed in harvestMonths",
    path: ["offSeasonMonths"],
  });

const fileSchema = z
  .object({
    version: z.literal(1),
    currency: z.literal("VND"),
    items: z.array(itemSchema).min(1),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.items.forEach((item, i) => {
      if (seen.has(item.id)) ctx.addIssue({ code: "custom", path: ["items", i, "id"], message: `duplicate id ${item.id}` });
      seen.add(item.id);
    });
  });

/** Validate catalog data already in memory (e.g. from a test). Throws an Error listing every problem. */
export function parseCatalog(data: unknown, source = "catalog"): CatalogItem[] {
  const result = fileSchema.safeParse(data);
  if (!result.success) throw new Error(`${source} is invalid:\n${z.prettifyError(result.error)}`);
  return result.data.items;
}

/** Area codes of protected names that name no known commune or province: "items.3: 99999". */
export function unknownAreas(items: readonly CatalogItem[]): string[] {
  return items.flatMap((item, i) =>
    (item.protected?.areas ?? []).filter((c) => (c.length === 5 ? !getCommune(c) : !getProvince(c))).map((c) => `items.${i} (${item.id}): ${c}`),
  );
}

/** Read and validate a catalog file. Synchronous: it is read once at start-up. */
export function loadCatalogFile(path: string | URL): CatalogItem[] {
  const text = readFileSync(path, "utf8");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${String(path)} is not valid JSON: ${(err as Error).message}`);
  }
  return parseCatalog(data, typeof path === "string" ? path : fileURLToPath(path));
}

/** The catalog shipped with the project. */
export const DEFAULT_CATALOG_PATH: URL = new URL("../../prisma/seed/catalog.json", import.meta.url);
