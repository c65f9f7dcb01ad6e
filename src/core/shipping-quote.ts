// The shipping fee a buyer is shown before confirming an order, as kept with the order (Order.shippingQuote).
// The service that asks the carrier for it is shipping-quotes.ts; this file is only its shape, so orders
// can carry it without depending on the carriers.

export interface BuyerShippingQuote {
  /** viettel_post | vnpost */
  carrier: string;
  /** the carrier's service code and name (the cheapest for the route and weight) */
  service: string;
  name: string;
  feeVnd: number;
  /** the carrier's delivery promise as it says it ("48 giờ") */
  eta?: string;
}

/**
 * What the buyer pays for an order: the goods, plus the shipping fee they were shown before confirming
 * (the household pays the post office when it ships). By transfer this is the VietQR amount and what a
 * bank notice must cover; cash on delivery collects the same.
 */
export function amountDueVnd(order: { totalVnd: number; shippingQuote?: BuyerShippingQuote | null }): number {
  return order.totalVnd + (order.shippingQuote?.feeVnd ?? 0);
}

export function parseShippingQuote(json: string | null | undefined): BuyerShippingQuote | null {
  if (!json) return null;
  try {
    const q = JSON.parse(json) as Partial<BuyerShippingQuote>;
    return typeof q.carrier === "string" && typeof q.feeVnd === "number" && Number.isFinite(q.feeVnd) ? (q as BuyerShippingQuote) : null;
  } catch {
    return null;
  }
}
