// Listings: what a household's shop offers. Stock is kept in thousandths of the unit (grams for kg)
// so that later reservations add and subtract whole numbers and never drift.
import { newId, type Tx } from "../db/client.ts";
import { insertLater } from "../db/insert-later.ts";

export type ListingStatus = "active" | "paused" | "sold_out" | "deleted";

export interface NewListing {
  shopId: string;
  productId: string | null;
  title: string;
  unit: string;
  quantity: number;
  displayUnit: string;
  priceVnd: number;
  photo?: { ref: string; channel: string } | null;
  availableFrom?: Date | null;
}

export interface ListingView {
  id: string;
  productId: string | null;
  title: string;
  unit: string;
  /** in `unit` */
  quantity: number;
  displayUnit: string;
  priceVnd: number;
  photoRef: string | null;
  photoFile: string | null;
  availableFrom: Date | null;
  status: ListingStatus;
  updatedAt: Date;
}

export const toMilli = (quantity: number) => Math.round(quantity * 1000);
export const fromMilli = (milli: number) => milli / 1000;

/** The columns a listing view is made of (also used by the public pages). */
export const LISTING_SELECT = {
  id: true,
  productId: true,
  title: true,
  unit: true,
  stockMilli: true,
  displayUnit: true,
  priceVnd: true,
  photoRef: true,
  photoFile: true,
  availableFrom: true,
  status: true,
  updatedAt: true,
} as const;
const select = LISTING_SELECT;

type Row = { stockMilli: number; status: string } & Omit<ListingView, "quantity" | "status">;
const view = ({ stockMilli, status, ...rest }: Row): ListingView => ({
  ...rest,
  quantity: fromMilli(stockMilli),
  status: status as ListingStatus,
});

export function listings(tx: Tx) {
  return {
    async create(input: NewListing): Promise<ListingView> {
      // Held back and written with the other listings of its group of turns, in one statement
      // (insert-later.ts): in a burst it was the one statement each turn still sent. Plain SQL, as
      // Prisma's query compiler spent about 1.4 ms of CPU on this create against 0.5 ms for the INSERT.
      const now = new Date();
      const row = {
        id: newId(),
        shopId: input.shopId,
        productId: input.productId,
        title: input.title,
        unit: input.unit,
        stockMilli: toMilli(input.quantity),
        displayUnit: input.displayUnit,
        priceVnd: input.priceVnd,
        photoRef: input.photo?.ref ?? null,
        photoChannel: input.photo?.channel ?? null,
        availableFrom: input.availableFrom ?? null,
        status: "active",
        createdAt: now,
        updatedAt: now,
      };
      await insertLater(tx, "Listing", row);
      const { id, productId, title, unit, stockMilli, displayUnit, priceVnd, photoRef, availableFrom, status, updatedAt } = row;
      return view({ id, productId, title, unit, stockMilli, displayUnit, priceVnd, photoRef, photoFile: null, availableFrom, status, updatedAt });
    },

    /** The shop's listings, newest first, without deleted ones. */
    async ofShop(shopId: string): Promise<ListingView[]> {
      const rows = await tx.listing.findMany({
        where: { shopId, status: { not: "deleted" } },
        orderBy: { createdAt: "desc" },
        select,
      });
      return rows.map(view);
    },

    async countLive(shopId: string): Promise<number> {
      return tx.listing.count({ where: { shopId, status: "active" } });
    },

    /** One listing, only if it belongs to this shop (a stale or forged id gets nothing). */
    async get(shopId: string, id: string): Promise<ListingView | null> {
      const row = await tx.listing.findFirst({ where: { id, shopId, status: { not: "deleted" } }, select });
      return row ? view(row) : null;
    },

    async update(
      shopId: string,
      id: string,
      patch: Partial<{ quantity: number; displayUnit: string; priceVnd: number; status: ListingStatus }>,
    ): Promise<boolean> {
      const { quantity, ...rest } = patch;
      const data = quantity === undefined ? rest : { ...rest, stockMilli: toMilli(quantity) };
      const res = await tx.listing.updateMany({ where: { id, shopId, status: { not: "deleted" } }, data });
      return res.count === 1;
    },

    /**
     * Live listings buyers can order from, freshest first: one catalog product, or free-text titles
     * containing `titleQuery` (case as stored). Excludes the asking household's own shop.
     */
    async live(filter: { productId?: string; titleQuery?: string; excludeShopId?: string }, take = 8) {
      const rows = await tx.listing.findMany({
        where: {
          status: "active",
          stockMilli: { gt: 0 },
          ...(filter.productId ? { productId: filter.productId } : {}),
          ...(filter.titleQuery ? { title: { contains: filter.titleQuery } } : {}),
          ...(filter.excludeShopId ? { shopId: { not: filter.excludeShopId } } : {}),
        },
        orderBy: { updatedAt: "desc" },
        take,
        select: { ...select, shop: { select: { name: true, household: { select: { communeCode: true } } } } },
      });
      return rows.map(({ shop, ...row }) => ({ ...view(row), shopName: shop.name, communeCode: shop.household.communeCode }));
    },

    /** One live listing with its shop, or null when it is gone, paused or sold out. */
    async liveById(id: string) {
      const row = await tx.listing.findFirst({
        where: { id, status: "active", stockMilli: { gt: 0 } },
        select: { ...select, shop: { select: { name: true, household: { select: { communeCode: true } } } } },
      });
      if (!row) return null;
      const { shop, ...rest } = row;
      return { ...view(rest), shopName: shop.name, communeCode: shop.household.communeCode };
    },

    /** Product ids with something live, most offers first (the buyer's first buttons). */
    async liveProducts(take = 6): Promise<string[]> {
      const rows = await tx.listing.groupBy({
        by: ["productId"],
        where: { status: "active", stockMilli: { gt: 0 }, productId: { not: null } },
        _count: { productId: true },
        orderBy: { _count: { productId: "desc" } },
        take,
      });
      return rows.map((r) => r.productId!).filter(Boolean);
    },

    /** Product ids this shop has listed before (to put them first when it sells again). */
    async productsOfShop(shopId: string): Promise<string[]> {
      const rows = await tx.listing.findMany({
        where: { shopId, productId: { not: null } },
        select: { productId: true },
        orderBy: { createdAt: "desc" },
        take: 20,
      });
      return [...new Set(rows.map((r) => r.productId!))];
    },
  };
}
