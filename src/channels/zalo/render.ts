// Outbound → Zalo calls. Zalo has no buttons, quick replies or keyboards: choices become a numbered
// list ("1. ✅ Đồng ý" … "Trả lời 1 hoặc 2") that the engine maps back when the person types "1",
// "số 1" or the label. askContact and removeKeyboard have no Zalo equivalent and are dropped (the
// phone question already asks to type the number when the channel cannot share contacts).
import type { TFunction } from "i18next";
import type { Outbound } from "../../engine/message.ts";
import { splitText, withNumberedChoices } from "../shared/render.ts";

export const ZALO_MAX_TEXT = 2000;

export type ZaloPart = { kind: "text"; text: string } | { kind: "photo"; url: string; caption?: string };

export function renderZalo(message: Outbound, t: TFunction): ZaloPart[] {
  const texts = splitForZalo(withNumberedChoices(message, t));
  const url = message.photo && /^https?:\/\//i.test(message.photo.ref) ? message.photo.ref : undefined;
  if (!url) return texts.map((text) => ({ kind: "text", text }));
  // A photo carries its text as caption when it fits in one piece, so they stay together on screen.
  if (texts.length === 1) return [{ kind: "photo", url, caption: texts[0] }];
  return [{ kind: "photo", url }, ...texts.map((text) => ({ kind: "text" as const, text }))];
}

/**
 * Pieces of at most 2000 characters, cut at line breaks where possible; empty pieces are dropped
 * (Zalo refuses an empty text). The docs do not say whether Zalo counts characters or UTF-16 units,
 * so a piece is also kept within 2000 UTF-16 units (an emoji counts twice there).
 */
export function splitForZalo(text: string): string[] {
  return splitText(text, ZALO_MAX_TEXT)
    .flatMap((piece) => (piece.length > ZALO_MAX_TEXT ? splitText(piece, ZALO_MAX_TEXT / 2) : [piece]))
    .filter((piece) => piece.trim() !== "");
}
