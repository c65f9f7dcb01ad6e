// What the domain says to people, independent of the engine and of any platform: the channels a person
// can be reached on and the shape of a message (text and buttons). Order notices are built here in
// core; the engine's replies use the same shape; channel adapters render it.

import type { ChoiceRole } from "../lang/choice.ts";

export type ChannelName = "telegram" | "zalo" | "zalo_oa" | "cli" | "web";

export interface Choice {
  /** short id; Telegram callback_data must stay ≤ 64 bytes */
  id: string;
  label: string;
  /** for notification buttons on channels without buttons: the word to type instead ("NHAN DH7K2F9Q") */
  keyword?: string;
  /** what typed words like "ok", "ko" or "xong" mean here: this option, when it has their role (lang/choice.ts) */
  roles?: ChoiceRole[];
}

export interface Outbound {
  text: string;
  /** rows of buttons; channels without buttons render them as a numbered list */
  choices?: Choice[][];
  /** ask the platform to offer a "share my phone number" button (Telegram) */
  askContact?: { label: string };
  /** take away a reply keyboard shown earlier (Telegram) */
  removeKeyboard?: boolean;
  photo?: { ref: string };
  /**
   * A QR code to show (an order's VietQR): drawn as a PNG and sent as a photo by platforms that take
   * uploads (Telegram), with the text as its caption; others show the text (which carries the payload).
   */
  qr?: { payload: string };
}
