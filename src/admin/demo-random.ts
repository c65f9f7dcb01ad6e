// The demo seed's randomness and names (demo-seed.ts): a seeded PRNG and Vietnamese names built from
// prisma/seed/demo-names.json.
import { readFileSync } from "node:fs";

export const DEMO_NAMES_PATH = new URL("../../prisma/seed/demo-names.json", import.meta.url);
// ---------------------------------------------------------------------------------------------
// Seeded PRNG (sfc32, seeded by cyrb128 of the text): same seed, same data.

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string) {
    let h1 = 1779033703;
    let h2 = 3144134277;
    let h3 = 1013904242;
    let h4 = 2773480762;
    for (let i = 0; i < seed.length; i++) {
      const k = seed.charCodeAt(i);
      h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
      h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
      h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
      h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
    }
    h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
    h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
    h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
    h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
    this.a = (h1 ^ h2 ^ h3 ^ h4) >>> 0;
    this.b = (h2 ^ h1) >>> 0;
    this.c = (h3 ^ h1) >>> 0;
    this.d = (h4 ^ h1) >>> 0;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** [0, 1) */
  next(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** integer in [lo, hi] */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** standard normal (Box-Muller) */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

/** Picks items by weight in O(log n). */
export class Weighted<T> {
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(
    private readonly items: readonly T[],
    weights: readonly number[],
  ) {
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => (this.cumulative[i] = sum += Math.max(0, w)));
    this.total = sum;
  }

  static of<T>(pairs: ReadonlyArray<readonly [T, number]>): Weighted<T> {
    return new Weighted(
      pairs.map((p) => p[0]),
      pairs.map((p) => p[1]),
    );
  }

  pick(rng: Rng): T {
    const x = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
}

export const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

// ---------------------------------------------------------------------------------------------
// Names (data file: no Vietnamese text in code)

interface NamesFile {
  familyNames: Array<[string, number]>;
  middleNames: { male: Array<[string, number]>; female: Array<[string, number]> };
  givenNames: { male: string[]; female: string[] };
  communePrefixes: string[];
  shopNames: Array<[string, number]>;
  listingSuffixes: Array<[string, number]>;
  addresses: Array<[string, number]>;
  streets: string[];
  villages: string[];
}

export function loadNames(): NamesFile {
  return JSON.parse(readFileSync(DEMO_NAMES_PATH, "utf8")) as NamesFile;
}

export class NameMaker {
  private readonly family: Weighted<string>;
  private readonly middleMale: Weighted<string>;
  private readonly middleFemale: Weighted<string>;
  private readonly shopPatterns: Weighted<string>;
  private readonly suffixes: Weighted<string>;
  private readonly addresses: Weighted<string>;

  constructor(private readonly names: NamesFile) {
    this.family = Weighted.of(names.familyNames);
    this.middleMale = Weighted.of(names.middleNames.male);
    this.middleFemale = Weighted.of(names.middleNames.female);
    this.shopPatterns = Weighted.of(names.shopNames);
    this.suffixes = Weighted.of(names.listingSuffixes);
    this.addresses = Weighted.of(names.addresses);
  }

  person(rng: Rng): { name: string; given: string } {
    const female = rng.chance(0.5);
    const given = rng.pick(female ? this.names.givenNames.female : this.names.givenNames.male);
    const middle = (female ? this.middleFemale : this.middleMale).pick(rng);
    return { name: `${this.family.pick(rng)} ${middle} ${given}`, given };
  }

  /** "Xã Chi Lăng" → "Chi Lăng" */
  shortCommune(name: string): string {
    const prefix = this.names.communePrefixes.find((p) => name.startsWith(p));
    return prefix ? name.slice(prefix.length) : name;
  }

  shop(rng: Rng, person: { name: string; given: string }, commune: string, product: string): string {
    return fill(this.shopPatterns.pick(rng), { name: person.name, given: person.given, commune, product });
  }

  listingTitle(rng: Rng, product: string, commune: string): string {
    const suffix = fill(this.suffixes.pick(rng), { commune });
    return suffix ? `${product} ${suffix}` : product;
  }

  address(rng: Rng): string {
    return fill(this.addresses.pick(rng), {
      number: String(rng.int(1, 250)),
      street: rng.pick(this.names.streets),
      village: rng.pick(this.names.villages),
    });
  }
}

const fill = (pattern: string, values: Record<string, string>) => pattern.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? "");

