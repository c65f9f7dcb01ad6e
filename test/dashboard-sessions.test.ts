// An officer's dashboard sessions over plain HTTP, on two app instances sharing one database: /canbo
// lists the officer's open sessions (this browser marked); "Kết thúc phiên" is a form POST checked for
// Origin; an ended session is refused at once on both instances; nobody ends another officer's session.
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { officerLogins } from "../src/dashboard/auth.ts";
import { freePort } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();
let a: App & { url: string };
let b: App & { url: string };

/** An instance serving HTTP only (no chat channel), its own port, the shared database. */
async function instance(): Promise<App & { url: string }> {
  const port = await freePort();
  const app = createApp({
    config: loadConfig({ DATABASE_URL: testDb.url, PORT: String(port), LOG_LEVEL: "silent", RATE_LIMIT_FACTOR: "0", PUBLIC_URL: `http://127.0.0.1:${port}` }),
    log: pino({ level: "silent" }),
  });
  return Object.assign(app, { url: await app.start() });
}

beforeAll(async () => {
  [a, b] = await Promise.all([instance(), instance()]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

/** The link from /dangnhap, opened and confirmed on `app` in a browser named `agent`: the session token. */
async function logIn(app: App & { url: string }, officerId: string, agent: string): Promise<string> {
  const { token } = await officerLogins(testDb.db).create(officerId);
  const res = await fetch(`${app.url}/dangnhap/${token}`, { method: "POST", redirect: "manual", headers: { "user-agent": agent } });
  expect(res.status).toBe(303);
  return /^choso_canbo=([^;]+)/.exec(res.headers.getSetCookie().find((c) => c.startsWith("choso_canbo="))!)![1];
}

const get = (app: App & { url: string }, token: string) => fetch(`${app.url}/canbo`, { headers: { cookie: `choso_canbo=${token}` } });
const end = (app: App & { url: string }, token: string, id: string, origin = app.url) =>
  fetch(`${app.url}/canbo/phien/${id}/ket-thuc`, { method: "POST", redirect: "manual", headers: { cookie: `choso_canbo=${token}`, origin } });
const listed = (page: string) => [...page.matchAll(/<li data-session="([^"]+)">/g)].map((m) => m[1]);

describe("officer sessions", () => {
  it("are listed on /canbo and ended from there, at once on every instance", async () => {
    const officer = await testDb.db.officer.create({ data: { channel: "telegram", userKey: "s-1", chatKey: "s-1", name: "Lò Văn Sinh" } });
    const other = await testDb.db.officer.create({ data: { channel: "telegram", userKey: "s-2", chatKey: "s-2", name: "Khác" } });
    const phone = await logIn(a, officer.id, "Mozilla/5.0 (Linux; Android 10) Chrome/120 Mobile");
    const office = await logIn(b, officer.id, "Mozilla/5.0 (Windows NT 10.0) Firefox/128 <script>");
    const stranger = await logIn(a, other.id, "curl/8");
    const rows = await testDb.db.officerSession.findMany({ where: { officerId: officer.id }, orderBy: { createdAt: "asc" } });
    const [phoneId, officeId] = rows.map((r) => r.id);

    // The list: both of this officer's sessions (not the other officer's), this browser marked, the
    // browser named, markup in it escaped.
    const page = await (await get(b, phone)).text();
    expect(listed(page).sort()).toEqual([phoneId, officeId].sort());
    expect(page).toMatch(new RegExp(`data-session="${phoneId}"><strong>Từ [^<]+</strong> <span class="muted">\\(trình duyệt này\\)`));
    expect(page).toContain("Android 10");
    expect(page).toContain("Firefox/128 &lt;script&gt;");
    expect(page).toContain(`<form method="post" action="/canbo/phien/${officeId}/ket-thuc">`);

    // A form posted from another site ends nothing.
    expect((await end(a, phone, officeId, "https://evil.example")).status).toBe(403);
    expect((await get(b, office)).status).toBe(200);
    // Nobody ends another officer's session.
    expect((await end(a, stranger, officeId)).status).toBe(404);
    expect((await get(b, office)).status).toBe(200);

    // From the phone on instance A, end the office session: refused at once on A and on B.
    const ended = await end(a, phone, officeId);
    expect(ended.status).toBe(303);
    expect(ended.headers.get("location")).toBe("/canbo");
    expect((await get(b, office)).status).toBe(403);
    expect((await get(a, office)).status).toBe(403);
    expect(listed(await (await get(a, phone)).text())).toEqual([phoneId]);

    // Ending this browser's own session logs it out.
    const self = await end(b, phone, phoneId);
    expect(self.status).toBe(200);
    expect(self.headers.getSetCookie().join()).toMatch(/choso_canbo=;/);
    expect((await get(a, phone)).status).toBe(403);
    expect((await get(a, stranger)).status).toBe(200); // the other officer was never touched
  });
});
