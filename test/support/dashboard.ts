// The campaign dashboard's test data and its expected figures, shared by the plain-HTTP tests
// (test/dashboard-access.test.ts) and the browser tests (test/dashboard.e2e.test.ts): a deterministic
// spread of households, listings and orders over three communes, the figures computed here from the
// rows written (independently of the app's code), an officer who takes the role in chat and gets a
// one-time login link, and small readers for the page's HTML and the session cookie.
import { expect } from "vitest";
import { officers } from "../../src/broadcast/officers.ts";
import type { Db } from "../../src/db/client.ts";
import type { FakeTelegram, SimUser } from "../fakes/telegram-server.ts";
import { Chat } from "./bot.ts";

export const CHI_LANG = "06463";
export const HUU_LUNG = "06385";
export const BAC_SON = "06325";
export const COMMUNES = [CHI_LANG, HUU_LUNG, BAC_SON];
/** imported totals: Bắc Sơn has none (counts, but no percentage) */
export const TOTALS: Record<string, number> = { [CHI_LANG]: 20, [HUU_LUNG]: 12 };
const SOLD = new Set(["accepted", "picked_up", "delivered"]);

export interface MadeHousehold {
  id: string;
  commune: string;
  phone: string;
  name: string;
  payment: string;
  opened: boolean;
  assisted: boolean;
  createdAt: Date;
  live: boolean;
}
export interface MadeOrder {
  commune: string;
  status: string;
  totalVnd: number;
  createdAt: Date;
}
export interface Made {
  households: MadeHousehold[];
  orders: MadeOrder[];
  /** live listings' shops per product id ("other" for none) */
  products: Map<string, Set<string>>;
}

/** A deterministic spread of households, listings and orders over three communes. */
export async function writeData(db: Db, assistantId: string): Promise<Made> {
  const made: Made = { households: [], orders: [], products: new Map() };
  const now = new Date();
  const monthStart = new Date(now.getFullYear(), now.getMonth(), 1);
  const payments = ["viettel_money", "none", "postpay", "none", "momo", "bank"];
  const productIds = ["hoi-kho", "na-chi-lang", null];
  for (let i = 0; i < 36; i++) {
    const commune = COMMUNES[i % 3];
    const assisted = i % 7 === 3;
    const opened = !assisted || i % 2 === 0;
    const createdAt = new Date(now.getTime() - ((i * 5) % 80) * 24 * 3600_000 - 3600_000);
    const phone = `+849${String(10_000_000 + i * 137).padStart(8, "0")}`;
    const name = `Hộ thử ${i}`;
    const h = await db.household.create({
      data: {
        name,
        phone,
        provinceCode: "20",
        communeCode: commune,
        payment: payments[i % payments.length],
        consentAt: createdAt,
        openedAt: opened ? createdAt : null,
        registeredById: assisted ? assistantId : null,
        createdAt,
        shop: { create: { name: `Cửa hàng thử ${i}`, slug: `cua-hang-thu-${i}` } },
      },
      include: { shop: true },
    });
    let live = false;
    if (i % 3 !== 2 || i % 4 === 0) {
      const productId = productIds[i % 3];
      const status = i % 5 === 4 ? "sold_out" : "active";
      const stockMilli = i % 6 === 5 ? 0 : 50_000;
      const listing = await db.listing.create({
        data: { shopId: h.shop!.id, productId, title: `Hàng ${i}`, unit: "kg", stockMilli, displayUnit: "kg", priceVnd: 80_000, status },
      });
      live = status === "active" && stockMilli > 0;
      if (live) {
        const key = productId ?? "other";
        made.products.set(key, (made.products.get(key) ?? new Set()).add(h.shop!.id));
      }
      const statuses = ["pending", "accepted", "declined", "delivered", "picked_up", "expired"];
      for (let k = 0; k < i % 4; k++) {
        const thisMonth = k % 2 === 0;
        const createdAt = thisMonth ? new Date(Math.max(monthStart.getTime() + 60_000, now.getTime() - 3600_000 * (k + 1))) : new Date(monthStart.getTime() - 2 * 24 * 3600_000);
        const status = statuses[(i + k) % statuses.length];
        const totalVnd = 80_000 * (k + 1) + i * 1000;
        await db.order.create({
          data: {
            code: `DT${String(i).padStart(3, "0")}${k}`,
            statusToken: `tok-dashboard-${i}-${k}-0123456789`,
            listingId: listing.id,
            shopId: h.shop!.id,
            quantityMilli: 1000 * (k + 1),
            unitPriceVnd: 80_000,
            totalVnd,
            buyerName: "Khách",
            buyerPhone: "+84987654321",
            buyerAddress: "Hà Nội",
            buyerArea: "Hà Nội",
            buyerChannel: "web",
            source: "web",
            status,
            expiresAt: new Date(now.getTime() + 3600_000),
            createdAt,
          },
        });
        made.orders.push({ commune, status, totalVnd, createdAt });
      }
    }
    made.households.push({ id: h.id, commune, phone, name, payment: h.payment, opened, assisted, createdAt, live });
  }
  for (const [code, households] of Object.entries(TOTALS)) await db.communeHouseholds.create({ data: { communeCode: code, households } });
  return made;
}

