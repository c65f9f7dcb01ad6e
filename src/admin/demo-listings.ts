// The demo seed's market (demo-seed.ts): a shop's listings of catalog products, the orders buyers placed
// on them and the post office's pickups of those orders. Every value is drawn from the plan's PRNG
// stream in a fixed order: reordering the draws changes the data a seed gives.
import { getProvince } from "../lang/communes.ts";
import type { CatalogItem } from "../lang/product.ts";
import { demoOrderPayment } from "./demo-money.ts";
import { DAY, type CommuneProfile, type DemoPlan } from "./demo-plan.ts";
import { clamp } from "./demo-random.ts";
import { PHONE_PREFIXES } from "./demo-unique.ts";
import type { DemoChunk } from "./demo-writers.ts";

const ORDER_SPAN_MS = 92 * DAY;
/** mean time from a listing to an order on it */
const ORDER_AFTER_LISTING_MS = 12 * DAY;
const ORDER_EXPIRE_MS = DAY;
const HOUR = 3_600_000;
const REMIND_MS = 3 * HOUR;

/** A shop in its household's hands (opened): only such a shop can sell. */
export interface DemoShop {
  /** the household's number in base 36: every id of its rows ends in it */
  key: string;
  id: string;
  profile: CommuneProfile;
  openedAt: number;
  /** the household takes transfers to a bank account */
  bank: boolean;
}

interface DemoListing {
  id: string;
  /** its place among the shop's listings (ids) */
  index: number;
  product: CatalogItem;
  status: string;
  priceVnd: number;
  listedAt: number;
}

/** One to five listings for the shop, and orders on about a third of them (more on sold-out ones). */
export function addListings(plan: DemoPlan, chunk: DemoChunk, shop: DemoShop): void {
  const { rng } = plan;
  let listingCount = 1;
  while (listingCount < 5 && rng.chance(0.35)) listingCount++;
  for (let l = 0; l < listingCount; l++) {
    const listing = addListing(plan, chunk, shop, l);
    if (!rng.chance(listing.status === "sold_out" ? 0.8 : listing.status === "paused" ? 0.2 : 0.33)) continue;
    let orderCount = 1;
    while (orderCount < 12 && rng.chance(0.55)) orderCount++;
    for (let o = 0; o < orderCount; o++) addOrder(plan, chunk, shop, listing, o);
  }
}

function addListing(plan: DemoPlan, chunk: DemoChunk, shop: DemoShop, index: number): DemoListing {
  const { rng, nowMs } = plan;
  const product = shop.profile.products.pick(rng);
  const id = `demol${shop.key}${index}`;
  // listed at any time since the shop opened (households list what each season brings)
  const listedAt = Math.min(nowMs - rng.int(0, 3_600_000), Math.floor(shop.openedAt + (nowMs - shop.openedAt) * rng.next()));
  const roll = rng.next();
  const status = roll < 0.78 ? "active" : roll < 0.9 ? "sold_out" : "paused";
  const { displayUnit, stock } = drawStock(plan, product);
  const { min, max } = product.priceRange;
  const priceVnd = clamp(Math.round((min + (max - min) * rng.next()) / 1000) * 1000, min, max);
  const availableFrom = status === "active" && rng.chance(0.05) ? new Date(nowMs + rng.int(3, 60) * DAY) : null;
  chunk.listings.add(
    id,
    shop.id,
    product.id,
    plan.names.listingTitle(rng, product.name, shop.profile.short),
    product.unit,
    status === "sold_out" ? 0 : stock * 1000,
    displayUnit,
    priceVnd,
    availableFrom,
    status,
    new Date(listedAt),
    new Date(listedAt),
  );
  return { id, index, product, status, priceVnd, listedAt };
}

/** The stock on offer, in the unit the household shows it in (kg are often sold by the yến or tạ). */
function drawStock({ rng }: DemoPlan, product: CatalogItem): { displayUnit: string; stock: number } {
  if (product.unit === "kg") {
    const u = rng.next();
    const displayUnit = u < 0.65 ? "kg" : u < 0.82 ? "yen" : "ta";
    const kg = Math.exp(Math.log(40) + 0.9 * rng.normal());
    const stock = displayUnit === "ta" ? Math.max(1, Math.round(kg / 100)) * 100 : displayUnit === "yen" ? Math.max(1, Math.round(kg / 10)) * 10 : Math.max(1, Math.round(kg));
    return { displayUnit, stock };
  }
  if (product.unit === "lit") return { displayUnit: product.unit, stock: rng.int(1, 40) };
  return { displayUnit: product.unit, stock: rng.int(10, 400) };
}

