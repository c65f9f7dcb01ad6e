// Which Prisma driver-adapter transaction a `tx` belongs to. Prisma does not say, and plain SQL
// (plain-sql.ts) must run a `tx`'s statements in that very transaction: on PostgreSQL on its
// connection, on SQLite only while it is open. So createDb runs every interactive transaction in an
// async scope of its own (AsyncLocalStorage), the adapter's startTransaction records the transaction
// it opened in the scope it was called from, the `tx` handed to the callback is tied to that scope,
// and commit or rollback marks it ended. A statement given a `tx` whose transaction has ended (kept
// past the callback, or Prisma's timeout rolled it back while the callback went on) fails, instead of
// running on a connection handed back to the pool, or, on SQLite, outside any transaction or inside
// the next one.
import { AsyncLocalStorage } from "node:async_hooks";
import type { RawQueryable } from "./plain-sql-pg.ts";

interface TransactionScope {
  transaction?: RawQueryable;
  ended: boolean;
  /**
   * Writes held back to be sent in one statement (insert-later.ts): run before the transaction's next
   * statement, whoever sends it, and before the callback returns, so nothing in the transaction ever
   * reads past them and they commit or roll back with it.
   */
  heldBack?: () => Promise<void> | void;
}

const scope = new AsyncLocalStorage<TransactionScope>();
/** The scope of each `tx` handed to a transaction callback. */
const scopeOfTx = new WeakMap<object, TransactionScope>();

/** The adapter's startTransaction, telling the scope it was called in which transaction is its own. */
export function recordTransaction<T extends { commit(): Promise<void>; rollback(): Promise<void> }>(transaction: T): T {
  const current = scope.getStore();
  if (!current || current.transaction) return transaction;
  current.transaction = transaction as unknown as RawQueryable; // a driver adapter transaction is one
  const statements = transaction as unknown as RawQueryable;
  for (const send of ["queryRaw", "executeRaw"] as const) {
    const original = statements[send].bind(statements) as (query: unknown) => Promise<unknown>;
    (statements as unknown as Record<string, unknown>)[send] = (query: unknown) => {
      // Straight on when nothing is held: no extra tick between the caller's check that the
      // transaction is open and its statement reaching the connection.
      if (!current.heldBack) return original(query);
      return writeHeldBack(current).then(() => {
        if (current.ended) throw new Error("plain SQL: the transaction has already ended");
        return original(query);
      });
    };
  }
  for (const end of ["commit", "rollback"] as const) {
    const original = transaction[end].bind(transaction);
    transaction[end] = async () => {
      current.ended = true;
      return original();
    };
  }
  return transaction;
}

/**
 * The driver-adapter transaction of a `tx`: undefined for a `tx` that is not one of ours (or whose
 * transaction was never recorded); throws once that transaction has ended.
 */
export function transactionOf(tx: object): RawQueryable | undefined {
  const current = scopeOfTx.get(tx);
  if (!current?.transaction) return undefined;
  if (current.ended) throw new Error("plain SQL: the transaction has already ended");
  return current.transaction;
}

/** Makes `client.$transaction(async (tx) => …)` run in a scope of its own; batch transactions are left as they are. */
export function scopeTransactions(client: object & { $transaction: unknown }): void {
  const transaction = (client.$transaction as (...args: unknown[]) => Promise<unknown>).bind(client);
  Object.defineProperty(client, "$transaction", {
    value: (first: unknown, ...rest: unknown[]) => {
      if (typeof first !== "function") return transaction(first, ...rest);
      const current: TransactionScope = { ended: false };
      const callback = async (tx: object) => {
        scopeOfTx.set(tx, current);
        const result = await (first as (tx: object) => unknown)(tx);
        await writeHeldBack(current);
        return result;
      };
      return scope.run(current, () => transaction(callback, ...rest));
    },
  });
}

/** Sends what a transaction held back, once (the hold is cleared first: sending it is a statement too). */
async function writeHeldBack(scope: TransactionScope): Promise<void> {
  const write = scope.heldBack;
  if (!write) return;
  scope.heldBack = undefined;
  await write();
}

/** Before a statement that does not go through the driver transaction (SQLite's plain SQL). */
export function writeHeldBackOf(tx: object): Promise<void> | undefined {
  const scope = scopeOfTx.get(tx);
  return scope?.heldBack ? writeHeldBack(scope) : undefined;
}

/**
 * Holds `write` back until the transaction of `tx` sends its next statement or its callback returns;
 * false when `tx` is not an interactive transaction of ours, or already holds something back (the
 * caller then writes at once).
 */
export function holdBack(tx: object, write: () => Promise<void> | void): boolean {
  const scope = scopeOfTx.get(tx);
  if (!scope || scope.ended || scope.heldBack) return false;
  scope.heldBack = write;
  return true;
}
