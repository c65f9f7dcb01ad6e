// Reference prices posted by extension officers (issue 16 part 2): what a product fetched at a named
// market on a given day ("hồi khô 85.000 đ/kg, chợ Đồng Đăng, 6/12"). Shown beside the board's own
// figures, which only know Chợ Số's listings and orders. A product shows its newest post; posting
// again is a correction that replaces it, and the older rows stay as the product's history.
// Who may post is decided by the caller (the officer role, looked up on the server).
import type { Tx } from "../db/client.ts";

export interface ReferencePriceView {
  id: string;
  productId: string;
  priceVnd: number;
  unit: string;
  source: string;
  officerId: string;
  replacesId: string | null;
  createdAt: Date;
}

export interface NewReferencePrice {
  productId: string;
  priceVnd: number;
  unit: string;
  source: string;
  officerId: string;
  at?: Date;
}

/** Longest source kept ("chợ Đồng Đăng, sáng thứ Bảy"): a place, not a paragraph. */
export const SOURCE_MAX = 80;

export function referencePrices(tx: Tx) {
  return {
    /** Posts a price; the product's shown one (if any) becomes its history. */
    async post(input: NewReferencePrice): Promise<ReferencePriceView> {
      const shown = await this.latest(input.productId);
      return tx.referencePrice.create({
        data: {
          productId: input.productId,
          priceVnd: input.priceVnd,
          unit: input.unit,
          source: input.source.trim().slice(0, SOURCE_MAX),
          officerId: input.officerId,
          replacesId: shown?.id ?? null,
          ...(input.at ? { createdAt: input.at } : {}),
        },
      });
    },

    /** The product's shown price: its newest post. */
    async latest(productId: string): Promise<ReferencePriceView | null> {
      return tx.referencePrice.findFirst({ where: { productId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    },

    /** The shown price of each product that has one (one index range per product asked). */
    async latestOf(productIds: readonly string[]): Promise<Map<string, ReferencePriceView>> {
      const rows = await Promise.all(productIds.map((id) => this.latest(id)));
      return new Map(rows.filter((r): r is ReferencePriceView => r !== null).map((r) => [r.productId, r]));
    },

    /** Every price posted for the product, newest first. */
    async history(productId: string, take = 50): Promise<ReferencePriceView[]> {
      return tx.referencePrice.findMany({ where: { productId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take });
    },
  };
}
