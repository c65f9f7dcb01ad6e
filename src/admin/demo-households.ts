// The demo seed's households (demo-seed.ts): who registers where and when, how they get paid, and
// their shops; a shop in its household's hands may then list produce (demo-listings.ts). Every value
// is drawn from the plan's PRNG stream in a fixed order: reordering the draws changes the data a
// seed gives.
import { foldWords } from "../lang/normalize.ts";
import { addListings } from "./demo-listings.ts";
import { demoPaymentDetails } from "./demo-money.ts";
import { DAY, type DemoPlan } from "./demo-plan.ts";
import type { DemoChunk } from "./demo-writers.ts";

const HOUSEHOLD_SPAN_MS = 182 * DAY;
/** registrations grow ~e^GROWTH (~6×) over the period */
const GROWTH = 1.8;

/**
 * Household i of `total` with its shop (and the shop's listings and orders) into the chunk; returns
 * the household's commune code.
 */
export function addHousehold(plan: DemoPlan, chunk: DemoChunk, i: number, total: number): string {
  const { rng, names, nowMs } = plan;
  const profile = plan.pickCommune.pick(rng);
  const code = profile.commune.code;
  // createdAt: density ∝ e^(growth·x) over the period, x = 1 now
  // (stratified: household i at quantile (i + u) / N, so createdAt grows with i)
  const x = Math.log(1 + ((i + rng.next()) / total) * (Math.exp(GROWTH) - 1)) / GROWTH;
  const createdAt = Math.floor(nowMs - HOUSEHOLD_SPAN_MS * (1 - x)) - rng.int(0, 60_000);
  let openedAt: number | null = createdAt;
  let registeredById: string | null = null;
  if (rng.chance(profile.assistedRate)) {
    registeredById = plan.officerId;
    // claimed a few days later, or not yet (more often for recent registrations)
    const claimedAt = createdAt + Math.floor(-Math.log(1 - rng.next()) * 5 * DAY);
    openedAt = claimedAt < nowMs && !rng.chance(0.12 + 0.3 * x) ? claimedAt : null;
  }
  const payment = rng.chance(profile.epayRate) ? plan.payments.pick(rng) : "none";
  const person = names.person(rng);
  // ids grow with i, and so do registration times: rows are appended in key order, like real ones
  const key = i.toString(36).padStart(7, "0");
  const householdId = `demoh${key}`;
  const phone = plan.unique.phone();
  const payDetails = demoPaymentDetails(rng, payment, phone, person.name);
  chunk.households.add(
    householdId,
    person.name,
    phone,
    plan.provinceCode,
    code,
    payment,
    new Date(createdAt),
    openedAt === null ? null : rng.chance(0.55) ? "zalo" : "telegram",
    registeredById,
    openedAt === null ? null : new Date(openedAt),
    true,
    new Date(createdAt),
    new Date(openedAt ?? createdAt),
    payDetails.bankBin,
    payDetails.account,
    payDetails.accountName,
  );

  const shopId = `demos${key}`;
  const shopName = names.shop(rng, person, profile.short, profile.products.pick(rng).name);
  const slug = plan.unique.slug(rng, `${foldWords(shopName).replace(/[^a-z0-9 ]/g, "").trim().replace(/ +/g, "-").slice(0, 40) || "shop"}-${i.toString(36)}`);
  chunk.shops.add(shopId, householdId, shopName, slug, new Date(createdAt), new Date(createdAt));

  // Listings: only a shop in the household's hands can sell (about 40% of them do).
  if (openedAt !== null && rng.chance(0.42 * profile.listingFactor)) {
    addListings(plan, chunk, { key, id: shopId, profile, openedAt, bank: payDetails.bankBin !== null });
  }
  return code;
}
