// Truthful origin (issue 20 part 6). Catalog products are generic ("Na", "Quýt vàng"); where produce
// comes from is the household's commune ("Na — Thất Khê, Lạng Sơn"). A protected place name ("Na Chi
// Lăng", a registered collective mark) is the title only for households of its areas, which the
// catalog file lists as commune codes (5 digits) or province codes (2 digits).
import { getCommune, getProvince, type CommuneKind } from "./communes.ts";
import type { CatalogItem } from "./product.ts";

/** Words of the official name that say what kind of unit it is ("Xã", "Phường", "Đặc khu"). */
const KIND_WORDS: Record<CommuneKind, number> = { xa: 1, phuong: 1, dac_khu: 2 };

/** Is this commune inside one of these areas (commune or province codes)? */
export function inAreas(areas: readonly string[], communeCode: string | null | undefined): boolean {
  if (!communeCode) return false;
  const commune = getCommune(communeCode);
  return areas.includes(communeCode) || (!!commune && areas.includes(commune.provinceCode));
}

/** The listing title for a catalog product sold by a household of this commune. */
export function productTitle(item: Pick<CatalogItem, "name" | "protected">, communeCode: string | null | undefined): string {
  return item.protected && inAreas(item.protected.areas, communeCode) ? item.protected.name : item.name;
}

/** "Thất Khê, Lạng Sơn": the commune without its kind word, and its province; null for an unknown code. */
export function originPlace(communeCode: string | null | undefined): { commune: string; province: string } | null {
  const commune = communeCode ? getCommune(communeCode) : undefined;
  if (!commune) return null;
  const short = commune.name.split(" ").slice(KIND_WORDS[commune.kind]).join(" ") || commune.name;
  return { commune: short, province: getProvince(commune.provinceCode)?.name ?? "" };
}
