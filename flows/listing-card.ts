// A listing as buyers see it: the confirmation card before publishing and the "Hàng của tôi" rows.
import type { FlowContext } from "../src/engine/flow.ts";
import { getCommune } from "../src/lang/communes.ts";
import { UNITS } from "../src/lang/lexicon.ts";
import { formatPrice } from "../src/lang/price.ts";
import { formatQuantity } from "../src/lang/quantity.ts";

export interface CardListing {
  title: string;
  /** unit of stock and price: "kg", "lit" or a counted unit */
  unit: string;
  /** in `unit` */
  quantity: number;
  /** the unit the household used ("ta") */
  displayUnit: string;
  priceVnd: number;
  hasPhoto: boolean;
  availableFrom: Date | null;
}

/** "2 tạ" from 200 kg shown in tạ; falls back to the stock unit when the display unit does not fit. */
export function displayQuantity(l: Pick<CardListing, "unit" | "quantity" | "displayUnit">): string {
  const display = UNITS.get(l.displayUnit);
  const base = UNITS.get(l.unit);
  if (display && base && display.kind === base.kind && display.kind !== "count") {
    return formatQuantity({ value: (l.quantity * base.factor) / display.factor, unit: l.displayUnit });
  }
  return formatQuantity({ value: l.quantity, unit: l.unit });
}

export const displayPrice = (l: Pick<CardListing, "priceVnd" | "unit">) => formatPrice({ vnd: l.priceVnd, per: l.unit });

export function formatDay(ctx: FlowContext, date: Date): string {
  return new Intl.DateTimeFormat(ctx.locale === "en" ? "en-GB" : "vi-VN", { day: "numeric", month: "numeric", year: "numeric" }).format(date);
}

export function listingCard(ctx: FlowContext, l: CardListing): string {
  const { t } = ctx;
  const quantity = displayQuantity(l);
  const plain = formatQuantity({ value: l.quantity, unit: l.unit });
  const lines = [
    t("sell:card.title", { title: l.title }),
    quantity === plain ? t("sell:card.quantity", { quantity }) : t("sell:card.quantityWithKg", { quantity, kg: plain }),
    t("sell:card.price", { price: displayPrice(l) }),
    l.availableFrom && l.availableFrom > new Date()
      ? t("sell:card.availableFrom", { date: formatDay(ctx, l.availableFrom) })
      : t("sell:card.availableNow"),
  ];
  if (l.hasPhoto) lines.push(t("sell:card.photo"));
  const shop = shopLine(ctx);
  if (shop) lines.push(shop);
  return lines.join("\n");
}

/** "🏪 Cửa hàng … · Xã …" under a card, or null without a shop. */
export function shopLine({ t, household }: FlowContext): string | null {
  if (!household?.shop) return null;
  return t("sell:card.shop", { shop: household.shop.name, commune: getCommune(household.communeCode)?.name ?? "" });
}
