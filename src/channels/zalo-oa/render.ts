// Outbound → OA messages. Buttons become the OA's template buttons (`oa.query.show`): at most 5, titles
// of at most 100 characters. A tap makes the person send the payload as a message, so the payload is
// what the engine understands typed: the button's label, or its keyword for notification buttons
// ("NHAN DH7K2F9Q"). More buttons than that, or buttons Zalo refuses, go as numbered text (the engine
// takes "1", "số 2" or the label, because the channel says its buttons are numbered).
import type { TFunction } from "i18next";
import type { Outbound } from "../../engine/message.ts";
import { withNumberedChoices } from "../shared/render.ts";
import { splitForZalo } from "../zalo/render.ts";
import type { OaMessage } from "./client.ts";

export const OA_MAX_TEXT = 2000;
export const OA_MAX_BUTTONS = 5;
export const OA_MAX_BUTTON_TITLE = 100;

export type OaPart =
  | {
      message: OaMessage;
      /** the same part as numbered text, when Zalo refuses its buttons */
      fallback?: OaMessage[];
    }
  /** an image to upload, then send by its attachment id (an http(s) or data: URL) */
  | { photo: string };

export function renderOa(message: Outbound, t: TFunction): OaPart[] {
  const parts: OaPart[] = [];
  // A Telegram file id means nothing to Zalo: such a photo is left out (the text still goes).
  const photo = message.photo && /^(https?:\/\/|data:image\/)/i.test(message.photo.ref) ? message.photo.ref : undefined;
  if (photo) parts.push({ photo });
  const choices = (message.choices ?? []).flat();
  const numbered = () => splitForZalo(withNumberedChoices(message, t)).map((text) => ({ text }));
  const fits = choices.length > 0 && choices.length <= OA_MAX_BUTTONS && choices.every((c) => [...c.label].length <= OA_MAX_BUTTON_TITLE);
  if (!fits) return [...parts, ...numbered().map((m) => ({ message: m }))];

  const texts = splitForZalo(message.text);
  const last = texts.pop() ?? "";
  for (const text of texts) parts.push({ message: { text } });
  const buttons = choices.map((c) => ({ title: c.label, type: "oa.query.show" as const, payload: c.keyword ?? c.label }));
  // The numbered fallback repeats the earlier pieces' text: only its last pieces are sent.
  const fallback = numbered().slice(texts.length);
  parts.push({ message: { text: last, attachment: { type: "template", payload: { buttons } } }, fallback });
  return parts;
}
