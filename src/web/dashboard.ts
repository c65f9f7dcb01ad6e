// Officer pages: the one-time login link (/dangnhap/:token), the campaign dashboard (/canbo), its CSV
// exports and logout. Every request reads the session and the officer's role from the database, and
// every commune asked for is checked against the officer's scope here, on the server: a household,
// a stranger or an officer of another commune gets 403 and no figure.
import { Readable } from "node:stream";
import cookie from "@fastify/cookie";
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from "fastify";
import { z } from "zod";
import type { OfficerView } from "../broadcast/officers.ts";
import { broadcasts, type Scope } from "../broadcast/store.ts";
import type { CatalogStore } from "../core/catalog.ts";
import { DashboardCache } from "../dashboard/cache.ts";
import { officerLogins, officerSessions, SESSION_COOKIE, SESSION_TTL_MS } from "../dashboard/auth.ts";
import { dashboardStats, monthStartOf, scopeCommunes, type CommuneFigures, type Dashboard } from "../dashboard/stats.ts";
import { transfersToReview } from "../core/bank-transfers.ts";
import type { Db } from "../db/client.ts";
import { csvLine, UTF8_BOM, type Cell } from "../http/api/csv.ts";
import { getCommune } from "../lang/communes.ts";
import { scopeLabel, scopeOf } from "../dashboard/scope.ts";
import type { Logger } from "../log.ts";
import { renderDashboardPage, renderLoginPage } from "./dashboard-page.ts";
import { sessionsCard } from "./dashboard-sessions.ts";
import { formatDay } from "./format.ts";
import { fromOurPages as ourPages } from "./form-guard.ts";
import { householdsCsv } from "./households-csv.ts";
import { messagePage } from "./layout.ts";
import { translator, type Translate } from "./texts.ts";

export interface DashboardDeps {
  db: Db;
  catalog: CatalogStore;
  provinceCode: string;
  targetPercent: number;
  /** reuse figures while nothing changed (default on; the benchmark measures both) */
  cache?: boolean;
  /** mark the cookie Secure (PUBLIC_URL is https) */
  secureCookies: boolean;
  /** where the pages are reached: shop links in the households CSV */
  publicUrl: string;
  log: Logger;
  /** route options that count requests to the login links (rate limit), if any */
  loginLimit?: { onRequest?: onRequestHookHandler };
  /** HTML answer with the pages' common headers */
  send(reply: FastifyReply, status: number, body: string, opts?: { cache?: string }): FastifyReply;
}

const query = z.object({ xa: z.string().regex(/^\d{5}$/).optional().or(z.literal("").transform(() => undefined)) });

