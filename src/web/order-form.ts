// The order form under each listing on a shop page: reading and checking what the buyer typed (zod,
// one message per field, in the buyer's words) and drawing the form again with the values kept.
import type { Translate } from "./texts.ts";
import { z } from "zod";
import { PERSON_NAME_MAX, checkFreeText, checkPersonName } from "../core/rules.ts";
import { listProvinces, type Province } from "../lang/communes.ts";
import { unitLabel } from "../lang/lexicon.ts";
import { fold } from "../lang/normalize.ts";
import { parseVnMobile } from "../lang/phone.ts";
import { formatQuantity, isCountUnit } from "../lang/quantity.ts";
import { escapeHtml, html, raw, type Html } from "./html.ts";

export const ADDRESS_MIN = 5;
export const ADDRESS_MAX = 200;
export const DISTRICT_MAX = 60;
/** typed values longer than this are not echoed back in full */
const ECHO_MAX = 300;

export const FIELDS = ["quantity", "name", "phone", "province", "district", "address"] as const;
export type Field = (typeof FIELDS)[number];
export type FormValues = Partial<Record<Field | "listing", string>>;
export type FieldErrors = Partial<Record<Field, { key: string; params?: Record<string, unknown> }>>;

export interface ValidOrder {
  listingId: string;
  quantity: number;
  name: string;
  phone: string;
  province: Province;
  district: string;
  address: string;
}

let provinceCache: { byCode: Map<string, Province>; sorted: Map<string, Province[]> } | undefined;
const provinceData = () => (provinceCache ??= { byCode: new Map(listProvinces().map((p) => [p.code, p])), sorted: new Map() });
// Sorted by name without the "Thành phố" prefix, compared on folded text (no accents to get wrong).
const sortKey = (p: Province) => fold(p.name).replace(/^thanh pho /, "");

/** Provinces for the select: the home province first, then by name. Sorted once per home province. */
export function provinces(homeCode: string): Province[] {
  const data = provinceData();
  let sorted = data.sorted.get(homeCode);
  if (!sorted) {
    sorted = [...data.byCode.values()].sort((a, b) =>
      a.code === homeCode ? -1 : b.code === homeCode ? 1 : sortKey(a).localeCompare(sortKey(b)),
    );
    data.sorted.set(homeCode, sorted);
  }
  return sorted;
}
const provinceByCode = (code: string) => provinceData().byCode.get(code);

/** "1,5", "1.5", "2" → number; anything else → null. At most 3 decimals (stock is in thousandths). */
function readQuantity(raw: string): { value: number } | { error: string } {
  const text = raw.replace(/\s/g, "");
  if (text === "") return { error: "empty" };
  const m = /^([+-]?)(\d+)(?:[.,](\d+))?$/.exec(text);
  if (!m) return { error: "notNumber" };
  const value = Number(`${m[2]}.${m[3] ?? "0"}`);
  if (m[1] === "-" || !(value > 0)) return { error: "zero" };
  if ((m[3] ?? "").replace(/0+$/, "").length > 3) return { error: "precision" };
  return { value };
}

const text = z.preprocess((v) => (typeof v === "string" ? v : ""), z.string());

function fail(ctx: z.RefinementCtx, key: string, params?: Record<string, unknown>): never {
  ctx.addIssue({ code: "custom", message: key, params });
  return z.NEVER as never;
}

/** The form schema for one listing (its unit and what is left). */
export function orderSchema(listing: { id: string; unit: string; quantity: number }) {
  return z.object({
    listing: z.literal(listing.id),
    quantity: text.transform((raw, ctx) => {
      const q = readQuantity(raw);
      if ("error" in q) return fail(ctx, `web:field.quantity.${q.error}`);
      if (isCountUnit(listing.unit) && !Number.isInteger(q.value)) return fail(ctx, "web:field.quantity.whole");
      if (q.value > listing.quantity) {
        return fail(ctx, "web:field.quantity.tooMuch", { left: formatQuantity({ value: listing.quantity, unit: listing.unit }) });
      }
      return q.value;
    }),
    name: text.transform((raw, ctx) => {
      const checked = checkPersonName(raw);
      return checked.ok ? checked.value : fail(ctx, `web:field.name.${checked.reason}`, { max: PERSON_NAME_MAX });
    }),
    phone: text.transform((raw, ctx) => {
      // A phone number is short: a long paste is not one (and is not worth parsing).
      const parsed = raw.length > 40 ? ({ ok: false, reason: "not_a_number" } as const) : parseVnMobile(raw);
      return parsed.ok ? parsed.e164 : fail(ctx, `web:field.phone.${parsed.reason}`);
    }),
    province: text.transform((raw, ctx) => provinceByCode(raw) ?? fail(ctx, "web:field.province.empty")),
    district: text.transform((raw, ctx) => {
      const checked = checkFreeText(raw, 0, DISTRICT_MAX);
      return checked.ok ? checked.value : fail(ctx, `web:field.district.${checked.reason}`, { max: DISTRICT_MAX });
    }),
    address: text.transform((raw, ctx) => {
      const checked = checkFreeText(raw, ADDRESS_MIN, ADDRESS_MAX);
      return checked.ok ? checked.value : fail(ctx, `web:field.address.${checked.reason}`, { max: ADDRESS_MAX });
    }),
  });
}

