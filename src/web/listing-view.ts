// One live listing as a card: photo, title, price per unit, what is left and when it is available.
// Used by the shop page (with its order form) and the market page (with a link to the shop).
import type { Translate } from "./texts.ts";
import { displayPrice, formatDay, leftParts } from "./format.ts";
import { html, type Html } from "./html.ts";
import type { LiveListing } from "./queries.ts";

export const PHOTO_SIZE = 96;

export function listingCard(t: Translate, l: LiveListing, now: Date, extra: { below?: Html; line?: Html }): Html {
  const left = leftParts(l);
  const photo = l.photoFile
    ? html`<img src="/media/${l.photoFile}" width="${PHOTO_SIZE}" height="${PHOTO_SIZE}" loading="lazy" alt="${l.title}">`
    : null;
  const when = l.availableFrom && l.availableFrom > now ? t("web:listing.availableFrom", { date: formatDay(l.availableFrom) }) : t("web:listing.availableNow");
  return html`<article class="card" id="l-${l.id}"><div class="item">${photo}<div><h2>${l.title}</h2><div class="price">${displayPrice(
    l,
  )}</div><div>${left.base ? t("web:listing.leftWithBase", left) : t("web:listing.left", left)}</div><div class="muted">${when}</div>${
    extra.line
  }</div></div>${extra.below}</article>`;
}
