// Extension officers: invited from the admin CLI, take the role in chat with `/canbo <code>`, scoped to
// the whole province or to some communes. Every officer action looks the role up here, on the server.
import { createHash, randomBytes } from "node:crypto";
import type { Db, Tx } from "../db/client.ts";
import type { ChannelName } from "../core/messages.ts";
import { getCommune } from "../lang/communes.ts";

export const INVITE_DAYS = 7;
/** no 0/O, 1/I/L: codes are read aloud over the phone */
const ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

export interface OfficerView {
  id: string;
  channel: ChannelName;
  userKey: string;
  chatKey: string;
  /** commune codes; empty = the whole province */
  communes: string[];
  locale: string;
}

export interface Identity {
  channel: ChannelName;
  userKey: string;
  chatKey: string;
}

export const hashCode = (code: string) => createHash("sha256").update(code.trim().toUpperCase().replace(/[\s-]/g, "")).digest("hex");

function newCode(): string {
  const bytes = randomBytes(10);
  return [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join("");
}

export class UnknownCommuneError extends Error {
  constructor(readonly code: string) {
    super(`unknown commune code ${code}`);
  }
}

const toView = (o: { id: string; channel: string; userKey: string; chatKey: string; communes: string; locale: string }): OfficerView => ({
  id: o.id,
  channel: o.channel as ChannelName,
  userKey: o.userKey,
  chatKey: o.chatKey,
  communes: JSON.parse(o.communes) as string[],
  locale: o.locale,
});

export function officers(tx: Tx | Db) {
  return {
    /** A one-time code, valid for 7 days. Only its hash is stored. */
    async invite(communes: string[], now = new Date()): Promise<{ code: string; expiresAt: Date }> {
      for (const c of communes) if (!getCommune(c)) throw new UnknownCommuneError(c);
      const code = newCode();
      const expiresAt = new Date(now.getTime() + INVITE_DAYS * 24 * 3600 * 1000);
      await tx.officerInvite.create({ data: { codeHash: hashCode(code), communes: JSON.stringify(communes), expiresAt } });
      return { code, expiresAt };
    },

    /** Take the role with an invite code; null when the code is unknown, used or expired. */
    async redeem(code: string, who: Identity & { name?: string }, locale: string, now = new Date()): Promise<OfficerView | null> {
      if (!/^[A-Za-z0-9 -]{6,40}$/.test(code)) return null;
      const invite = await tx.officerInvite.findUnique({ where: { codeHash: hashCode(code) } });
      if (!invite || invite.usedAt || invite.expiresAt <= now) return null;
      // one-time: only the request that flips usedAt gets the role
      const taken = await tx.officerInvite.updateMany({ where: { id: invite.id, usedAt: null }, data: { usedAt: now } });
      if (taken.count !== 1) return null;
      const officer = await tx.officer.upsert({
        where: { channel_userKey: { channel: who.channel, userKey: who.userKey } },
        create: { channel: who.channel, userKey: who.userKey, chatKey: who.chatKey, name: who.name ?? "", communes: invite.communes, locale },
        update: { chatKey: who.chatKey, communes: invite.communes, locale, revokedAt: null, ...(who.name ? { name: who.name } : {}) },
      });
      await tx.officerInvite.update({ where: { id: invite.id }, data: { officerId: officer.id } });
      return toView(officer);
    },

    /** The officer behind this chat, or null (never an officer, or revoked). */
    async find(who: { channel: ChannelName; userKey: string }): Promise<OfficerView | null> {
      const o = await tx.officer.findUnique({ where: { channel_userKey: { channel: who.channel, userKey: who.userKey } } });
      return o && !o.revokedAt ? toView(o) : null;
    },

    async byId(id: string): Promise<OfficerView | null> {
      const o = await tx.officer.findUnique({ where: { id } });
      return o && !o.revokedAt ? toView(o) : null;
    },

    async list() {
      return tx.officer.findMany({ orderBy: { createdAt: "asc" } });
    },

    /** Ends the role (its scheduled or running broadcasts are cancelled by the caller). */
    async revoke(id: string, now = new Date()): Promise<boolean> {
      const r = await tx.officer.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
      return r.count === 1;
    },
  };
}