export type OrderCheck = { ok: true; order: ValidOrder } | { ok: false; errors: FieldErrors };

export function checkOrderForm(listing: { id: string; unit: string; quantity: number }, body: FormValues): OrderCheck {
  const parsed = orderSchema(listing).safeParse(body);
  if (parsed.success) {
    const d = parsed.data;
    return { ok: true, order: { listingId: d.listing, quantity: d.quantity, name: d.name, phone: d.phone, province: d.province, district: d.district, address: d.address } };
  }
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as Field;
    if (!FIELDS.includes(field) || errors[field]) continue;
    const params = "params" in issue ? (issue.params as Record<string, unknown> | undefined) : undefined;
    errors[field] = { key: issue.message, params };
  }
  return { ok: false, errors };
}

/** The strings of a urlencoded body, first value of each name only. */
export function formValues(body: unknown): FormValues {
  const out: FormValues = {};
  if (!body || typeof body !== "object") return out;
  for (const name of ["listing", ...FIELDS] as const) {
    const v = (body as Record<string, unknown>)[name];
    if (typeof v === "string") out[name] = v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Rendering

const provinceOptionsCache = new Map<string, string>();
/** `</option>` may be left out in HTML: 34 provinces under every form, so it adds up. */
function provinceOptions(t: Translate, homeCode: string, selected: string | undefined): Html {
  const options = (sel: string | undefined) =>
    provinces(homeCode)
      .map((p) => html`<option value="${p.code}"${raw(p.code === sel ? " selected" : "")}>${p.name}`.value)
      .join("");
  const head = html`<option value="">${t("web:order.pickProvince")}`.value;
  if (selected) return raw(head + options(selected));
  let cached = provinceOptionsCache.get(homeCode);
  if (!cached) provinceOptionsCache.set(homeCode, (cached = options(undefined)));
  return raw(head + cached);
}

/** A typed value shown back in its field: control characters (a refused NUL, an escape sequence) as U+FFFD. */
// eslint-disable-next-line no-control-regex
const echo = (v: string | undefined) => (v ?? "").slice(0, ECHO_MAX).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, "\ufffd");

export interface FormRender {
  t: Translate;
  action: string;
  listing: { id: string; unit: string };
  homeProvince: string;
  values?: FormValues;
  errors?: FieldErrors;
}

function renderForm({ t, action, listing, homeProvince, values = {}, errors = {} }: FormRender): Html {
  const errId = (f: Field) => `err-${f}-${listing.id}`;
  const err = (f: Field) => {
    const e = errors[f];
    return e ? html`<p class="err" id="${errId(f)}">${t(e.key, e.params)}</p>` : null;
  };
  // The first field with a problem takes the focus, so the browser scrolls to it (no script needed).
  const first = FIELDS.find((f) => errors[f]);
  const attrs = (f: Field) =>
    errors[f] ? html` class="bad" aria-invalid="true" aria-describedby="${errId(f)}"${raw(f === first ? " autofocus" : "")}` : null;
  const value = (f: Field) => (values[f] ? html` value="${echo(values[f])}"` : null);
  // Inputs inside their labels: no ids to repeat in every form.
  const input = (f: Field, label: string, extra: string) =>
    html`<label>${label}<input name="${f}"${value(f)}${raw(extra)}${attrs(f)}></label>${err(f)}`;
  return html`<form method="post" action="${action}" novalidate><input type="hidden" name="listing" value="${listing.id}">${input(
    "quantity",
    t("web:order.quantity", { unit: unitLabel(listing.unit) }),
    ' inputmode="decimal" autocomplete="off" required',
  )}${input("name", t("web:order.name"), ' autocomplete="name" maxlength="60" required')}${input(
    "phone",
    t("web:order.phone"),
    ' type="tel" autocomplete="tel" maxlength="20" required',
  )}<label>${t("web:order.province")}<select name="province" required${attrs("province")}>${provinceOptions(
    t,
    homeProvince,
    values.province,
  )}</select></label>${err("province")}${input("district", t("web:order.district"), ' maxlength="60"')}${input(
    "address",
    t("web:order.address"),
    ' autocomplete="street-address" maxlength="200" required',
  )}<button type="submit">${t("web:order.submit")}</button><p class="muted">${t("web:order.note")}</p></form>`;
}

// An untouched form differs between listings of a page only by the listing id: it is drawn once per
// shop and unit and reused (a shop page may carry hundreds of forms).
const MARK = "\u0000listing\u0000";
const pristineCache = new Map<string, string[]>();
const PRISTINE_CACHE_MAX = 500;

export function orderForm(r: FormRender): Html {
  const dirty = (r.values && Object.keys(r.values).length > 0) || (r.errors && Object.keys(r.errors).length > 0);
  if (dirty) return renderForm(r);
  const key = `${r.action}\u0000${r.listing.unit}\u0000${r.homeProvince}`;
  let parts = pristineCache.get(key);
  if (!parts) {
    if (pristineCache.size >= PRISTINE_CACHE_MAX) pristineCache.clear();
    parts = renderForm({ ...r, listing: { id: MARK, unit: r.listing.unit } }).value.split(MARK);
    pristineCache.set(key, parts);
  }
  return raw(parts.join(escapeHtml(r.listing.id)));
}
