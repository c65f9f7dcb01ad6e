// `npm run admin -- communes:households <file.csv>`: how many households live in each commune, the
// campaign's denominator on the dashboard ("one digital shop and one e-payment account for every two
// households"). One commune per line: `code,households`; a header line is optional and `;` may separate
// the columns instead of `,` (spreadsheets set to Vietnamese export with `;`). A code that lost its
// leading zero in a spreadsheet ("6463") is read as "06463"; counts may group thousands with dots or
// spaces ("3.250"). Every line is checked first and each bad one is reported with its line number;
// if any is bad nothing is written. Otherwise all totals are set in one transaction.
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { getCommune, getProvince, listCommunes } from "../lang/communes.ts";

export const COMMUNE_HOUSEHOLDS_USAGE = `  communes:households <file.csv>         households per commune (campaign denominator): lines "code,households" (or ";"), header optional`;

/** No commune holds a million households: a bigger number is a typo (an extra digit, a merged cell). */
const MAX_HOUSEHOLDS = 1_000_000;

export interface CommuneTotal {
  communeCode: string;
  households: number;
}

export interface LineProblem {
  line: number;
  message: string;
}

export class CommuneHouseholdsFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: LineProblem[],
  ) {
    super(`${file}: ${problems.length} bad line(s), nothing imported:\n${problems.map((p) => `  line ${p.line}: ${p.message}`).join("\n")}`);
  }
}

function lineSchema(provinceCode: string) {
  const province = getProvince(provinceCode)?.name ?? provinceCode;
  return z.object({
    code: z
      .string()
      .trim()
      .min(1, "is empty")
      .regex(/^\d{1,5}$/, "must be digits (the 5-digit ward code, e.g. 06463)")
      .transform((c) => c.padStart(5, "0"))
      .refine((c) => getCommune(c)?.provinceCode === provinceCode, { message: `is not a commune of province ${provinceCode} (${province})` }),
    households: z
      .string()
      .trim()
      .min(1, "is empty")
      .regex(/^(\d+|\d{1,3}([. ]\d{3})+)$/, "must be a whole number, e.g. 3250")
      .transform((v) => Number(v.replace(/[. ]/g, "")))
      .pipe(
        z
          .number()
          .int()
          .positive("must be at least 1")
          .max(MAX_HOUSEHOLDS, `must be at most ${MAX_HOUSEHOLDS.toLocaleString("en")}`),
      ),
  });
}

/** A header line: neither of its first two cells is a number ("code,households", "ma_xa;so_ho"...). */
const isHeader = (cells: string[]) => !/^\s*\d/.test(cells[0] ?? "") && !/^\s*\d/.test(cells[1] ?? "");

/** Reads and checks the whole file; throws CommuneHouseholdsFileError listing every bad line. */
export function parseCommuneHouseholds(text: string, provinceCode: string, file = "input"): CommuneTotal[] {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, {
      delimiter: [",", ";"],
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (e) {
    const err = e as { lines?: number; message: string };
    throw new CommuneHouseholdsFileError(file, [{ line: err.lines ?? 0, message: `not a readable CSV file: ${err.message}` }]);
  }
  const schema = lineSchema(provinceCode);
  const problems: LineProblem[] = [];
  const totals: CommuneTotal[] = [];
  const seenAt = new Map<string, number>();
  records.forEach(({ record, info }, index) => {
    const line = info.lines;
    // Trailing empty cells (a spreadsheet's extra columns) are ignored.
    const cells = [...record];
    while (cells.length > 2 && cells[cells.length - 1] === "") cells.pop();
    if (index === 0 && isHeader(cells)) return;
    if (cells.length !== 2) {
      problems.push({ line, message: `expected 2 columns (code, households), found ${cells.length}` });
      return;
    }
    const parsed = schema.safeParse({ code: cells[0], households: cells[1] });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? "");
        const value = field === "code" ? cells[0] : cells[1];
        problems.push({ line, message: `${field} "${value}" ${issue.message}` });
      }
      return;
    }
    const { code, households } = parsed.data;
    const earlier = seenAt.get(code);
    if (earlier !== undefined) {
      problems.push({ line, message: `commune ${code} already given on line ${earlier}` });
      return;
    }
    seenAt.set(code, line);
    totals.push({ communeCode: code, households });
  });
  if (problems.length === 0 && totals.length === 0) problems.push({ line: 1, message: "no commune lines in the file" });
  if (problems.length > 0) throw new CommuneHouseholdsFileError(file, problems);
  return totals;
}

/** Sets every total of the file in one transaction. Returns how many were set and how many communes still have none. */
export async function importCommuneHouseholds(
  db: Db,
  path: string,
  provinceCode: string,
): Promise<{ set: number; withoutTotal: number; communes: number }> {
  const totals = parseCommuneHouseholds(readFileSync(path, "utf8"), provinceCode, path);
  await db.$transaction(
    totals.map(({ communeCode, households }) =>
      db.communeHouseholds.upsert({ where: { communeCode }, create: { communeCode, households }, update: { households } }),
    ),
  );
  const codes = listCommunes(provinceCode).map((c) => c.code);
  const known = await db.communeHouseholds.count({ where: { communeCode: { in: codes } } });
  return { set: totals.length, withoutTotal: codes.length - known, communes: codes.length };
}
