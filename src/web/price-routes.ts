// GET /gia (every product) and /gia/<product> (one product with its 30-day chart): the price board.
import type { FastifyInstance, FastifyReply } from "fastify";
import type { Catalog } from "../core/catalog.ts";
import type { PriceBoardCache } from "../core/price-board.ts";
import { prices } from "../core/prices.ts";
import { referencePrices } from "../core/reference-prices.ts";
import type { Db } from "../db/client.ts";
import { renderBoardPage, renderProductPricePage } from "./price-page.ts";
import type { Translate } from "./texts.ts";

const PRODUCT_ID = /^[a-z0-9-]{1,80}$/;
const PRICE_PAGE_TTL_MS = 60_000;

export interface PricePagesOptions {
  db: Db;
  t: Translate;
  provinceCode: string;
  catalog: () => Promise<Catalog>;
  /** the board kept current in the background (core/price-board.ts); without it, computed here */
  priceBoard?: PriceBoardCache;
  send: (reply: FastifyReply, body: string) => FastifyReply;
  notFound: (reply: FastifyReply) => FastifyReply;
}

export function registerPricePages(app: FastifyInstance, opts: PricePagesOptions): void {
  const { db, t } = opts;
  // Province-wide figures take a while at scale (about 2 s for every product over 400,000 listings and
  // orders on a busy machine) and need not be to the second: each page is drawn at most once a minute.
  const pricePages = new Map<string, { at: number; body: string }>();
  const pricePage = async (key: string, draw: () => Promise<string>) => {
    const hit = pricePages.get(key);
    if (hit && Date.now() - hit.at < PRICE_PAGE_TTL_MS) return hit.body;
    const body = await draw();
    pricePages.set(key, { at: Date.now(), body });
    return body;
  };

  const provinceBoard = async (productIds: string[]) =>
    opts.priceBoard ? opts.priceBoard.board() : { rows: await prices(db).board(), references: await referencePrices(db).latestOf(productIds) };

  app.get("/gia", async (_req, reply) => {
    const body = await pricePage("", async () => {
      const catalog = await opts.catalog();
      const { rows, references } = await provinceBoard(catalog.items.map((p) => p.id));
      return renderBoardPage(t, { provinceCode: opts.provinceCode, rows, products: catalog.items, references });
    });
    return opts.send(reply, body);
  });

  app.get<{ Params: { product: string } }>("/gia/:product", async (req, reply) => {
    const catalog = await opts.catalog();
    const product = PRODUCT_ID.test(req.params.product) ? catalog.byId(req.params.product) : undefined;
    if (!product) return opts.notFound(reply);
    const body = await pricePage(product.id, async () => {
      const now = new Date();
      const [board, days] = await Promise.all([provinceBoard([product.id]), prices(db).daily(product.id, { now })]);
      const row = board.rows.find((r) => r.productId === product.id) ?? null;
      return renderProductPricePage(t, { product, row, days, now, reference: board.references.get(product.id) ?? null });
    });
    return opts.send(reply, body);
  });
}
