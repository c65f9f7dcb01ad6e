// VietQR (NAPAS, on EMVCo Merchant-Presented QR): the payload every Vietnamese banking app scans to
// transfer to an account. A string of fields, each ID (2 digits) + length (2 digits) + value, ending
// with a CRC-16/CCITT-FALSE. Format and test vectors: ../shared/notes/vietqr.md.

const NAPAS_GUID = "A000000727";
/** the longest transfer memo: banks show it to the receiver, and some cut longer ones */
export const MEMO_MAX = 25;
/** EMVCo's limit for the beneficiary name (field 59) */
export const NAME_MAX = 25;

export interface VietQrInput {
  /** the bank's 6-digit NAPAS BIN */
  bin: string;
  /** account number (digits) */
  account: string;
  /** whole đồng; absent: a static code the payer fills in */
  amountVnd?: number;
  /** beneficiary name, made ASCII upper case */
  name?: string;
  /** transfer memo, made ASCII-safe and cut to MEMO_MAX */
  memo?: string;
  /** QRIBFTTA: to an account (default); QRIBFTTC: to a card */
  service?: "QRIBFTTA" | "QRIBFTTC";
}

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), as 4 upper-case hex digits. */
export function crc16(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, "utf8")) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, "0");
}

const field = (id: string, value: string): string => {
  if (value.length > 99) throw new RangeError(`VietQR field ${id} is longer than 99 characters`);
  return `${id}${String(value.length).padStart(2, "0")}${value}`;
};

/**
 * Text a bank app shows safely: no diacritics (đ → d), only letters, digits and spaces, spaces
 * collapsed, cut to `max` characters.
 */
export function asciiSafe(text: string, max: number): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .replace(/[^A-Za-z0-9 ]+/g, " ")
    .replace(/ +/g, " ")
    .trim()
    .slice(0, max)
    .trim();
}

/** The payload of a VietQR code, byte for byte as the note's vectors. */
export function buildVietQr(input: VietQrInput): string {
  if (!/^\d{6}$/.test(input.bin)) throw new RangeError("bank BIN must be 6 digits");
  if (!/^[0-9A-Za-z]{1,19}$/.test(input.account)) throw new RangeError("account must be 1-19 letters or digits");
  const dynamic = input.amountVnd !== undefined;
  if (dynamic && !(Number.isSafeInteger(input.amountVnd) && input.amountVnd! > 0 && input.amountVnd! < 10 ** 13)) {
    throw new RangeError("amount must be a positive whole number of dong");
  }
  const beneficiary = field("00", input.bin) + field("01", input.account);
  const merchant = field("00", NAPAS_GUID) + field("01", beneficiary) + field("02", input.service ?? "QRIBFTTA");
  const name = input.name ? asciiSafe(input.name, NAME_MAX).toUpperCase() : "";
  const memo = input.memo ? asciiSafe(input.memo, MEMO_MAX) : "";
  const body =
    field("00", "01") +
    field("01", dynamic ? "12" : "11") +
    field("38", merchant) +
    field("53", "704") +
    (dynamic ? field("54", String(input.amountVnd)) : "") +
    field("58", "VN") +
    (name ? field("59", name) : "") +
    (memo ? field("62", field("08", memo)) : "") +
    "6304";
  return body + crc16(body);
}

/** Fields of a TLV string, in order; null when it does not split cleanly. */
export function splitFields(text: string): Map<string, string> | null {
  const out = new Map<string, string>();
  let i = 0;
  while (i < text.length) {
    const id = text.slice(i, i + 2);
    const len = Number(text.slice(i + 2, i + 4));
    if (!/^\d{2}$/.test(id) || !/^\d{2}$/.test(text.slice(i + 2, i + 4)) || i + 4 + len > text.length) return null;
    out.set(id, text.slice(i + 4, i + 4 + len));
    i += 4 + len;
  }
  return out;
}

export interface ParsedVietQr {
  dynamic: boolean;
  bin: string;
  account: string;
  service: string;
  currency: string;
  country: string;
  amountVnd?: number;
  name?: string;
  memo?: string;
  crcOk: boolean;
}

/** Reads a VietQR payload back (tests, and a check before a code is drawn); null if it is not one. */
export function parseVietQr(payload: string): ParsedVietQr | null {
  const top = splitFields(payload);
  if (!top || !top.has("63") || !payload.endsWith(top.get("63")!)) return null;
  const merchant = splitFields(top.get("38") ?? "");
  if (!merchant || merchant.get("00") !== NAPAS_GUID) return null;
  const beneficiary = splitFields(merchant.get("01") ?? "");
  if (!beneficiary) return null;
  const extra = top.has("62") ? splitFields(top.get("62")!) : null;
  const amount = top.get("54");
  return {
    dynamic: top.get("01") === "12",
    bin: beneficiary.get("00") ?? "",
    account: beneficiary.get("01") ?? "",
    service: merchant.get("02") ?? "",
    currency: top.get("53") ?? "",
    country: top.get("58") ?? "",
    ...(amount !== undefined && { amountVnd: Number(amount) }),
    ...(top.has("59") && { name: top.get("59") }),
    ...(extra?.has("08") && { memo: extra.get("08") }),
    crcOk: crc16(payload.slice(0, -4)) === top.get("63"),
  };
}
