// Read-only queries behind the public pages. Only what a buyer may see: shop name, commune and live
// listings (active with stock left). Never the household's name or phone.
import type { Db } from "../db/client.ts";
import { fromMilli, LISTING_SELECT, type ListingView } from "../core/listings.ts";

/** A listing as buyers see it: no platform photo reference, and only live ones are shown. */
export type LiveListing = Omit<ListingView, "photoRef" | "status">;

export interface ShopPageData {
  id: string;
  name: string;
  slug: string;
  communeCode: string;
  provinceCode: string;
  listings: LiveListing[];
}

// Everything of a listing view but the platform's photo reference and the status.
const { photoRef: _photoRef, status: _status, ...listingSelect } = LISTING_SELECT;

/** The market filter value for listings outside the catalog ("Khác"). */
export const OTHER_PRODUCT = "khac";

const live = { status: "active", stockMilli: { gt: 0 } } as const;

type ListingRow = { stockMilli: number } & Omit<LiveListing, "quantity">;
const toLive = ({ stockMilli, ...rest }: ListingRow): LiveListing => ({ ...rest, quantity: fromMilli(stockMilli) });

/** A shop page never lists more than this (a household with more is not a farm). */
export const SHOP_PAGE_MAX = 500;

export async function shopPage(db: Db, slug: string): Promise<ShopPageData | null> {
  const shop = await db.shop.findUnique({
    where: { slug },
    select: {
      id: true,
      name: true,
      slug: true,
      household: { select: { communeCode: true, provinceCode: true } },
      listings: { where: live, orderBy: { updatedAt: "desc" }, select: listingSelect, take: SHOP_PAGE_MAX },
    },
  });
  if (!shop) return null;
  return {
    id: shop.id,
    name: shop.name,
    slug: shop.slug,
    communeCode: shop.household.communeCode,
    provinceCode: shop.household.provinceCode,
    listings: shop.listings.map(toLive),
  };
}

export interface MarketFilter {
  /** a catalog product id, or OTHER_PRODUCT for listings outside the catalog */
  product?: string;
  communeCode?: string;
  page: number;
  perPage: number;
}

export interface MarketListing extends LiveListing {
  shop: { name: string; slug: string; communeCode: string };
}

export async function marketPage(db: Db, f: MarketFilter): Promise<{ listings: MarketListing[]; hasMore: boolean }> {
  const rows = await db.listing.findMany({
    where: {
      ...live,
      ...(f.product === OTHER_PRODUCT ? { productId: null } : f.product ? { productId: f.product } : {}),
      ...(f.communeCode ? { shop: { household: { communeCode: f.communeCode } } } : {}),
    },
    orderBy: [{ updatedAt: "desc" }, { id: "asc" }],
    skip: (f.page - 1) * f.perPage,
    // one more than a page tells whether there is a next page without counting
    take: f.perPage + 1,
    select: { ...listingSelect, shop: { select: { name: true, slug: true, household: { select: { communeCode: true } } } } },
  });
  const listings = rows.slice(0, f.perPage).map(({ shop, ...l }) => ({
    ...toLive(l),
    shop: { name: shop.name, slug: shop.slug, communeCode: shop.household.communeCode },
  }));
  return { listings, hasMore: rows.length > f.perPage };
}
