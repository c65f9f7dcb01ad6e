// What an announcement says to a household, apart from how it is sent (senders.ts): the officer's
// composing flow shows exactly this as its preview.
import type { TFunction } from "i18next";
import { getCommune, getProvince } from "../lang/communes.ts";

/** Up to this many communes are named in "Cán bộ xã A, xã B"; more read as the officers' office. */
const NAMED_COMMUNES = 2;

/**
 * Who speaks, from the officer's scope: "Cán bộ xã Thất Khê", "Cán bộ tỉnh Lạng Sơn" (communes: [] is
 * the whole province). The official name's first letter is lowered inside the sentence ("xã", "phường").
 */
export function senderLabel(communes: readonly string[], provinceCode: string, t: TFunction): string {
  const names = communes.map((c) => getCommune(c)?.name).filter((n): n is string => !!n);
  if (names.length === 0 || names.length > NAMED_COMMUNES) {
    if (communes.length === 0) return t("broadcast:from.province", { province: getProvince(provinceCode)?.name ?? "" });
    return t("broadcast:from.office");
  }
  return t("broadcast:from.communes", { communes: names.map((n) => n.charAt(0).toLowerCase() + n.slice(1)).join(", ") });
}

/** The text a household sees: who sends it, the officer's words, then how to stop them (in the household's language). */
export function announcementText(text: string, t: TFunction, from?: string): string {
  const body = from ? t("broadcast:from.line", { from, text: text.trim() }) : text.trim();
  return `${body}\n\n${t("broadcast:optOutLine")}`;
}
