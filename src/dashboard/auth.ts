// Password-free login to the officer dashboard. In chat, `/dangnhap` gives an officer a one-time link
// (10 minutes, single use); opening it and confirming starts a browser session held in an HttpOnly,
// SameSite cookie. Only SHA-256 hashes of links and sessions are stored, so a database dump logs
// nobody in. The officer's role is read again on every request: revoking it ends every session.
import { createHash, randomBytes } from "node:crypto";
import type { Db, Tx } from "../db/client.ts";
import { officers, type OfficerView } from "../broadcast/officers.ts";

export const LOGIN_TTL_MS = 10 * 60_000;
export const SESSION_TTL_MS = 12 * 3600_000;
export const SESSION_COOKIE = "choso_canbo";
/** 32 random bytes, base64url */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const newToken = () => randomBytes(32).toString("base64url");
const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export function officerLogins(db: Tx | Db) {
  return {
    /** A new one-time link token for this officer. */
    async create(officerId: string, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
      const token = newToken();
      const expiresAt = new Date(now.getTime() + LOGIN_TTL_MS);
      await db.officerLogin.create({ data: { tokenHash: hashToken(token), officerId, expiresAt } });
      return { token, expiresAt };
    },

    /** Is the link still usable? (Shown before the officer confirms; does not use it up.) */
    async usable(token: string, now = new Date()): Promise<boolean> {
      if (!TOKEN_PATTERN.test(token)) return false;
      const row = await db.officerLogin.findUnique({ where: { tokenHash: hashToken(token) } });
      return !!row && !row.usedAt && row.expiresAt > now && !!(await officers(db).byId(row.officerId));
    },

    /** Use the link up: the officer it was made for, or null (unknown, used, expired, role revoked). */
    async redeem(token: string, now = new Date()): Promise<OfficerView | null> {
      if (!TOKEN_PATTERN.test(token)) return null;
      const tokenHash = hashToken(token);
      // single use: only the request that flips usedAt logs in, however many arrive at once
      const taken = await db.officerLogin.updateMany({ where: { tokenHash, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
      if (taken.count !== 1) return null;
      const row = await db.officerLogin.findUnique({ where: { tokenHash }, select: { officerId: true } });
      return row ? officers(db).byId(row.officerId) : null;
    },
  };
}

/** Longest browser description kept for the officer's list of sessions. */
export const USER_AGENT_MAX = 160;

export interface SessionView {
  id: string;
  createdAt: Date;
  expiresAt: Date;
  userAgent: string;
}

export function officerSessions(db: Tx | Db) {
  return {
    async create(officerId: string, now = new Date(), userAgent = ""): Promise<{ token: string; expiresAt: Date }> {
      const token = newToken();
      const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
      // Printable characters only: it is shown back on the officer's page.
      const agent = [...userAgent.replace(/[^\x20-\x7e]/g, "")].slice(0, USER_AGENT_MAX).join("");
      await db.officerSession.create({ data: { tokenHash: hashToken(token), officerId, expiresAt, userAgent: agent } });
      return { token, expiresAt };
    },

    /** The id of the session behind a cookie (to mark "this browser" in the list), or null. */
    async idOf(token: string | undefined): Promise<string | null> {
      if (!token || !TOKEN_PATTERN.test(token)) return null;
      const row = await db.officerSession.findUnique({ where: { tokenHash: hashToken(token) }, select: { id: true } });
      return row?.id ?? null;
    },

    /** The officer's sessions still open, newest first. */
    async list(officerId: string, now = new Date()): Promise<SessionView[]> {
      return db.officerSession.findMany({
        where: { officerId, expiresAt: { gt: now } },
        orderBy: { createdAt: "desc" },
        select: { id: true, createdAt: true, expiresAt: true, userAgent: true },
      });
    },

    /**
     * Ends one of the officer's own sessions: the row is deleted, and every instance reads the
     * session from the database on every request, so it stops working at once everywhere. False
     * when there is no such session of this officer.
     */
    async revoke(officerId: string, sessionId: string): Promise<boolean> {
      const r = await db.officerSession.deleteMany({ where: { id: sessionId, officerId } });
      return r.count === 1;
    },

    /** The officer behind a session cookie, or null (no such session, expired, or role revoked). */
    async find(token: string | undefined, now = new Date()): Promise<OfficerView | null> {
      return (await this.open(token, now))?.officer ?? null;
    },

    /** The session behind a cookie and its officer, as `find` decides (its id marks "this browser"). */
    async open(token: string | undefined, now = new Date()): Promise<{ sessionId: string; officer: OfficerView } | null> {
      if (!token || !TOKEN_PATTERN.test(token)) return null;
      const row = await db.officerSession.findUnique({ where: { tokenHash: hashToken(token) } });
      if (!row || row.expiresAt <= now) return null;
      const officer = await officers(db).byId(row.officerId);
      return officer ? { sessionId: row.id, officer } : null;
    },

    async end(token: string | undefined): Promise<void> {
      if (!token || !TOKEN_PATTERN.test(token)) return;
      await db.officerSession.deleteMany({ where: { tokenHash: hashToken(token) } });
    },

    /** Expired links and sessions are of no use to anyone (hourly maintenance). */
    async purge(now = new Date()): Promise<number> {
      const a = await db.officerLogin.deleteMany({ where: { expiresAt: { lt: now } } });
      const b = await db.officerSession.deleteMany({ where: { expiresAt: { lt: now } } });
      return a.count + b.count;
    },
  };
}
