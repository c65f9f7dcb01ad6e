// What an announcement says to a household, apart from how it is sent (senders.ts): the officer's
// composing flow shows exactly this as its preview.
import type { TFunction } from "i18next";

/** The text a household sees: the officer's words, then how to stop them (in the household's language). */
export function announcementText(text: string, t: TFunction): string {
  return `${text.trim()}\n\n${t("broadcast:optOutLine")}`;
}
