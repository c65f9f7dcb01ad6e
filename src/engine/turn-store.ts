// The engine's own reads and writes for a group of turns (group-commit.ts), one statement each for
// the whole group, as plain SQL. Prisma's query compiler costs about 0.25–0.5 ms per row of a batched
// statement (a 64-row createMany: 16–36 ms on this machine); the same SQL as a raw query takes 2–6 ms.
// Written once for both databases: quoted identifiers, row values, ON CONFLICT DO NOTHING and
// RETURNING mean the same in SQLite and PostgreSQL. On SQLite they skip Prisma altogether
// (db/plain-sql.ts); on PostgreSQL Prisma binds the values.
import { newId, type Tx } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { executeSql, queryRows } from "../db/plain-sql.ts";

export interface ChatRef {
  channel: string;
  chatKey: string;
}

export interface ConversationRow extends ChatRef {
  id: string;
  state: string;
  version: number;
}

export const chatId = (chat: ChatRef) => `${chat.channel}:${chat.chatKey}`;

/**
 * Records update keys as handled; returns the keys that were new. A key already there (a redelivery)
 * is left out. On PostgreSQL, a key another transaction is inserting waits for it to commit (then it
 * is left out) or roll back (then it is ours), as a unique index does.
 */
export async function recordUpdates(tx: Tx, keys: string[]): Promise<Set<string>> {
  const now = new Date();
  const rows = await queryRows<{ key: string }>(tx, Prisma.sql`
    INSERT INTO "ProcessedUpdate" ("key", "createdAt")
    VALUES ${Prisma.join(keys.map((key) => Prisma.sql`(${key}, ${now})`))}
    ON CONFLICT DO NOTHING
    RETURNING "key"`);
  return new Set(rows.map((r) => r.key));
}

/** The conversations of these chats that exist, by chatId. */
export async function readConversations(tx: Tx, chats: ChatRef[]): Promise<Map<string, ConversationRow>> {
  const rows = await queryRows<ConversationRow>(tx, Prisma.sql`
    SELECT "id", "channel", "chatKey", "state", "version" FROM "Conversation"
    WHERE ("channel", "chatKey") IN (VALUES ${Prisma.join(chats.map((c) => Prisma.sql`(${c.channel}, ${c.chatKey})`))})`);
  return new Map(rows.map((row) => [chatId(row), { ...row, version: Number(row.version) }]));
}

/** Creates conversations for chats that had none; false when one appeared meanwhile (another instance). */
export async function createConversations(tx: Tx, rows: Array<ChatRef & { state: string }>): Promise<boolean> {
  const now = new Date();
  const created = await queryRows<{ id: string }>(tx, Prisma.sql`
    INSERT INTO "Conversation" ("id", "channel", "chatKey", "state", "version", "updatedAt")
    VALUES ${Prisma.join(rows.map((r) => Prisma.sql`(${newId()}, ${r.channel}, ${r.chatKey}, ${r.state}, 0, ${now})`))}
    ON CONFLICT DO NOTHING
    RETURNING "id"`);
  return created.length === rows.length;
}

/**
 * Moves existing conversations on (or deletes one whose `state` is null: back at the menu), each only
 * if it is still at the version its turn read: one statement for the deletions and one for the rest,
 * for a whole group of turns. Returns the ids written; a row left out was moved on by another instance
 * or deleted by its own turn (account deletion). CAST gives VALUES their types on PostgreSQL.
 */
export async function saveConversations(tx: Tx, rows: Array<{ id: string; version: number; state: string | null }>): Promise<Set<string>> {
  const saved = new Set<string>();
  const deleted = rows.filter((r) => r.state === null);
  const moved = rows.filter((r) => r.state !== null);
  const key = (r: { id: string; version: number }) => Prisma.sql`(CAST(${r.id} AS TEXT), CAST(${r.version} AS INTEGER))`;
  if (deleted.length > 0) {
    const gone = await queryRows<{ id: string }>(tx, Prisma.sql`
      DELETE FROM "Conversation" WHERE ("id", "version") IN (VALUES ${Prisma.join(deleted.map(key))})
      RETURNING "id"`);
    for (const r of gone) saved.add(r.id);
  }
  if (moved.length > 0) {
    const now = new Date();
    const updated = await queryRows<{ id: string }>(tx, Prisma.sql`
      WITH v ("id", "version", "state") AS (VALUES ${Prisma.join(moved.map((r) => Prisma.sql`(CAST(${r.id} AS TEXT), CAST(${r.version} AS INTEGER), CAST(${r.state} AS TEXT))`))})
      UPDATE "Conversation" SET "state" = v."state", "version" = v."version" + 1, "updatedAt" = ${now}
      FROM v WHERE "Conversation"."id" = v."id" AND "Conversation"."version" = v."version"
      RETURNING "Conversation"."id"`);
    for (const r of updated) saved.add(r.id);
  }
  return saved;
}

/** Of these conversation ids, those that exist. */
export async function existingConversations(tx: Tx, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await queryRows<{ id: string }>(tx, Prisma.sql`SELECT "id" FROM "Conversation" WHERE "id" IN (${Prisma.join(ids)})`);
  return rows.map((r) => r.id);
}
