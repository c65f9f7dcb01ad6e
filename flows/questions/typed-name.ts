// A name typed at a name step (the head of a household, a buyer, a shop, a product not in the
// catalog): the rules of core/rules.ts first, then what the words say. "ok", "dung roi" or "xong"
// answer a question, and "Thon Ban Lai xa Chi Lang" is an address: neither becomes a name buyers see.
import { checkPersonName, checkShopName, PERSON_NAME_MAX, SHOP_NAME_MAX } from "../../src/core/rules.ts";
import type { FlowContext } from "../../src/engine/flow.ts";
import { familyOf } from "../../src/lang/choice.ts";
import { nameProblem } from "../../src/lang/name-like.ts";
import { foldWords } from "../../src/lang/normalize.ts";

export type NameKind = "person" | "shop" | "product";

const CHECK = { person: checkPersonName, shop: checkShopName, product: checkShopName };
const MAX = { person: PERSON_NAME_MAX, shop: SHOP_NAME_MAX, product: SHOP_NAME_MAX };
const KEYS = { person: "register:name", shop: "register:shopName", product: "sell:productName" };

/** The name, or what to tell the person (a short hint with an example). */
export function typedName(text: string, ctx: FlowContext, kind: NameKind): { ok: true; value: string } | { ok: false; hint: string } {
  const checked = CHECK[kind](text);
  const reason = checked.ok ? nameProblem(checked.value, ctx.provinceCode) : checked.reason;
  if (reason === null && checked.ok) return checked;
  return { ok: false, hint: ctx.t(`${KEYS[kind]}.${reason}`, { max: MAX[kind] }) };
}

/** "ok", "dung roi" while a suggested name is on screen: that name is meant. */
export const acceptsSuggestion = (text: string, ctx: FlowContext) =>
  nameProblem(text, ctx.provinceCode) === "answer" && familyOf(foldWords(text).split(" ").filter(Boolean)) === "yes";
