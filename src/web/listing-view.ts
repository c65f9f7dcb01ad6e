// One live listing as a card: photo, title, price per unit, what is left and when it is available.
// Used by the shop page (with its order form) and the market page (with a link to the shop).
import type { Translate } from "./texts.ts";
import { displayPrice, formatDay, leftParts } from "./format.ts";
import { html, type Html } from "./html.ts";
import type { LiveListing } from "./queries.ts";
import { originPlace } from "../lang/origin.ts";

export const PHOTO_SIZE = 96;

/**
 * `origin`: the selling household's commune code, shown after the title ("Na — Thất Khê, Lạng Sơn"):
 * where the produce comes from is the household's commune, never a place in the product's name.
 */
export function listingCard(t: Translate, l: LiveListing, now: Date, extra: { below?: Html; line?: Html; origin?: string }): Html {
  const left = leftParts(l);
  const photo = l.photoFile
    ? html`<img src="/media/${l.photoFile}" width="${PHOTO_SIZE}" height="${PHOTO_SIZE}" loading="lazy" alt="${l.title}">`
    : null;
  const when = l.availableFrom && l.availableFrom > now ? t("web:listing.availableFrom", { date: formatDay(l.availableFrom) }) : t("web:listing.availableNow");
  const place = originPlace(extra.origin);
  const from = place ? html`<span class="origin">${t("origin:separator")}${t("origin:place", place)}</span>` : null;
  return html`<article class="card" id="l-${l.id}"><div class="item">${photo}<div><h2>${l.title}${from}</h2><div class="price">${displayPrice(
    l,
  )}</div><div>${left.base ? t("web:listing.leftWithBase", left) : t("web:listing.left", left)}</div><div class="muted">${when}</div>${
    extra.line
  }</div></div>${extra.below}</article>`;
}
