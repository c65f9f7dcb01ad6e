// CSV for spreadsheets (Excel, LibreOffice, Google Sheets). csv-stringify is not a dependency and
// quoting is a few lines, so it is written here (RFC 4180): a field is quoted when it holds a comma,
// a quote, a line break or leading/trailing spaces, and quotes inside are doubled. Lines end with CRLF.
// The file starts with a UTF-8 BOM, without which Excel reads Vietnamese letters as Windows-1252.

export const UTF8_BOM = "\uFEFF";

export type Cell = string | number | null | undefined;

/**
 * Text a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start) gets a leading
 * apostrophe, as OWASP recommends against CSV injection. Numbers are written as they are.
 */
function guardFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function csvField(value: Cell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = guardFormula(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly Cell[]): string {
  return `${cells.map(csvField).join(",")}\r\n`;
}

/** The whole document: BOM, header line, rows. */
export function csvDocument(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return UTF8_BOM + csvLine(header) + rows.map(csvLine).join("");
}