/** The figures of one commune (or several), computed here from what writeData wrote. */
export function expected(made: Made, codes: string[]) {
  const hs = made.households.filter((h) => codes.includes(h.commune));
  const now = new Date();
  const monthStart = new Date(now.getFullYear(), now.getMonth(), 1);
  const os = made.orders.filter((o) => codes.includes(o.commune) && o.createdAt >= monthStart);
  const counted = hs.filter((h) => h.opened && h.payment !== "none").length;
  const known = codes.filter((c) => TOTALS[c] !== undefined);
  const totals = known.reduce((s, c) => s + TOTALS[c], 0);
  const countedKnown = hs.filter((h) => known.includes(h.commune) && h.opened && h.payment !== "none").length;
  return {
    registered: hs.length,
    opened: hs.filter((h) => h.opened).length,
    live: hs.filter((h) => h.live).length,
    epay: hs.filter((h) => h.payment !== "none").length,
    counted,
    households: known.length ? totals : null,
    share: known.length ? countedKnown / totals : null,
    orders: os.length,
    sales: os.filter((o) => SOLD.has(o.status)).reduce((s, o) => s + o.totalVnd, 0),
  };
}

// Written independently of the app's formatting code: Vietnamese grouping with dots, decimal comma.
export const vn = (n: number) => n.toLocaleString("vi-VN", { maximumFractionDigits: 1 });
export const pct = (share: number) => `${vn(Math.round(share * 1000) / 10)}%`;
export const money = (n: number) => `${vn(n)} đ`;

/** The table cells of a commune row (or the total), as the page should show them. */
export function expectedCells(made: Made, codes: string[]): Record<string, string> {
  const e = expected(made, codes);
  return {
    registered: vn(e.registered),
    opened: vn(e.opened),
    live: vn(e.live),
    epay: vn(e.epay),
    counted: vn(e.counted),
    households: e.households === null ? "–" : vn(e.households),
    share: e.share === null ? "–" : pct(e.share),
    orders: vn(e.orders),
    sales: money(e.sales),
  };
}

/** Registrations per week over the 12 weeks the chart shows, counted here by Monday. */
export function expectedWeeks(made: Made): number[] {
  const monday = (d: Date) => {
    const x = new Date(d.getFullYear(), d.getMonth(), d.getDate());
    x.setDate(x.getDate() - ((x.getDay() + 6) % 7));
    return x.getTime();
  };
  const thisWeek = monday(new Date());
  return Array.from({ length: 12 }, (_, i) => {
    const start = new Date(thisWeek);
    start.setDate(start.getDate() - 7 * (11 - i));
    return made.households.filter((h) => monday(h.createdAt) === start.getTime()).length;
  });
}

/** An officer in chat: takes the role with an invite, asks for a login link. */
export async function officerWithLink(fake: FakeTelegram, db: Db, user: SimUser, communes: string[]): Promise<{ chat: Chat; link: string }> {
  const { code } = await officers(db).invite(communes);
  const chat = new Chat(fake, user);
  await chat.send(`/canbo ${code}`, /Chào cán bộ/);
  await chat.send("/dangnhap", /Liên kết đăng nhập/);
  const link = /(http\S+\/dangnhap\/[A-Za-z0-9_-]{43})/.exec(chat.last.text ?? "")?.[1];
  expect(link).toBeDefined();
  return { chat, link: link! };
}

// ---- reading the page without a browser ----

const decode = (s: string) =>
  s.replace(/<[^>]*>/g, "").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&").trim();

/** The `td[data-col]` cells of `tr[data-code=code]` in the communes table. */
export function tableCells(page: string, code: string): Record<string, string> {
  const row = new RegExp(`<tr data-code="${code}">([^]*?)</tr>`).exec(page)?.[1];
  if (row === undefined) throw new Error(`no row ${code} in the page`);
  return Object.fromEntries([...row.matchAll(/<td data-col="([a-z]+)">([^]*?)<\/td>/g)].map((m) => [m[1], decode(m[2])]));
}

/** The commune codes of the communes table's body, in order. */
export function tableCodes(page: string): string[] {
  const body = /<table id="communes">[^]*?<tbody>([^]*?)<\/tbody>/.exec(page)?.[1] ?? "";
  return [...body.matchAll(/<tr data-code="(\d{5})">/g)].map((m) => m[1]);
}

/** Text of the first element with this id. */
export function byId(page: string, id: string): string | undefined {
  const m = new RegExp(`<([a-z0-9]+)[^>]* id="${id}"[^>]*>([^]*?)</\\1>`).exec(page);
  return m ? decode(m[2]) : undefined;
}

/** The `data-code` of each bar, in order. */
export const barCodes = (page: string) => [...(/<ul class="bars">([^]*?)<\/ul>/.exec(page)?.[1] ?? "").matchAll(/<li data-code="([^"]+)">/g)].map((m) => m[1]);

/** The `<main>` text of a page. */
export const mainText = (page: string) => decode(/<main[^>]*>([^]*?)<\/main>/.exec(page)?.[1] ?? page);
