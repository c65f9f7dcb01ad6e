// The public web pages, server-rendered in Vietnamese: shop pages with order forms (/s/:slug), the
// market (/cho), the price board (/gia), the buyer's order status (/don/:token), listing photos (/media/:file) and, on a
// machine without bot tokens, the web chat simulator (/chat). Registered as one encapsulated fastify
// plugin: its form parser, compression and HTML error pages apply to these routes only.
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { OrderService } from "../core/order-service.ts";
import { orders as orderQueries } from "../core/orders.ts";
import { shipments } from "../core/shipments-store.ts";
import type { Db } from "../db/client.ts";
import type { Engine } from "../engine/engine.ts";
import type { Logger } from "../log.ts";
import { LIMITS, perAddress, type Counted, type RateLimits } from "../http/rate-limit.ts";
import { formatQuantity } from "../lang/quantity.ts";
import { registerDashboard } from "./dashboard.ts";
import { CHAT_SCRIPT_HASH, renderChatPage } from "./chat-page.ts";
import { MAX_TEXT, SESSION_PATTERN, WebChatChannel } from "./chat-channel.ts";
import { messagePage } from "./layout.ts";
import { shopPath, statusPath } from "../links.ts";
import { routeOf, type BuyerQuotes, type QuoteLookup } from "../core/shipping-quotes.ts";
import type { CarrierSet } from "../core/shipments.ts";
import { renderOrderSummary } from "./order-summary.ts";
import { registerLabelPage } from "./label-page.ts";
import { PER_PAGE, marketQuery, renderMarketPage } from "./market-page.ts";
import { registerAlertForm } from "./alert-form.ts";
import { registerFormTokens } from "./form-guard.ts";
import { registerAlertPages } from "./alert-page.ts";
import { LINK_TOKEN } from "./link-token.ts";
import type { PriceBoardCache } from "../core/price-board.ts";
import { registerPricePages } from "./price-routes.ts";
import { sendMedia } from "./media.ts";
import { PageCache } from "./page-cache.ts";
import { checkOrderForm, formValues, provinces } from "./order-form.ts";
import { marketPage, shopPage } from "./queries.ts";
import { renderShopPage, type ShopPageState } from "./shop-page.ts";
import { renderStatusPage } from "./status-page.ts";
import { paymentState } from "../core/payment-state.ts";
import { qrPng } from "../core/payments.ts";
import { translator, type Translate } from "./texts.ts";

export interface WebOptions {
  db: Db;
  engine: Engine;
  /** `buyerPaid`: "Tôi đã chuyển khoản" on the status page (absent: the button does nothing) */
  orders: Pick<OrderService, "place"> & Partial<Pick<OrderService, "buyerPaid">>;
  mediaDir: string;
  provinceCode: string;
  /** serve the web chat simulator (only when no bot token is configured) */
  chat: boolean;
  /** campaign dashboard: target share in percent, and whether cookies need https */
  targetPercent?: number;
  secureCookies?: boolean;
  /** where these pages are reached, for links in exports (default http://127.0.0.1:3000) */
  publicUrl?: string;
  /** reuse dashboard figures while nothing they count changed (default on) */
  dashboardCache?: boolean;
  /** the province's price board kept current in the background (absent: computed per page) */
  priceBoard?: PriceBoardCache;
  /** keep drawn shop pages (default on; the benchmark measures both) */
  pageCache?: boolean;
  log: Logger;
  /** rate limits on the order form, the web chat, order status and login links (none when absent) */
  limits?: RateLimits;
  /** the buyer's shipping fee before confirming (absent or no API carrier: the form orders at once) */
  shippingQuotes?: BuyerQuotes;
  /** how long the order form waits for the carrier's fee (default QUOTE_WAIT_MS) */
  quoteWaitMs?: number;
  /** the carriers, for the household's printable label (/nhan/:token) */
  carriers?: CarrierSet;
}

/** The order form waits this long for a shipping fee, then says the household will tell it. */
export const QUOTE_WAIT_MS = 4000;

/** A form body larger than this is refused (413) before it is parsed. */
export const FORM_BODY_LIMIT = 64 * 1024;
const CHAT_BODY_LIMIT = 16 * 1024;
const FORM_TYPE = "application/x-www-form-urlencoded";

const SLUG = /^[a-z0-9-]{1,80}$/;

const CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const CHAT_CSP = `${CSP}; script-src ${CHAT_SCRIPT_HASH}; connect-src 'self'`;

const gzipAsync = promisify(gzip);
const acceptsGzip = (header: string | undefined) => /\bgzip\b/.test(header ?? "");

function sendPage(reply: FastifyReply, status: number, body: string | Buffer, opts: { cache?: string; csp?: string } = {}): FastifyReply {
  return reply
    .code(status)
    .header("content-type", "text/html; charset=utf-8")
    .header("cache-control", opts.cache ?? "no-cache")
    .header("content-security-policy", opts.csp ?? CSP)
    .header("referrer-policy", "no-referrer")
    .header("x-content-type-options", "nosniff")
    .send(body);
}

const notFound = (t: Translate, reply: FastifyReply, cache?: string) =>
  sendPage(reply, 404, messagePage(t, t("web:notFound.title"), t("web:notFound.text")), { cache });

/** A path nothing serves: the Vietnamese "page not found" (JSON for the chat's API), never the URL itself. */
export function webNotFound(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const t = translator("vi");
  if (req.url.startsWith("/chat/api/") || !/text\/html|\*\/\*/.test(req.headers.accept ?? "*/*")) {
    return reply.code(404).send({ ok: false, error: t("web:notFound.title") });
  }
  return notFound(t, reply);
}

const chatSend = z
  .object({
    session: z.string().regex(SESSION_PATTERN),
    after: z.number().int().min(0).optional(),
    text: z.string().trim().min(1).max(MAX_TEXT).optional(),
    choiceId: z.string().min(1).max(64).optional(),
  })
  .refine((b) => (b.text === undefined) !== (b.choiceId === undefined), { message: "text or choiceId" });

const chatPoll = z.object({ session: z.string().regex(SESSION_PATTERN), after: z.coerce.number().int().min(0).default(0) });

