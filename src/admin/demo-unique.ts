// The demo seed's unique values (demo-seed.ts): households' phone numbers, order codes and shop slugs
// that no other row holds, real rows included (`--force` beside real households).
import type { Db } from "../db/client.ts";
import type { Rng } from "./demo-random.ts";

// Mobile prefixes (+84 9x) whose every number is valid in libphonenumber's mobile metadata (099 is
// not: 0992 is unassigned).
export const PHONE_PREFIXES = ["90", "91", "92", "93", "94", "96", "97", "98"];
const PHONE_SPACE = PHONE_PREFIXES.length * 10_000_000;
/** Coprime with PHONE_SPACE (2^10·5^7): i → (a·i + b) mod space visits every number once. */
const PHONE_STEP = 48_271_019;
const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const CODE_SPACE = CODE_ALPHABET.length ** 8;
/** Coprime with 31^8. */
const CODE_STEP = 7_919_000_001;

/** What real rows already use: demo values must not collide. */
export interface TakenValues {
  phones: Set<string>;
  slugs: Set<string>;
  codes: Set<string>;
}

/** Read only when there are real rows (the demo rows of an earlier run are gone by then). */
export async function takenValues(db: Db, real: boolean): Promise<TakenValues> {
  const taken: TakenValues = { phones: new Set(), slugs: new Set(), codes: new Set() };
  if (real) {
    for (const h of await db.household.findMany({ select: { phone: true } })) taken.phones.add(h.phone);
    for (const s of await db.shop.findMany({ select: { slug: true } })) taken.slugs.add(s.slug);
    for (const o of await db.order.findMany({ select: { code: true } })) taken.codes.add(o.code);
  }
  return taken;
}

/**
 * Phones and order codes walk their whole space from a random start, each value once, so they never
 * repeat without a set of the values handed out so far (millions of households).
 */
export class UniqueValues {
  private phoneAt: number;
  private codeAt: number;

  /** Draws the walks' starting points from `rng`: the phone's, then the code's. */
  constructor(
    rng: Rng,
    private readonly taken: TakenValues,
  ) {
    this.phoneAt = rng.int(0, PHONE_SPACE - 1);
    this.codeAt = rng.int(0, 1_000_000_000);
  }

  // Both walks advance by their step modulo the space (kept small: no precision loss in a double).
  phone(): string {
    for (;;) {
      const n = this.phoneAt;
      this.phoneAt = (this.phoneAt + PHONE_STEP) % PHONE_SPACE;
      const phone = `+84${PHONE_PREFIXES[Math.floor(n / 10_000_000)]}${String(n % 10_000_000).padStart(7, "0")}`;
      if (!this.taken.phones.has(phone)) return phone;
    }
  }

  orderCode(): string {
    for (;;) {
      let n = this.codeAt;
      this.codeAt = (this.codeAt + CODE_STEP) % CODE_SPACE;
      let code = "";
      for (let i = 0; i < 8; i++) {
        code += CODE_ALPHABET[n % 31];
        n = Math.floor(n / 31);
      }
      if (!this.taken.codes.has(`DH${code}`)) return `DH${code}`;
    }
  }

  /** Demo slugs are unique among themselves (they end in the household's number); one a real shop holds gets digits added. */
  slug(rng: Rng, slug: string): string {
    while (this.taken.slugs.has(slug)) slug += rng.int(0, 9);
    return slug;
  }
}
