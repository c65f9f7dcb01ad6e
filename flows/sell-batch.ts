// Several products in one message ("ban 2 ta hoi kho 80k, 50kg na 35k", or one per line): one draft
// each; whatever one is missing is asked item by item ("Món 2 còn thiếu: giá."), then one card lists
// them all, numbered, with "Đăng cả 2 món" and a "Sửa món N" for each. Publishing publishes them all.
//
// The draft keeps them in `batch`; the item being asked or fixed is moved into the draft's own fields,
// so that the ordinary steps (product, quantity, price, photo...) ask about it unchanged, and moved
// back when it is complete.
import { choice, column, say, type FlowContext } from "../src/engine/flow.ts";
import type { Choice, Outbound } from "../src/engine/message.ts";
import type { ListingParse } from "../src/lang/listing.ts";
import { displayPrice, displayQuantity, shopLine } from "./listing-card.ts";
import { absorb, draft, nextStep, priceWarning, type Draft } from "./sell-draft.ts";

/** The fields of one item; the rest of a draft is bookkeeping. */
const ITEM_FIELDS = [
  "productId", "title", "defaultUnit", "stock", "priceVnd", "pendingPrice", "photo", "when",
  "candidates", "typed", "quantityReadings", "priceReadings",
] as const;

/** Move the item fields out of `d` into a draft of their own. */
function takeItem(d: Draft): Draft {
  const item: Record<string, unknown> = {};
  const from = d as Record<string, unknown>;
  for (const k of ITEM_FIELDS) {
    if (from[k] !== undefined) item[k] = from[k];
    delete from[k];
  }
  return item as Draft;
}

function putItem(d: Draft, item: Draft): void {
  Object.assign(d, takeItem({ ...item }));
}

const complete = (item: Draft) => nextStep({ ...item, quick: true }) === "confirm";

/** Turn the listings of one message into the batch of the draft (ctx.data). */
export function startBatch(ctx: FlowContext, items: ListingParse[]): void {
  const drafts = items.map((parsed) => {
    ctx.data = {};
    absorb(ctx, parsed);
    return takeItem(draft(ctx));
  });
  ctx.data = { batch: drafts, quick: true } satisfies Draft;
}

/** Put item `i` in the draft's fields, to ask about or fix it. */
export function editItem(d: Draft, i: number): void {
  if (d.editing !== undefined) settle(d);
  putItem(d, d.batch![i]);
  d.editing = i;
}

/** The item in the fields goes back to its place in the batch. */
function settle(d: Draft): void {
  if (d.editing === undefined || !d.batch) return;
  d.batch[d.editing] = takeItem(d);
  d.editing = undefined;
  d.fixing = undefined;
}

/**
 * The next step of a batch: what the item being asked still misses, else the first incomplete item's
 * first missing part, else the card.
 */
export function advance(d: Draft): string {
  if (!d.batch) return nextStep(d);
  if (d.editing !== undefined) {
    const step = nextStep(d);
    if (step !== "confirm") return step;
    settle(d);
  }
  const i = d.batch.findIndex((item) => !complete(item));
  if (i < 0) return "confirm";
  editItem(d, i);
  return nextStep(d);
}

/** "Món 2 còn thiếu: giá.": said when the questions move on to another item. */
export function missingNote(ctx: FlowContext, d: Draft): Outbound {
  const missing = (["product", "quantity", "price"] as const).filter(
    (f) => (f === "product" && d.title === undefined) || (f === "quantity" && !d.stock) || (f === "price" && d.priceVnd === undefined),
  );
  const what = missing.map((f) => ctx.t(`sell:field.${f}`)).join(", ");
  return say(ctx.t("sell:batch.missing", { n: (d.editing ?? 0) + 1, what: what || "…" }));
}

/** One line per item, as far as it is known ("2. Na dai · 50 kg · …"). */
function row(ctx: FlowContext, item: Draft, n: number): string {
  const quantity = item.stock ? displayQuantity(item.stock) : "…";
  const price = item.priceVnd !== undefined && item.stock ? displayPrice({ priceVnd: item.priceVnd, unit: item.stock.unit }) : "…";
  return ctx.t("sell:batch.row", { n, title: item.title ?? "…", quantity, price });
}

/** What was understood, before the first question about a missing part. */
export function batchIntro(ctx: FlowContext): Outbound[] {
  const d = draft(ctx);
  const items = d.batch!.map((item, i) => (i === d.editing ? takeItem({ ...d }) : item));
  return [say([ctx.t("sell:batch.intro", { count: items.length }), ...items.map((item, i) => row(ctx, item, i + 1))].join("\n")), missingNote(ctx, d)];
}

/** The card of all items, numbered, with their buttons: publish them all, or fix one. */
export function batchConfirm(ctx: FlowContext): Outbound {
  const d = draft(ctx);
  settle(d);
  const items = d.batch!;
  const lines = items.flatMap((item, i) => {
    const warning = priceWarning(ctx, item);
    return warning ? [row(ctx, item, i + 1), warning] : [row(ctx, item, i + 1)];
  });
  const shop = shopLine(ctx);
  const text = [ctx.t("sell:batch.confirmIntro", { count: items.length }), "", ...lines, ...(shop ? ["", shop] : [])].join("\n");
  const fixes: Choice[] = items.map((item, i) => choice(`fix.${i}`, ctx.t("sell:batch.fix", { n: i + 1, title: item.title ?? "" })));
  return say(text, { choices: column(choice("publish", ctx.t("sell:batch.publish", { count: items.length }), "yes", "done"), ...fixes) });
}

/** "Bỏ món này" while fixing an item: it leaves the batch; one item left is an ordinary draft. */
export function removeItem(d: Draft): void {
  if (!d.batch || d.editing === undefined) return;
  takeItem(d);
  d.batch.splice(d.editing, 1);
  d.editing = undefined;
  d.fixing = undefined;
  if (d.batch.length === 1) {
    putItem(d, d.batch[0]);
    d.batch = undefined;
  }
}

/** Every item, for publishing. */
export function batchItems(d: Draft): Draft[] {
  settle(d);
  return d.batch ?? [];
}
