// Which transaction a `tx` belongs to (src/db/transaction-scope.ts): plain SQL given a `tx` runs in
// that transaction while it is open and is refused once it has ended (committed or rolled back);
// batch transactions (`$transaction([...])`, as the broadcast store runs) are left as Prisma makes
// them, and a batch run inside an interactive transaction's callback never takes that transaction's
// place. On the real database of the run (SQLite or PostgreSQL), and on a scripted client for the
// case a real SQLite cannot run (a second transaction while one is open waits for the first).
import { describe, expect, it } from "vitest";
import type { Db, Tx } from "../src/db/client.ts";
import { executeSql, queryRows } from "../src/db/plain-sql.ts";
import type { RawQueryable } from "../src/db/plain-sql-pg.ts";
import { recordTransaction, scopeTransactions, transactionOf } from "../src/db/transaction-scope.ts";
import { Prisma } from "../src/generated/prisma/client.ts";
import { useTestDatabase, withClient as withFreshClient } from "./support/db.ts";
import { within } from "./support/within.ts";

const testDb = useTestDatabase();

const withClient = (fn: (db: Db) => Promise<void>) => withFreshClient(testDb.url, fn);

const insertKey = (key: string) => Prisma.sql`INSERT INTO "ProcessedUpdate" ("key", "createdAt") VALUES (${key}, ${new Date()})`;
const keysLike = async (prefix: string) =>
  (await testDb.db.processedUpdate.findMany({ where: { key: { startsWith: prefix } }, orderBy: { key: "asc" } })).map((r) => r.key);

describe("transaction scope on the database", () => {
  it("refuses a tx kept past its rolled-back transaction, for reads and writes alike", () =>
    withClient(async (db) => {
      let kept: Tx | undefined;
      await expect(
        db.$transaction(async (tx) => {
          kept = tx;
          await executeSql(tx, insertKey("rolled:1"));
          throw new Error("the turn failed");
        }),
      ).rejects.toThrow("the turn failed");
      await expect(executeSql(kept!, insertKey("rolled:2"))).rejects.toThrow("the transaction has already ended");
      await expect(queryRows(kept!, Prisma.sql`SELECT "key" FROM "ProcessedUpdate"`)).rejects.toThrow("the transaction has already ended");
      expect(await keysLike("rolled:")).toEqual([]);
    }));

  it("runs batch transactions as Prisma does: all their statements, results in order", () =>
    withClient(async (db) => {
      await db.processedUpdate.create({ data: { key: "batch:0" } });
      const [created, count] = await db.$transaction([
        db.processedUpdate.create({ data: { key: "batch:1" } }),
        db.processedUpdate.count({ where: { key: { startsWith: "batch:" } } }),
      ]);
      expect(created.key).toBe("batch:1");
      expect(count).toBe(2);
      // and the interactive transactions after it are still tied to their own transaction
      await db.$transaction(async (tx) => {
        await executeSql(tx, insertKey("batch:2"));
      });
      expect(await keysLike("batch:")).toEqual(["batch:0", "batch:1", "batch:2"]);
    }));

  it("hands the options on to Prisma: once its timeout has rolled the transaction back, the callback's tx is refused", () =>
    withClient(async (db) => {
      const run = db.$transaction(
        async (tx) => {
          await executeSql(tx, insertKey("timeout:1"));
          // The callback goes on after Prisma's timeout: its statements fail from the rollback on.
          await within(
            (async () => {
              for (let n = 2; ; n++) {
                const refused = await executeSql(tx, insertKey(`timeout:${n}`)).then(
                  () => undefined,
                  (e: Error) => e,
                );
                if (refused) return expect(refused.message).toContain("the transaction has already ended");
                await new Promise((r) => setTimeout(r, 20));
              }
            })(),
            10_000,
            "the transaction rolled back by its timeout",
          );
        },
        { timeout: 200 },
      );
      await expect(run).rejects.toThrow();
      expect(await keysLike("timeout:")).toEqual([]);
    }));
});

/** A driver-adapter transaction that notes what became of it. */
function scriptedTransaction(name: string, ended: string[]) {
  const transaction = {
    name,
    queryRaw: async () => ({ columnNames: [], rows: [] }),
    executeRaw: async () => 0,
    commit: async () => void ended.push(`${name} committed`),
    rollback: async () => void ended.push(`${name} rolled back`),
  };
  return transaction;
}

/**
 * A client whose `$transaction` behaves as Prisma's does towards the scope: an interactive one opens a
 * transaction (the adapter's startTransaction, which records it), runs the callback with a fresh `tx`,
 * then commits, or rolls back when the callback throws; a batch one opens and commits its own.
 */
function scriptedClient(ended: string[]) {
  let opened = 0;
  const client = {
    async $transaction(first: unknown): Promise<unknown> {
      const transaction = recordTransaction(scriptedTransaction(`t${++opened}`, ended));
      if (typeof first !== "function") {
        await transaction.commit();
        return (first as unknown[]).map((_, i) => `batch result ${i}`);
      }
      try {
        const result = await (first as (tx: object) => Promise<unknown>)({ tx: opened });
        await transaction.commit();
        return result;
      } catch (e) {
        await transaction.rollback();
        throw e;
      }
    },
  };
  scopeTransactions(client);
  return client;
}

describe("transaction scope (scripted client)", () => {
  it("ties each tx to the transaction opened for it, until that transaction commits or rolls back", async () => {
    const ended: string[] = [];
    const client = scriptedClient(ended);
    const kept: object[] = [];
    await client.$transaction(async (tx: object) => {
      kept.push(tx);
      expect((transactionOf(tx) as unknown as { name: string }).name).toBe("t1");
    });
    await expect(
      client.$transaction(async (tx: object) => {
        kept.push(tx);
        expect((transactionOf(tx) as unknown as { name: string }).name).toBe("t2");
        throw new Error("failed");
      }),
    ).rejects.toThrow("failed");
    expect(ended).toEqual(["t1 committed", "t2 rolled back"]);
    for (const tx of kept) expect(() => transactionOf(tx)).toThrow("the transaction has already ended");
  });

  it("a batch transaction run inside a transaction's callback neither takes its place nor ends it", async () => {
    const ended: string[] = [];
    const client = scriptedClient(ended);
    await client.$transaction(async (tx: object) => {
      expect(await client.$transaction(["a", "b"])).toEqual(["batch result 0", "batch result 1"]);
      // the batch (t2) has committed; the callback's own transaction (t1) is still open and still its
      expect(ended).toEqual(["t2 committed"]);
      expect((transactionOf(tx) as unknown as { name: string }).name).toBe("t1");
    });
    expect(ended).toEqual(["t2 committed", "t1 committed"]);
  });

  it("knows nothing of objects that are no transaction's tx, and of a batch outside any transaction", async () => {
    expect(transactionOf({})).toBeUndefined();
    const client = scriptedClient([]);
    expect(await client.$transaction(["a"])).toEqual(["batch result 0"]);
  });

  it("a transaction whose adapter never recorded one (not a driver adapter of ours) gives no transaction", async () => {
    const client = { $transaction: async (callback: (tx: object) => Promise<object>) => callback({}) };
    scopeTransactions(client);
    const tx = await client.$transaction(async (tx) => tx);
    expect(transactionOf(tx) as RawQueryable | undefined).toBeUndefined();
  });
});
