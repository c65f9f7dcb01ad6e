// Officer pages and response headers, over real HTTP against the whole app: a cross-site form post to
// /dangnhap or /canbo is refused (and uses nothing up), /media/ serves regular files and never a
// symbolic link, every response says nosniff, personal data is never cached, and a 404 never repeats
// the request.
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { officerLogins, officerSessions, SESSION_COOKIE } from "../src/dashboard/auth.ts";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import type { FakeZalo } from "./fakes/zalo-server.ts";
import { CARRIER_KEYS, PARTNER_KEYS } from "./support/api.ts";
import { startFakeBotApi, WEBHOOK_SECRET } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";
import { TMP_DIR } from "./support/paths.ts";
import { send, startSecApp, type SecApp } from "./support/security.ts";
import { startFakeZaloBot } from "./support/zalo.ts";

const testDb = useTestDatabase();
let tg: FakeTelegram;
let zalo: FakeZalo;
let app: SecApp;

beforeAll(async () => {
  [tg, zalo] = await Promise.all([startFakeBotApi(), startFakeZaloBot()]);
  app = await startSecApp(testDb.url, { telegram: tg, zalo, webhook: true });
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await tg?.close();
  await zalo?.close();
});

async function officerLink(): Promise<{ officerId: string; token: string }> {
  const officer = await testDb.db.officer.create({ data: { channel: "telegram", userKey: String(Math.random()), chatKey: "1", name: "Cán bộ" } });
  const { token } = await officerLogins(testDb.db).create(officer.id);
  return { officerId: officer.id, token };
}

describe("officer forms check where a post comes from", () => {
  it("refuses a cross-site login post and leaves the link usable; logs in from its own page", async () => {
    const { token } = await officerLink();
    const post = (headers: Record<string, string>) => send(app.url, `/dangnhap/${token}`, { method: "POST", headers });
    const crossSite: Array<Record<string, string>> = [{ origin: "https://evil.example" }, { origin: "null" }, { origin: "null", "sec-fetch-site": "cross-site" }, { "sec-fetch-site": "cross-site" }, { "sec-fetch-site": "same-site" }];
    for (const headers of crossSite) {
      const res = await post(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.headers.get("set-cookie"), JSON.stringify(headers)).toBeNull();
      expect(res.text).toContain("không gửi từ trang Chợ Số");
    }
    expect(await officerLogins(testDb.db).usable(token)).toBe(true);
    // (a real browser's own form is in dashboard.e2e.test.ts: Chromium sends Origin: null there, under no-referrer)
    const own = await post({ origin: new URL(app.url).origin, "sec-fetch-site": "same-origin" });
    expect(own.status).toBe(303);
    expect(own.headers.get("set-cookie")).toContain(`${SESSION_COOKIE}=`);
  });

  it("refuses a cross-site logout and keeps the session", async () => {
    const { officerId } = await officerLink();
    const session = await officerSessions(testDb.db).create(officerId);
    const cookie = `${SESSION_COOKIE}=${session.token}`;
    const evil = await send(app.url, "/canbo/dangxuat", { method: "POST", headers: { cookie, origin: "https://evil.example" } });
    expect(evil.status).toBe(403);
    expect(await officerSessions(testDb.db).find(session.token)).not.toBeNull();
    const own = await send(app.url, "/canbo/dangxuat", { method: "POST", headers: { cookie, origin: new URL(app.url).origin } });
    expect(own.status).toBe(200);
    expect(await officerSessions(testDb.db).find(session.token)).toBeNull();
  });
});

describe("/media/", () => {
  it("serves a regular file, never a symbolic link (to a file outside the folder or inside it)", async () => {
    const dir = app.config.MEDIA_DIR;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "real1.jpg"), Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    const outside = resolve(TMP_DIR, `secret-${process.pid}.txt`);
    writeFileSync(outside, "DATABASE_URL=postgresql://u:secret@db/x");
    symlinkSync(outside, join(dir, "link1.jpg"));
    symlinkSync(join(dir, "real1.jpg"), join(dir, "link2.jpg"));
    mkdirSync(join(dir, "dir1.jpg"));
    const real = await send(app.url, "/media/real1.jpg");
    expect(real.status).toBe(200);
    expect(real.headers.get("content-type")).toBe("image/jpeg");
    for (const name of ["link1.jpg", "link2.jpg", "dir1.jpg"]) {
      const res = await send(app.url, `/media/${name}`);
      expect(res.status, name).toBe(404);
      expect(res.text).not.toContain("secret@db");
    }
  });
});

describe("headers", () => {
  const carrier = { authorization: `Bearer ${CARRIER_KEYS.viettel_post}` };
  const requests: Array<[string, string, { method?: string; body?: string; type?: string; headers?: Record<string, string> }]> = [
    ["health", "/healthz", {}],
    ["market page", "/cho", {}],
    ["unknown page", "/khong-co-trang-nay", {}],
    ["bad market query", "/cho?page=abc", {}],
    ["missing photo", "/media/none.jpg", {}],
    ["status page of no order", `/don/${"A".repeat(22)}`, {}],
    ["officer page, not logged in", "/canbo", {}],
    ["login link, unknown", `/dangnhap/${"A".repeat(43)}`, {}],
    ["carrier pickups", "/api/v1/carrier/pickups", { headers: carrier }],
    ["carrier pickups, no key", "/api/v1/carrier/pickups", {}],
    ["order, bad body", "/api/v1/orders", { body: "{", type: "application/json", headers: { authorization: `Bearer ${PARTNER_KEYS.postmart}`, "idempotency-key": "h1" } }],
    ["unknown API path", "/api/v1/khong-co", {}],
    ["webhook, wrong secret", "/webhook/telegram", { body: "{}", type: "application/json", headers: { "x-telegram-bot-api-secret-token": "wrong-wrong-wrong" } }],
    ["webhook, not an update", "/webhook/telegram", { body: "[1]", type: "application/json", headers: { "x-telegram-bot-api-secret-token": WEBHOOK_SECRET } }],
  ];

  it("every response says nosniff", async () => {
    for (const [what, path, opts] of requests) expect((await send(app.url, path, opts)).headers.get("x-content-type-options"), what).toBe("nosniff");
  });

  it("personal data is never kept by a browser or proxy: APIs, officer pages, order status", async () => {
    const personal = requests.filter(([, path]) => /^\/(api|canbo|dangnhap|don)\b/.test(path));
    expect(personal.length).toBeGreaterThanOrEqual(7);
    for (const [what, path, opts] of personal) expect((await send(app.url, path, opts)).headers.get("cache-control"), what).toBe("no-store");
  });

  it("a 404 does not repeat the request", async () => {
    const marker = "zz-marker-q9";
    for (const path of [`/${marker}`, `/${marker}?q=${marker}`, `/api/v1/${marker}`, `/webhook/${marker}`, `/s/${marker}`, `/chat/api/${marker}`]) {
      for (const accept of ["text/html", "application/json"]) {
        const res = await send(app.url, path, { headers: { accept } });
        expect(res.status, path).toBe(404);
        expect(res.text, `${path} (${accept})`).not.toContain(marker);
      }
    }
    const page = await send(app.url, "/khong-co-trang-nay", { headers: { accept: "text/html" } });
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.text).toContain("Không tìm thấy trang");
  });
});
