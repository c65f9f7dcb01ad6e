// Fewer, fuller messages: short remarks travel with the message they lead into.
//
// A turn often says something short and then asks or shows the menu: "Đã nhận số 0912 345 678." then
// "Bạn ở xã nào?", a greeting then the consent question, "Mình chưa hiểu giá." then the price question.
// Sent apart, the phone buzzes twice for one thought and the question's buttons drift away from what
// they answer. The rule, applied to the replies of one turn, in order:
//   - a run of consecutive one-line messages becomes one message, its parts a blank line apart;
//   - only the last message of a run may carry buttons or the share-phone button (they stay under the
//     whole message, so they are still right under the question); a photo is never joined;
//   - a run stops before the joined text would pass JOINED_MAX characters (it stays short to read);
//   - a message laid out over several lines (a shop or listing card, a preview exactly as others will
//     see it, a list, the help) is always a message of its own, and so is anything after it until the
//     next one-liner: a card and the question under it stay apart, as the person should see the card
//     as it is;
//   - a message that takes the share-phone keyboard away is not joined with one that brings buttons
//     (Telegram carries one keyboard per message, the removal would be lost).
import type { Outbound } from "./message.ts";

/** The longest text a join may make: the greeting with the consent question (about 350–400) fits. */
export const JOINED_MAX = 500;

const isOneLine = (m: Outbound) => !m.text.includes("\n") && m.text.trim() !== "" && !m.photo;
const hasButtons = (m: Outbound) => !!m.choices?.length || !!m.askContact;

export function joinShortMessages(replies: Outbound[]): Outbound[] {
  const out: Outbound[] = [];
  // is the last message of `out` a run of one-liners (one or more) that may still grow?
  let open = false;
  for (const m of replies) {
    const prev = out.at(-1);
    if (prev && open && canJoin(prev, m)) {
      const joined: Outbound = { ...prev, ...m, text: `${prev.text}\n\n${m.text}` };
      if (prev.removeKeyboard) joined.removeKeyboard = true;
      out[out.length - 1] = joined;
    } else {
      out.push(m);
    }
    // buttons end a run: they belong under the last question
    open = isOneLine(m) && !hasButtons(m);
  }
  return out;
}

function canJoin(prev: Outbound, m: Outbound): boolean {
  if (!isOneLine(m)) return false;
  if (prev.removeKeyboard && hasButtons(m)) return false;
  return [...`${prev.text}\n\n${m.text}`].length <= JOINED_MAX;
}