export function registerWeb(http: FastifyInstance, opts: WebOptions): { chat?: WebChatChannel } {
  const t = translator("vi");
  const { db, log } = opts;
  const chat = opts.chat ? new WebChatChannel(opts.engine) : undefined;
  const shopPages = new PageCache();
  // The province list is read from a 4 MB file on first use: do it now rather than on a buyer's first visit.
  provinces(opts.provinceCode);

  // Past a limit: the route's own kind of answer, in Vietnamese, with Retry-After (set by the hook).
  const tooManyPage = (_req: FastifyRequest, reply: FastifyReply) => sendPage(reply, 429, messagePage(t, t("web:error.title"), t("web:error.tooMany")), { cache: "no-store" });
  const tooManyJson = (_req: FastifyRequest, reply: FastifyReply) => reply.code(429).header("cache-control", "no-store").send({ ok: false, error: t("web:error.tooMany") });
  const limited = (name: string, counted: Counted[], json = false) => {
    const hook = opts.limits?.hook(name, counted, json ? tooManyJson : tooManyPage);
    return hook ? { onRequest: hook } : {};
  };
  const chatSession = (req: FastifyRequest) => {
    const session = (req.body as { session?: unknown } | undefined)?.session;
    return typeof session === "string" ? session.slice(0, 64) : null;
  };

  http.register(async (app) => {
    // Forms post application/x-www-form-urlencoded; fastify has no parser for it built in.
    if (!app.hasContentTypeParser(FORM_TYPE)) {
      app.addContentTypeParser(FORM_TYPE, { parseAs: "string", bodyLimit: FORM_BODY_LIMIT }, (_req, body, done) => {
        const out: Record<string, string> = Object.create(null);
        for (const [k, v] of new URLSearchParams(body as string)) if (!(k in out)) out[k] = v;
        done(null, out);
      });
    }

    // Pages are mostly the same markup repeated (one form per listing): gzip shrinks them several times.
    app.addHook("onSend", async (req, reply, payload) => {
      if (typeof payload !== "string" || payload.length < 1024) return payload;
      if (!/^(text\/html|application\/json)/.test(String(reply.getHeader("content-type") ?? ""))) return payload;
      reply.header("vary", "accept-encoding");
      if (!acceptsGzip(req.headers["accept-encoding"])) return payload;
      reply.header("content-encoding", "gzip");
      return gzipAsync(payload);
    });

    app.setErrorHandler((err: { statusCode?: number }, req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) req.log.error({ err }, "web request failed");
      const key = status === 413 ? "web:error.tooLarge" : status === 500 ? "web:error.text" : "web:error.badRequest";
      if (req.url.startsWith("/chat/api/")) return reply.code(status).send({ ok: false, error: t(key) });
      return sendPage(reply, status, messagePage(t, t("web:error.title"), t(key)));
    });

    // ---- officers: login link, dashboard, CSV exports ----

    await registerDashboard(app, {
      db,
      catalog: opts.engine.catalog,
      provinceCode: opts.provinceCode,
      targetPercent: opts.targetPercent ?? 50,
      secureCookies: opts.secureCookies ?? false,
      publicUrl: opts.publicUrl ?? "http://127.0.0.1:3000",
      cache: opts.dashboardCache,
      log,
      send: (reply, status, body, o) => sendPage(reply, status, body, o),
      loginLimit: limited("loginLink", [perAddress(LIMITS.loginLink)]),
    });

    // ---- shop page and its order forms ----

    app.get<{ Params: { slug: string } }>("/s/:slug", async (req, reply) => {
      const shop = SLUG.test(req.params.slug) ? await shopPage(db, req.params.slug) : null;
      if (!shop) return notFound(t, reply);
      const now = new Date();
      const key = PageCache.key(shop, shop.listings.map((l) => (l.availableFrom && l.availableFrom > now ? 1 : 0)));
      let page = opts.pageCache === false ? undefined : shopPages.get(key);
      if (!page) {
        page = { body: Buffer.from(renderShopPage(t, shop, undefined, now)) };
        if (opts.pageCache !== false) shopPages.set(key, page);
      }
      if (!acceptsGzip(req.headers["accept-encoding"])) return sendPage(reply.header("vary", "accept-encoding"), 200, page.body);
      if (!page.gzip) shopPages.noteGzip(page, await gzipAsync(page.body));
      reply.header("content-encoding", "gzip").header("vary", "accept-encoding");
      return sendPage(reply, 200, page.gzip!);
    });

    app.post<{ Params: { slug: string } }>("/s/:slug", limited("orderForm", [perAddress(LIMITS.orderForm)]), async (req, reply) => {
      const shop = SLUG.test(req.params.slug) ? await shopPage(db, req.params.slug) : null;
      if (!shop) return notFound(t, reply);
      const values = formValues(req.body);
      if (!values.listing) return sendPage(reply, 400, messagePage(t, t("web:error.title"), t("web:error.badRequest")));
      const listing = shop.listings.find((l) => l.id === values.listing);
      if (!listing) return sendPage(reply, 409, renderShopPage(t, shop, { listingId: values.listing, values, errors: {}, notice: t("web:order.gone") }));

      const check = checkOrderForm(listing, values);
      if (!check.ok) return sendPage(reply, 400, renderShopPage(t, shop, { listingId: listing.id, values, errors: check.errors }));

      const o = check.order;
      const area = o.district ? `${o.district}, ${o.province.name}` : o.province.name;
      // Where a carrier can quote, the buyer sees the shipping fee and the total before the order is
      // placed (issue 21). Asked here, outside any transaction, for a bounded time; cached per route.
      const quotes = opts.shippingQuotes;
      const wants = req.body as { confirm?: unknown; edit?: unknown };
      if (wants.edit === "1") return sendPage(reply, 200, renderShopPage(t, shop, { listingId: listing.id, values, errors: {}, notice: t("web:order.edit") }));
      let fee: QuoteLookup = { state: "off" };
      if (quotes?.enabled) {
        fee = await quotes.get(routeOf({ communeCode: shop.communeCode, unit: listing.unit, priceVnd: listing.priceVnd }, o.quantity, area), opts.quoteWaitMs ?? QUOTE_WAIT_MS);
        if (wants.confirm !== "1") {
          return sendPage(reply, 200, renderOrderSummary({ t, action: shopPath(shop.slug), shopName: shop.name, listing, order: o, values, fee }), { cache: "no-store" });
        }
      }
      const result = await opts.orders.place({
        listingId: o.listingId,
        quantity: o.quantity,
        buyer: { name: o.name, phone: o.phone, address: o.address, area },
        buyerChannel: "web",
        buyerLocale: "vi",
        source: "web",
        shippingQuote: fee.state === "quoted" ? fee.quote : null,
      });
      if (result.ok) {
        log.info({ order: result.order.code, shop: shop.slug }, "web order placed");
        return reply.code(303).header("location", statusPath(result.order.statusToken)).header("cache-control", "no-store").send();
      }
      // Someone else was quicker: draw the page again with what is left now.
      const fresh = (await shopPage(db, shop.slug)) ?? { ...shop, listings: [] };
      const now = fresh.listings.find((l) => l.id === listing.id);
      let state: ShopPageState;
      if (result.reason === "not_enough" && now) {
        const left = formatQuantity({ value: now.quantity, unit: now.unit });
        state = { listingId: listing.id, values, errors: { quantity: { key: "web:field.quantity.tooMuch", params: { left } } }, notice: t("web:order.notEnough", { left }) };
      } else if (result.reason === "blocked" || result.reason === "too_many_open") {
        state = { listingId: listing.id, values, errors: {}, notice: t(result.reason === "blocked" ? "web:order.blocked" : "web:order.tooManyOpen") };
      } else {
        state = { listingId: listing.id, values, errors: {}, notice: t(result.reason === "not_enough" ? "web:order.soldOut" : "web:order.gone") };
      }
      const status = result.reason === "not_enough" && now ? 400 : result.reason === "blocked" ? 403 : result.reason === "too_many_open" ? 429 : 409;
      return sendPage(reply, status, renderShopPage(t, fresh, state));
    });

    // ---- market ----

    app.get("/cho", async (req, reply) => {
      const query = marketQuery.safeParse(req.query ?? {});
      if (!query.success) return sendPage(reply, 400, messagePage(t, t("web:error.title"), t("web:error.badRequest")));
      const [catalog, found] = await Promise.all([
        opts.engine.catalog.get(),
        marketPage(db, { product: query.data.product, communeCode: query.data.commune, page: query.data.page, perPage: PER_PAGE }),
      ]);
      const products = catalog.items.map((p) => ({ id: p.id, name: p.name }));
      return sendPage(reply, 200, renderMarketPage({ t, provinceCode: opts.provinceCode, products, query: query.data, ...found }));
    });

    // ---- price board ----

    registerPricePages(app, {
      db,
      t,
      provinceCode: opts.provinceCode,
      catalog: () => opts.engine.catalog.get(),
      priceBoard: opts.priceBoard,
      send: (reply, body) => sendPage(reply, 200, body, { cache: "public, max-age=60" }),
      notFound: (reply) => notFound(t, reply),
    });

    // ---- the buyer's order status ----

    app.get<{ Params: { token: string } }>("/don/:token", limited("orderStatus", [perAddress(LIMITS.orderStatus)]), async (req, reply) => {
      const order = LINK_TOKEN.test(req.params.token) ? await orderQueries(db).byToken(req.params.token) : null;
      if (!order) return notFound(t, reply, "no-store");
      reply.header("x-robots-tag", "noindex");
      const pay = await paymentState(db).forOrder(order);
      const journey = order.pickup ? await shipments(db).journey(order.id) : undefined;
      return sendPage(reply, 200, renderStatusPage(t, order, { pay, journey }), { cache: "no-store" });
    });

    // The order's VietQR, drawn here (no third-party QR service); only once the household accepted.
    app.get<{ Params: { token: string } }>("/don/:token/vietqr.png", limited("orderStatus", [perAddress(LIMITS.orderStatus)]), async (req, reply) => {
      const order = LINK_TOKEN.test(req.params.token) ? await orderQueries(db).byToken(req.params.token) : null;
      const pay = order && ["accepted", "picked_up", "delivered"].includes(order.status) ? await paymentState(db).forOrder(order) : null;
      if (!pay?.qr) return notFound(t, reply, "no-store");
      return reply
        .code(200)
        .header("content-type", "image/png")
        .header("cache-control", "no-store")
        .header("x-robots-tag", "noindex")
        .header("x-content-type-options", "nosniff")
        .send(await qrPng(pay.qr));
    });

    // "Tôi đã chuyển khoản" from the status page: the household is asked to check, the page shows it.
    app.post<{ Params: { token: string } }>("/don/:token/da-chuyen", limited("orderStatus", [perAddress(LIMITS.orderStatus)]), async (req, reply) => {
      const order = LINK_TOKEN.test(req.params.token) ? await orderQueries(db).byToken(req.params.token) : null;
      if (!order) return notFound(t, reply, "no-store");
      // Only where the page offers it: a household with a bank account, an order not yet said paid.
      if (order.payment.state === "unpaid" && (await paymentState(db).forOrder(order))?.qr) await opts.orders.buyerPaid?.(order.id);
      return reply.code(303).header("location", `${statusPath(order.statusToken)}#payment`).header("cache-control", "no-store").send();
    });

    // ---- the household's printable label ----

    registerLabelPage(app, {
      db,
      carriers: opts.carriers,
      log,
      t,
      limit: limited("orderStatus", [perAddress(LIMITS.orderStatus)]),
      send: (reply, status, body) => sendPage(reply, status, body, { cache: "no-store" }),
      notFound: (reply) => notFound(t, reply, "no-store"),
    });

    // ---- buyers' price alerts: the stop link ----

    registerAlertPages(app, {
      db,
      t,
      catalog: () => opts.engine.catalog.get(),
      limit: limited("orderStatus", [perAddress(LIMITS.orderStatus)]),
      send: (reply, body) => sendPage(reply.header("x-robots-tag", "noindex"), 200, body, { cache: "no-store" }),
    });

    // ---- buyers' price alerts: asked for on the web, by phone ----

    await registerFormTokens(app, { secure: opts.secureCookies ?? false });
    registerAlertForm(app, {
      db,
      t,
      provinceCode: opts.provinceCode,
      publicUrl: opts.publicUrl ?? "http://127.0.0.1:3000",
      catalog: () => opts.engine.catalog.get(),
      limit: limited("priceAlertForm", [perAddress(LIMITS.priceAlertForm)]),
      send: (reply, status, body) => sendPage(reply.header("x-robots-tag", "noindex"), status, body, { cache: "no-store" }),
      notFound: (reply) => notFound(t, reply),
      refused: (reply) => sendPage(reply, 403, messagePage(t, t("web:error.title"), t("prices:webAlert.refused")), { cache: "no-store" }),
    });

    // ---- photos ----

    app.get<{ Params: { file: string } }>("/media/:file", async (req, reply) => {
      if (!(await sendMedia(opts.mediaDir, req.params.file, req.headers["if-modified-since"], reply))) return notFound(t, reply);
      return reply;
    });

    // ---- web chat simulator ----

    if (chat) {
      app.get("/chat", async (_req, reply) => sendPage(reply, 200, renderChatPage(t), { csp: CHAT_CSP }));

      // The session is in the body: counted per session once the body is read (preHandler).
      const perSession = opts.limits?.hook("chatSession", [{ limit: LIMITS.chatSendPerSession, key: chatSession }], tooManyJson);
      app.post("/chat/api/send", { bodyLimit: CHAT_BODY_LIMIT, ...limited("chatSend", [perAddress(LIMITS.chatSendPerIp)], true), ...(perSession ? { preHandler: perSession } : {}) }, async (req, reply) => {
        const body = chatSend.safeParse(req.body);
        if (!body.success) {
          const tooLong = body.error.issues.some((i) => i.path[0] === "text" && i.code === "too_big");
          return reply.code(400).send({ ok: false, error: t(tooLong ? "web:chat.tooLong" : "web:error.badRequest") });
        }
        const { session, after, text, choiceId } = body.data;
        const input = choiceId !== undefined ? { choiceId } : { text: text! };
        const replies = await chat.receive(session, input);
        const messages = after === undefined ? replies : chat.since(session, after);
        return reply.header("cache-control", "no-store").header("connection", "close").send({ ok: true, messages });
      });

      app.get("/chat/api/poll", limited("chatPoll", [perAddress(LIMITS.chatPoll)], true), async (req, reply) => {
        const query = chatPoll.safeParse(req.query ?? {});
        if (!query.success) return reply.code(400).send({ ok: false, error: t("web:error.badRequest") });
        // A page polls every few seconds: a kept-alive socket would never be idle and would hold up a
        // shutdown (Ctrl-C on `npm start`) for as long as a chat page is open.
        return reply
          .header("cache-control", "no-store")
          .header("connection", "close")
          .send({ ok: true, messages: chat.since(query.data.session, query.data.after) });
      });
    }
  });

  return { chat };
}
