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
 * Moves an existing conversation on (or deletes it when `state` is null: back at the menu), if it is
 * still at the version the turn read. False when it is not: another instance moved it on, or the
 * turn itself deleted it (account deletion).
 */
export async function saveConversation(tx: Tx, row: { id: string; version: number }, state: string | null): Promise<boolean> {
  const count =
    state === null
      ? await executeSql(tx, Prisma.sql`DELETE FROM "Conversation" WHERE "id" = ${row.id} AND "version" = ${row.version}`)
      : await executeSql(tx, Prisma.sql`
          UPDATE "Conversation" SET "state" = ${state}, "version" = ${row.version + 1}, "updatedAt" = ${new Date()}
          WHERE "id" = ${row.id} AND "version" = ${row.version}`);
  return count > 0;
}
