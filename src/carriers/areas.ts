// Our addresses → a carrier's catalogue ids. Carriers publish their own province and ward lists (no
// official GSO codes), so names are matched after folding accents and dropping the unit word
// ("Xã", "Phường", "Tỉnh", "Thành phố"): "Xã Quý Hoà" finds "Quý Hòa".
import { fold } from "../lang/normalize.ts";

const UNIT_WORDS = /^(tinh|thanh pho|tp|xa|phuong|thi tran|dac khu|huyen|quan|thi xa)\s+/;

export function areaKey(name: string): string {
  return fold(name).replace(/[^a-z0-9 ]/g, " ").replace(/\s+/g, " ").trim().replace(UNIT_WORDS, "");
}

export function findArea<T>(items: readonly T[], name: string | undefined, nameOf: (item: T) => string): T | undefined {
  if (!name) return undefined;
  const key = areaKey(name);
  if (!key) return undefined;
  return items.find((i) => areaKey(nameOf(i)) === key);
}

/** "Chi Lăng, Lạng Sơn" → { commune: "Chi Lăng", province: "Lạng Sơn" }: the buyer's area as the forms keep it. */
export function splitArea(area: string): { commune?: string; province: string } {
  const parts = area.split(",").map((p) => p.trim()).filter(Boolean);
  if (parts.length <= 1) return { province: parts[0] ?? "" };
  return { commune: parts[0], province: parts[parts.length - 1] };
}