/** An order placed `createdMs`, where it went since: pending only in the last day (the app expires the others). */
function drawOrderFate({ rng, nowMs }: DemoPlan, createdMs: number): { status: string; decidedAt: number | null; movedAt: number } {
  const age = nowMs - createdMs;
  const r = rng.next();
  const status =
    age < ORDER_EXPIRE_MS
      ? r < 0.5 ? "pending" : r < 0.8 ? "accepted" : r < 0.92 ? "declined" : age > 6 * HOUR ? "picked_up" : "accepted"
      : r < 0.48 ? "delivered" : r < 0.58 ? "picked_up" : r < 0.7 ? "accepted" : r < 0.82 ? "declined" : "expired";
  const decided = status !== "pending" && status !== "expired";
  const decidedAt = decided ? Math.min(nowMs, createdMs + 600_000 + Math.floor(-Math.log(1 - rng.next()) * 2 * HOUR), createdMs + ORDER_EXPIRE_MS - 60_000) : null;
  const movedAt =
    status === "picked_up" || status === "delivered"
      ? Math.min(nowMs, decidedAt! + rng.int(3, 72) * HOUR)
      : status === "expired"
        ? createdMs + ORDER_EXPIRE_MS
        : (decidedAt ?? createdMs);
  return { status, decidedAt, movedAt };
}

/** The o-th order on a listing (none when its time falls before the window or in the future), and its pickup. */
function addOrder(plan: DemoPlan, chunk: DemoChunk, shop: DemoShop, listing: DemoListing, o: number): void {
  const { rng, names, nowMs } = plan;
  const { product } = listing;
  // buyers come in the weeks after the listing appears; none before the window or in the future
  const createdMs = listing.listedAt + Math.floor(-Math.log(1 - rng.next()) * ORDER_AFTER_LISTING_MS);
  if (createdMs >= nowMs || createdMs < nowMs - ORDER_SPAN_MS) return;
  const age = nowMs - createdMs;
  const quantity =
    product.unit === "kg" ? clamp(Math.round(Math.exp(Math.log(5) + 0.8 * rng.normal())), 1, 200) : product.unit === "lit" ? rng.int(1, 5) : rng.int(5, 60);
  const quantityMilli = quantity * 1000;
  const { status, decidedAt, movedAt } = drawOrderFate(plan, createdMs);
  const api = rng.chance(0.3);
  const buyer = names.person(rng);
  const suffix = `${shop.key}${listing.index}${o.toString(36)}`;
  const orderId = `demoo${suffix}`;
  const totalVnd = Math.round((quantityMilli * listing.priceVnd) / 1000);
  const paid = demoOrderPayment(rng, { status, totalVnd, decidedAt, movedAt, nowMs, bank: shop.bank });
  chunk.orders.add(
    orderId,
    plan.unique.orderCode(),
    statusToken(plan),
    listing.id,
    shop.id,
    quantityMilli,
    listing.priceVnd,
    totalVnd,
    buyer.name,
    buyerPhone(plan),
    names.address(rng),
    buyerArea(plan),
    api ? "api" : "web",
    null,
    "vi",
    api ? (rng.chance(0.6) ? "api:postmart" : "api:voso") : "web",
    status,
    status === "declined" ? rng.pick(plan.declineReasons) : null,
    new Date(createdMs + ORDER_EXPIRE_MS),
    (status === "pending" && age > REMIND_MS) || status === "expired" ? new Date(createdMs + REMIND_MS) : null,
    decidedAt === null ? null : new Date(decidedAt),
    new Date(createdMs),
    new Date(movedAt),
    paid.payState,
    paid.paidAt,
    paid.paidBy,
  );
  if (status !== "picked_up" && status !== "delivered") return;
  const grams = product.unit === "qua" ? quantity * 250 : quantityMilli;
  chunk.pickups.add(
    `demop${suffix}`,
    orderId,
    rng.chance(0.6) ? "viettel_post" : "vnpost",
    grams + 300,
    paid.codVnd,
    status,
    shop.profile.commune.code,
    new Date(Math.min(decidedAt! + HOUR, movedAt)),
    new Date(movedAt),
  );
}

/** The secret in the buyer's order-status link. */
function statusToken({ rng }: DemoPlan): string {
  let s = "demo";
  for (let i = 0; i < 32; i++) s += "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[rng.int(0, 63)];
  return s;
}

/** Buyers' phones may repeat and need not be free: any valid mobile. */
const buyerPhone = ({ rng }: DemoPlan) => `+84${rng.pick(PHONE_PREFIXES)}${String(rng.int(0, 9_999_999)).padStart(7, "0")}`;

function buyerArea(plan: DemoPlan): string {
  const { rng } = plan;
  if (rng.chance(0.45)) return `${plan.pickCommune.pick(rng).commune.name}, ${plan.provinceName}`;
  return getProvince(plan.buyerProvinces.pick(rng))?.name ?? plan.provinceName;
}
