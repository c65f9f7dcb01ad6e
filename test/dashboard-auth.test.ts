// Officer login links and dashboard sessions (src/dashboard/auth.ts) against a real database, at given
// instants (every function takes `now`), so expiry is checked to the millisecond without waiting.
// The HTTP side (cookies, 403 pages) is in dashboard.e2e.test.ts.

import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { officers } from "../src/broadcast/officers.ts";
import { LOGIN_TTL_MS, officerLogins, officerSessions, SESSION_TTL_MS, TOKEN_PATTERN } from "../src/dashboard/auth.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();
const T0 = new Date("2025-03-01T08:00:00Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

let seq = 0;
async function newOfficer(communes: string[] = []) {
  seq++;
  return testDb.db.officer.create({
    data: { channel: "telegram", userKey: `auth-${seq}`, chatKey: `auth-${seq}`, name: `Cán bộ ${seq}`, communes: JSON.stringify(communes) },
  });
}

describe("TTLs and token shape", () => {
  it("links live 10 minutes and sessions 12 hours; tokens are 32 random bytes in base64url", async () => {
    expect(LOGIN_TTL_MS).toBe(600_000);
    expect(SESSION_TTL_MS).toBe(43_200_000);
    const officer = await newOfficer();
    const a = await officerSessions(testDb.db).create(officer.id, T0);
    const b = await officerSessions(testDb.db).create(officer.id, T0);
    for (const t of [a.token, b.token]) expect(t).toMatch(TOKEN_PATTERN);
    expect(a.token).not.toBe(b.token);
    expect(a.expiresAt).toEqual(at(SESSION_TTL_MS));
    // only the hash is stored
    const rows = await testDb.db.officerSession.findMany({ where: { officerId: officer.id } });
    expect(rows.map((r) => r.tokenHash).sort()).toEqual([sha256(a.token), sha256(b.token)].sort());
  });
});

describe("officer sessions", () => {
  let officerId: string;
  let token: string;
  beforeAll(async () => {
    officerId = (await newOfficer(["06253"])).id;
    token = (await officerSessions(testDb.db).create(officerId, T0)).token;
  });

  it("find the officer until the last millisecond of the session, and nobody from then on", async () => {
    const sessions = officerSessions(testDb.db);
    expect(await sessions.find(token, at(0))).toMatchObject({ id: officerId, communes: ["06253"] });
    expect(await sessions.find(token, at(SESSION_TTL_MS - 1))).toMatchObject({ id: officerId });
    expect(await sessions.find(token, at(SESSION_TTL_MS))).toBeNull();
    expect(await sessions.find(token, at(SESSION_TTL_MS + 3600_000))).toBeNull();
  });

  it("find nobody for a missing, malformed or unknown token", async () => {
    const sessions = officerSessions(testDb.db);
    expect(await sessions.find(undefined, T0)).toBeNull();
    expect(await sessions.find("", T0)).toBeNull();
    expect(await sessions.find(`${token}x`, T0)).toBeNull();
    expect(await sessions.find(token.slice(1), T0)).toBeNull();
    // right shape, never issued
    expect(await sessions.find("A".repeat(43), T0)).toBeNull();
    // the stored hash itself is no token
    expect(await sessions.find(sha256(token), T0)).toBeNull();
  });

  it("end with the officer's role: a revoked officer's session finds nobody", async () => {
    const other = await newOfficer();
    const s = await officerSessions(testDb.db).create(other.id, T0);
    expect(await officerSessions(testDb.db).find(s.token, at(1))).toMatchObject({ id: other.id });
    expect(await officers(testDb.db).revoke(other.id, at(2))).toBe(true);
    expect(await officerSessions(testDb.db).find(s.token, at(3))).toBeNull();
  });

  it("end one session on logout, leaving the officer's other sessions", async () => {
    const o = await newOfficer();
    const sessions = officerSessions(testDb.db);
    const phone = await sessions.create(o.id, T0);
    const laptop = await sessions.create(o.id, T0);
    await sessions.end(phone.token);
    expect(await sessions.find(phone.token, at(1))).toBeNull();
    expect(await sessions.find(laptop.token, at(1))).toMatchObject({ id: o.id });
    // a malformed or missing cookie ends nothing
    await sessions.end(undefined);
    await sessions.end(`${laptop.token}=`);
    expect(await sessions.find(laptop.token, at(1))).toMatchObject({ id: o.id });
  });
});

describe("login links", () => {
  it("are usable until the last millisecond of their 10 minutes, and only once", async () => {
    const o = await newOfficer();
    const logins = officerLogins(testDb.db);
    const { token, expiresAt } = await logins.create(o.id, T0);
    expect(expiresAt).toEqual(at(LOGIN_TTL_MS));
    expect(await logins.usable(token, at(LOGIN_TTL_MS - 1))).toBe(true);
    expect(await logins.usable(token, at(LOGIN_TTL_MS))).toBe(false);
    // opening (usable) does not use it up; redeeming does
    expect(await logins.usable(token, at(0))).toBe(true);
    expect(await logins.redeem(token, at(LOGIN_TTL_MS - 1))).toMatchObject({ id: o.id });
    expect(await logins.usable(token, at(LOGIN_TTL_MS - 1))).toBe(false);
    expect(await logins.redeem(token, at(LOGIN_TTL_MS - 1))).toBeNull();
  });

  it("cannot be redeemed once expired", async () => {
    const o = await newOfficer();
    const logins = officerLogins(testDb.db);
    const { token } = await logins.create(o.id, T0);
    expect(await logins.redeem(token, at(LOGIN_TTL_MS))).toBeNull();
    // and a failed attempt did not use it up either: still expired, still unused
    const row = await testDb.db.officerLogin.findUniqueOrThrow({ where: { tokenHash: sha256(token) } });
    expect(row.usedAt).toBeNull();
  });

  it("log nobody in once the officer's role is revoked", async () => {
    const o = await newOfficer();
    const logins = officerLogins(testDb.db);
    const { token } = await logins.create(o.id, T0);
    await officers(testDb.db).revoke(o.id, at(1));
    expect(await logins.usable(token, at(2))).toBe(false);
    expect(await logins.redeem(token, at(2))).toBeNull();
  });

  it("refuse malformed and unknown tokens", async () => {
    const logins = officerLogins(testDb.db);
    for (const t of ["", "short", "A".repeat(43), `${"A".repeat(42)}=`]) {
      expect(await logins.usable(t, T0), t).toBe(false);
      expect(await logins.redeem(t, T0), t).toBeNull();
    }
  });
});

describe("purge", () => {
  it("deletes links and sessions that expired before now, and nothing that expires at now or later", async () => {
    // a database of its own rows: count what this test adds
    const o = await newOfficer();
    const P = new Date("2030-01-01T00:00:00Z");
    const before = new Date(P.getTime() - LOGIN_TTL_MS - 1); // expires 1 ms before P
    const exact = new Date(P.getTime() - LOGIN_TTL_MS); // expires at P
    await officerLogins(testDb.db).create(o.id, before);
    await officerLogins(testDb.db).create(o.id, exact);
    await officerSessions(testDb.db).create(o.id, new Date(P.getTime() - SESSION_TTL_MS - 1));
    const kept = await officerSessions(testDb.db).create(o.id, new Date(P.getTime() - SESSION_TTL_MS));
    const alreadyGone = await testDb.db.officerLogin.count({ where: { expiresAt: { lt: P } } }) + (await testDb.db.officerSession.count({ where: { expiresAt: { lt: P } } }));
    expect(await officerSessions(testDb.db).purge(P)).toBe(alreadyGone);
    expect(await testDb.db.officerLogin.count({ where: { officerId: o.id } })).toBe(1);
    expect(await testDb.db.officerSession.count({ where: { officerId: o.id } })).toBe(1);
    expect(await officerSessions(testDb.db).find(kept.token, new Date(P.getTime() - 1))).toMatchObject({ id: o.id });
  });
});
