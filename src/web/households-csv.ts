// The households CSV (/canbo/ho.csv): every household of the officer's scope, written page by page as
// the pages are read (from the kept rows, src/dashboard/household-csv-sql.ts; or formatted here from
// Household and Shop, src/dashboard/household-export.ts), so the download starts at once and memory
// holds one page however big the commune.
import type { Scope } from "../broadcast/store.ts";
import { PAYMENT_METHODS } from "../core/households.ts";
import { householdCsvPagesSql, type CsvCells } from "../dashboard/household-csv-sql.ts";
import { householdPages, HOUSEHOLD_PAGE, type ExportedHousehold } from "../dashboard/household-export.ts";
import type { Db } from "../db/client.ts";
import { csvField, csvLine, UTF8_BOM } from "../http/api/csv.ts";
import { getCommune, listCommunes } from "../lang/communes.ts";
import { formatVnPhone } from "../lang/phone.ts";
import { shopUrl } from "../links.ts";
import { formatDay } from "./format.ts";
import type { Translate } from "./texts.ts";

const HOUSEHOLD_COLUMNS = ["name", "phone", "commune", "shop", "link", "payment", "opened", "assisted", "live", "registeredAt"] as const;
const HOUR_MS = 3_600_000;

/**
 * Days as the pages show them, formatted once per hour of registration: Intl formatting is the
 * costliest cell of a row, and a commune's households were registered over a few thousand hours.
 * (Time zones shift by whole hours here, so every instant of one UTC hour falls on the same local day.)
 */
function dayFormatter(): (d: Date) => string {
  const days = new Map<number, string>();
  return (d) => {
    const hour = Math.floor(d.getTime() / HOUR_MS);
    let day = days.get(hour);
    if (day === undefined) days.set(hour, (day = formatDay(d)));
    return day;
  };
}

/** What the SQL formatting takes from the locale and the directory, as CSV cells. */
function csvCells(t: Translate, scope: Scope, publicUrl: string): CsvCells {
  const marker = "\u0001";
  const shopLinkPrefix = shopUrl(publicUrl, "");
  return {
    communes: Object.fromEntries(listCommunes(scope.provinceCode).map((c) => [c.code, csvField(c.name)])),
    payments: Object.fromEntries(PAYMENT_METHODS.map((p) => [p, csvField(t(`register:payment.${p}`))])),
    unknownPayment: { label: t(`register:payment.${marker}`), marker },
    yes: csvField(t("dashboard:csv.households.yes")),
    no: csvField(t("dashboard:csv.households.no")),
    shopLinkPrefix,
    shopLinkPlain: shopLinkPrefix !== "" && csvField(shopLinkPrefix) === shopLinkPrefix,
  };
}

/**
 * Households in scope as CSV text: the header line, then one chunk of lines per page read. The lines
 * come from the stored rows (src/dashboard/household-csv-sql.ts) unless `format` says "js": the JS
 * path below, formatted from Household and Shop, is what the stored rows are tested against.
 */
export async function* householdsCsv(db: Db, t: Translate, scope: Scope, publicUrl: string, opts: { pageSize?: number; format?: "sql" | "js" } = {}): AsyncGenerator<string> {
  yield UTF8_BOM + csvLine(HOUSEHOLD_COLUMNS.map((c) => t(`dashboard:csv.households.${c}`)));
  if (opts.format !== "js") {
    yield* householdCsvPagesSql(db, scope, csvCells(t, scope, publicUrl), opts.pageSize ?? HOUSEHOLD_PAGE);
    return;
  }
  const lines = linesOf(t, publicUrl);
  for await (const page of householdPages(db, scope, opts.pageSize ?? HOUSEHOLD_PAGE)) yield lines(page);
}

/** The JS formatting: a page of households as CSV lines. */
function linesOf(t: Translate, publicUrl: string): (page: ExportedHousehold[]) => string {
  const yes = t("dashboard:csv.households.yes");
  const no = t("dashboard:csv.households.no");
  const payments = new Map<string, string>();
  const paymentLabel = (p: string) => {
    let label = payments.get(p);
    if (label === undefined) payments.set(p, (label = t(`register:payment.${p}`)));
    return label;
  };
  const day = dayFormatter();
  return (page) => {
    let text = "";
    for (const h of page) {
      text += csvLine([
        h.name,
        formatVnPhone(h.phone),
        getCommune(h.communeCode)?.name ?? h.communeCode,
        h.shopName,
        h.shopSlug === null ? null : shopUrl(publicUrl, h.shopSlug),
        paymentLabel(h.payment),
        h.opened ? yes : no,
        h.assisted ? yes : no,
        h.live,
        day(h.createdAt),
      ]);
    }
    return text;
  };
}
