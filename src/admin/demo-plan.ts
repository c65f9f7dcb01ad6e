// The demo seed's plan (demo-seed.ts): the communes' profiles (how big, how advanced, what they grow)
// and the draws every household shares (payment methods, where buyers live, why orders are declined),
// set up once per run before the households are generated.
import { tFor } from "../i18n/index.ts";
import { getProvince, type Commune } from "../lang/communes.ts";
import type { CatalogItem } from "../lang/product.ts";
import { clamp, loadNames, NameMaker, Rng, Weighted } from "./demo-random.ts";
import { UniqueValues, type TakenValues } from "./demo-unique.ts";

export const DAY = 86_400_000;

const E_PAYMENTS: Array<[string, number]> = [
  ["viettel_money", 36],
  ["bank", 24],
  ["momo", 14],
  ["postpay", 16],
  ["other", 10],
];
/** Where buyers live: the province itself (a commune of it) or these provinces, by weight. */
const BUYER_PROVINCES: Array<[string, number]> = [
  ["01", 30], ["22", 8], ["24", 8], ["19", 6], ["31", 6], ["79", 8], ["04", 5], ["25", 4], ["33", 4], ["48", 3],
];

export interface CommuneProfile {
  commune: Commune;
  short: string;
  weight: number;
  epayRate: number;
  assistedRate: number;
  listingFactor: number;
  products: Weighted<CatalogItem>;
  /** commune total = demo households × ratio; null: no total (left out on purpose) */
  ratio: number | null;
}

/**
 * The communes, drawn from their own PRNG stream, so a commune looks the same whatever the number of
 * households.
 */
export function profileCommunes(rng: Rng, communes: Commune[], catalog: readonly CatalogItem[], names: NameMaker): CommuneProfile[] {
  // Some produce is common everywhere, some rare; each commune has its specialities.
  const base = catalog.map(() => Math.exp(0.9 * rng.normal()));
  const withoutTotal = new Set<number>();
  const leaveOut = Math.round(communes.length * 0.1);
  while (withoutTotal.size < Math.min(leaveOut, Math.max(0, communes.length - 1))) withoutTotal.add(rng.int(0, communes.length - 1));
  return communes.map((commune, i) => {
    const specialities = new Set([rng.int(0, catalog.length - 1), rng.int(0, catalog.length - 1), rng.int(0, catalog.length - 1)]);
    return {
      commune,
      short: names.shortCommune(commune.name),
      weight: Math.exp(0.55 * rng.normal()) * (commune.kind === "phuong" ? 1.8 : 1),
      epayRate: clamp(0.55 + 0.13 * rng.normal(), 0.25, 0.85),
      assistedRate: clamp(0.15 + 0.08 * rng.normal(), 0.02, 0.4),
      listingFactor: clamp(1 + 0.25 * rng.normal(), 0.5, 1.5),
      products: new Weighted(
        catalog,
        base.map((w, p) => (specialities.has(p) ? w * 6 + 2 : w)),
      ),
      ratio: withoutTotal.has(i) ? null : clamp(2.5 * Math.exp(0.3 * rng.normal()), 1.3, 5),
    };
  });
}

/** Everything the generation of a household, its shop, listings and orders draws on. */
export interface DemoPlan {
  /** the run's main PRNG stream: every household draws from it in turn */
  rng: Rng;
  names: NameMaker;
  profiles: CommuneProfile[];
  pickCommune: Weighted<CommuneProfile>;
  payments: Weighted<string>;
  buyerProvinces: Weighted<string>;
  declineReasons: string[];
  unique: UniqueValues;
  provinceCode: string;
  provinceName: string;
  officerId: string;
  nowMs: number;
}

export function planDemo(p: {
  seed: string;
  communes: Commune[];
  catalog: readonly CatalogItem[];
  provinceCode: string;
  officerId: string;
  now: Date;
  taken: TakenValues;
}): DemoPlan {
  const names = new NameMaker(loadNames());
  const profiles = profileCommunes(new Rng(`${p.seed}:communes`), p.communes, p.catalog, names);
  const rng = new Rng(p.seed);
  // the walks' starting points are the main stream's first draws
  const unique = new UniqueValues(rng, p.taken);
  const t = tFor("vi");
  return {
    rng,
    names,
    profiles,
    pickCommune: new Weighted(
      profiles,
      profiles.map((c) => c.weight),
    ),
    payments: Weighted.of(E_PAYMENTS),
    buyerProvinces: Weighted.of(BUYER_PROVINCES.filter(([code]) => getProvince(code) && code !== p.provinceCode)),
    declineReasons: ["sold_out", "cannot_deliver", "price_changed"].map((k) => t(`orders:reason.${k}`)),
    unique,
    provinceCode: p.provinceCode,
    provinceName: getProvince(p.provinceCode)!.name,
    officerId: p.officerId,
    nowMs: p.now.getTime(),
  };
}
