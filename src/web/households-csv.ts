// The households CSV (/canbo/ho.csv): every household of the officer's scope, written page by page as
// the pages are read from the kept rows (src/dashboard/household-csv-sql.ts), so the download starts
// at once and memory holds one page however big the commune.
import type { Scope } from "../broadcast/store.ts";
import { PAYMENT_METHODS } from "../core/households.ts";
import { householdCsvPagesSql, type CsvCells } from "../dashboard/household-csv-sql.ts";
import type { Db } from "../db/client.ts";
import { csvField, csvLine, UTF8_BOM } from "../http/api/csv.ts";
import { listCommunes } from "../lang/communes.ts";
import { shopUrl } from "../links.ts";
import type { Translate } from "./texts.ts";

export const HOUSEHOLD_COLUMNS = ["name", "phone", "commune", "shop", "link", "payment", "opened", "assisted", "live", "registeredAt"] as const;
/** Households per page: big enough that round trips do not count, small enough to keep memory flat. */
const HOUSEHOLD_PAGE = 5_000;

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
 * Households in scope as CSV text: the header line, then one chunk of lines per page read (test/support/
 * households-csv-reference.ts formats the same from Household and Shop; the tests compare both).
 */
export async function* householdsCsv(db: Db, t: Translate, scope: Scope, publicUrl: string, opts: { pageSize?: number } = {}): AsyncGenerator<string> {
  yield UTF8_BOM + csvLine(HOUSEHOLD_COLUMNS.map((c) => t(`dashboard:csv.households.${c}`)));
  yield* householdCsvPagesSql(db, scope, csvCells(t, scope, publicUrl), opts.pageSize ?? HOUSEHOLD_PAGE);
}