export async function registerDashboard(app: FastifyInstance, deps: DashboardDeps): Promise<void> {
  const { db, log } = deps;
  const vi = translator("vi");
  await app.register(cookie);

  const cookieOptions = { path: "/", httpOnly: true, sameSite: "strict" as const, secure: deps.secureCookies };
  const refuse = (reply: FastifyReply, t: Translate, key: string) =>
    deps.send(reply, 403, messagePage(t, t("dashboard:login.title"), t(key)), { cache: "no-store" });

  /**
   * The logged-in officer and the scope asked for (?xa= narrows to one of their communes), or a 403
   * already sent. Nothing else is read before this passes.
   */
  async function officerScope(
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{ officer: OfficerView; sessionId: string; scope: Scope; t: Translate; selected?: string } | null> {
    const session = await officerSessions(db).open(req.cookies[SESSION_COOKIE]);
    if (!session) {
      refuse(reply, vi, "dashboard:login.needed");
      return null;
    }
    const { officer, sessionId } = session;
    const t = translator(officer.locale);
    const q = query.safeParse(req.query ?? {});
    const scope = scopeOf(officer, deps.provinceCode);
    const selected = q.success ? q.data.xa : undefined;
    if (!q.success || (selected && !scopeCommunes(scope).includes(selected))) {
      log.warn({ officer: officer.id, commune: selected }, "dashboard: commune outside the officer's scope");
      refuse(reply, t, "dashboard:login.outOfScope");
      return null;
    }
    return { officer, sessionId, t, selected, scope: selected ? { provinceCode: deps.provinceCode, communes: [selected] } : scope };
  }

  const cache = deps.cache === false ? null : new DashboardCache(db, deps.targetPercent);
  const stats = (scope: Scope) => (cache ? cache.get(scope) : dashboardStats(db, scope, { targetPercent: deps.targetPercent }));

  /**
   * Forms that change something (log in, log out) answer only posts from these pages themselves: a
   * browser names the page a post comes from, so a form on another site cannot log an officer in with
   * the attacker's own link, or out. Origin is compared when it names a site; the pages send
   * `Referrer-Policy: no-referrer`, under which browsers send `Origin: null` even for their own forms,
   * and then Sec-Fetch-Site tells (same-origin). A request with neither is not from a browser, and so
   * cannot carry an officer's cookie unbidden.
   */
  const fromOurPages = ourPages(deps.publicUrl);
  const sameOrigin = async (req: FastifyRequest, reply: FastifyReply) => {
    if (fromOurPages(req)) return;
    log.warn({ path: req.routeOptions.url }, "dashboard: cross-site form post refused");
    return refuse(reply, vi, "dashboard:login.crossSite");
  };

  // ---- login by one-time link ----

  // Opening the link only shows a button: link previews (Telegram fetches URLs sent in chat) and
  // mail scanners make GET requests, and must not use the link up.
  app.get<{ Params: { token: string } }>("/dangnhap/:token", { ...deps.loginLimit }, async (req, reply) => {
    reply.header("x-robots-tag", "noindex");
    if (!(await officerLogins(db).usable(req.params.token))) return refuse(reply, vi, "dashboard:login.refused");
    return deps.send(reply, 200, renderLoginPage(vi, req.params.token), { cache: "no-store" });
  });

  app.post<{ Params: { token: string } }>("/dangnhap/:token", { ...deps.loginLimit, preHandler: sameOrigin }, async (req, reply) => {
    const officer = await officerLogins(db).redeem(req.params.token);
    if (!officer) return refuse(reply, vi, "dashboard:login.refused");
    const session = await officerSessions(db).create(officer.id, new Date(), req.headers["user-agent"] ?? "");
    log.info({ officer: officer.id }, "dashboard login");
    return reply
      .setCookie(SESSION_COOKIE, session.token, { ...cookieOptions, maxAge: SESSION_TTL_MS / 1000, expires: session.expiresAt })
      .code(303)
      .header("location", "/canbo")
      .header("cache-control", "no-store")
      .send();
  });

  app.post("/canbo/dangxuat", { preHandler: sameOrigin }, async (req, reply) => {
    await officerSessions(db).end(req.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, cookieOptions);
    return deps.send(reply, 200, messagePage(vi, vi("dashboard:title"), vi("dashboard:login.loggedOut")), { cache: "no-store" });
  });

  // ---- the officer's sessions: end one (another phone, a shared computer) ----

  app.post<{ Params: { id: string } }>("/canbo/phien/:id/ket-thuc", { preHandler: sameOrigin }, async (req, reply) => {
    const officer = await officerSessions(db).find(req.cookies[SESSION_COOKIE]);
    if (!officer) return refuse(reply, vi, "dashboard:login.needed");
    const t = translator(officer.locale);
    const id = /^[a-z0-9]{1,40}$/.test(req.params.id) ? req.params.id : "";
    const current = await officerSessions(db).idOf(req.cookies[SESSION_COOKIE]);
    if (!id || !(await officerSessions(db).revoke(officer.id, id))) {
      return deps.send(reply, 404, messagePage(t, t("dashboard:title"), t("dashboard:sessions.notFound")), { cache: "no-store" });
    }
    log.info({ officer: officer.id }, "dashboard session ended by its officer");
    if (id === current) {
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return deps.send(reply, 200, messagePage(t, t("dashboard:title"), t("dashboard:login.loggedOut")), { cache: "no-store" });
    }
    return reply.code(303).header("location", "/canbo").header("cache-control", "no-store").send();
  });

  // ---- the dashboard ----

  app.get("/canbo", async (req, reply) => {
    const who = await officerScope(req, reply);
    if (!who) return reply;
    const { t } = who;
    const full = scopeOf(who.officer, deps.provinceCode);
    const [figures, catalog, recent, sessions, transfers] = await Promise.all([
      stats(who.scope),
      deps.catalog.get(),
      broadcasts(db).recentInScope(who.scope),
      officerSessions(db).list(who.officer.id),
      transfersInScope(db, who.scope),
    ]);
    const names = new Map(catalog.items.map((p) => [p.id, p.name]));
    const body = renderDashboardPage({
      t,
      stats: figures,
      scopeLabel: scopeLabel(t, who.scope),
      communeOptions: scopeCommunes(full)
        .map((code) => ({ code, name: getCommune(code)?.name ?? code }))
        .sort((a, b) => a.name.localeCompare(b.name, "vi")),
      selected: who.selected,
      productName: (id) => (id === null ? t("dashboard:products.other") : (names.get(id) ?? id)),
      broadcasts: recent,
      sessions: sessionsCard(t, sessions, who.sessionId),
      transfers,
    });
    return deps.send(reply, 200, body, { cache: "no-store" });
  });

  // ---- CSV exports ----

  app.get("/canbo/xa.csv", async (req, reply) => {
    const who = await officerScope(req, reply);
    if (!who) return reply;
    const figures = await stats(who.scope);
    return csv(reply, `xa-${stamp()}.csv`, communesCsv(who.t, figures));
  });

  app.get("/canbo/ho.csv", async (req, reply) => {
    const who = await officerScope(req, reply);
    if (!who) return reply;
    // Personal data leaves the system here: keep a trace of who took which scope.
    log.info({ officer: who.officer.id, communes: who.scope.communes.length ? who.scope.communes : "province" }, "dashboard: households CSV exported");
    // A byte stream, not an object stream: it reads the next page only when the socket has taken the
    // last one (an object stream would read 16 pages ahead of a slow download).
    return csv(reply, `ho-${stamp()}.csv`, Readable.from(householdsCsv(db, who.t, who.scope, deps.publicUrl), { objectMode: false }));
  });
}

/**
 * This month's transfers to look at, for the officer's communes. Money nobody could be linked to (no
 * code, an account no household has) has no commune: only province-wide officers see it.
 */
async function transfersInScope(db: Db, scope: Scope) {
  const rows = await transfersToReview(db, scope.communes.length ? scope.communes : null, monthStartOf(new Date()));
  const ids = rows.map((r) => r.orderId).filter((id): id is string => id !== null);
  if (!ids.length) return rows.map((r) => ({ ...r, orderCode: null }));
  const codes = new Map((await db.order.findMany({ where: { id: { in: ids } }, select: { id: true, code: true } })).map((o) => [o.id, o.code]));
  return rows.map((r) => ({ ...r, orderCode: r.orderId ? (codes.get(r.orderId) ?? null) : null }));
}

const stamp = () => new Date().toISOString().slice(0, 10);

function csv(reply: FastifyReply, filename: string, body: string | Readable): FastifyReply {
  return reply
    .type("text/csv; charset=utf-8")
    .header("content-disposition", `attachment; filename="${filename}"`)
    .header("cache-control", "no-store")
    .header("x-content-type-options", "nosniff")
    .send(body);
}

const COMMUNE_COLUMNS = [
  "code", "commune", "registered", "opened", "live", "epay", "counted", "households", "share", "target", "assisted", "claimed", "orders", "sales",
  "payAccount", "transferShops", "transferOrders", "codOrders", "transferShare", "transferVnd", "codVnd", "shippedViettelPost", "shippedVnpost", "delivered", "returned",
] as const;

const percentOf = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);

function communeRow(c: CommuneFigures, target: number): Cell[] {
  return [
    c.code, c.name, c.registered, c.opened, c.live, c.epay, c.counted, c.households, percentOf(c.share), target, c.assisted, c.claimed, c.ordersMonth, c.salesMonthVnd,
    c.payAccount, c.transferShops, c.transferOrders, c.codOrders, percentOf(c.transferShare), c.transferVnd, c.codVnd, c.shippedViettelPost, c.shippedVnpost, c.delivered, c.returned,
  ];
}

/** The per-commune table, in the page's order, then the total. Numbers stay plain for spreadsheets. */
export function communesCsv(t: Translate, d: Dashboard): string {
  const header = COMMUNE_COLUMNS.map((c) => t(`dashboard:csv.communes.${c}`));
  const rows = d.communes.map((c) => communeRow(c, d.targetPercent));
  const total = communeRow({ ...d.total, code: "", name: t("dashboard:table.total") }, d.targetPercent);
  return UTF8_BOM + csvLine(header) + rows.map(csvLine).join("") + csvLine(total);
}
