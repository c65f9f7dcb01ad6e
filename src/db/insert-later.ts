// Rows inserted later, together: a burst of turns committed as one group (engine/group-commit.ts)
// used to send one INSERT per published listing, the only statement left per turn. A row given here
// is held back in its transaction and written with the others in one multi-row INSERT just before the
// transaction's next statement, whichever it is (transaction-scope.ts), or when its callback returns.
// So nothing in the transaction can read past a held row, and the rows commit or roll back with it.
// The caller must not need anything back from the database (ids and times are made here, in Node);
// a row that fails (a constraint) fails the statement that wrote it, and so the transaction, as before.
// Outside an interactive transaction the row is written at once.
import type { Tx } from "./client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { executeSql } from "./plain-sql.ts";
import { holdBack } from "./transaction-scope.ts";

/** Rows per statement: far below both databases' limits on bound values (SQLite 32,766; PostgreSQL 65,535). */
const ROWS_PER_STATEMENT = 500;

interface Held {
  table: string;
  columns: string[];
  rows: unknown[][];
}

const heldIn = new WeakMap<object, Map<string, Held>>();

export async function insertLater(tx: Tx, table: string, row: Record<string, unknown>): Promise<void> {
  const columns = Object.keys(row);
  let held = heldIn.get(tx);
  if (!held) {
    const batch = new Map<string, Held>();
    const write = () => {
      heldIn.delete(tx);
      return writeRows(tx, batch);
    };
    if (!holdBack(tx, write)) return writeRows(tx, new Map([["", { table, columns, rows: [Object.values(row)] }]]));
    heldIn.set(tx, (held = batch));
  }
  const shape = `${table}(${columns.join(",")})`;
  let same = held.get(shape);
  if (!same) held.set(shape, (same = { table, columns, rows: [] }));
  same.rows.push(Object.values(row));
}

async function writeRows(tx: Tx, batch: Map<string, Held>): Promise<void> {
  for (const { table, columns, rows } of batch.values()) {
    const into = Prisma.raw(`"${table}" (${columns.map((c) => `"${c}"`).join(", ")})`);
    for (let from = 0; from < rows.length; from += ROWS_PER_STATEMENT) {
      const values = rows.slice(from, from + ROWS_PER_STATEMENT).map((r) => Prisma.sql`(${Prisma.join(r)})`);
      await executeSql(tx, Prisma.sql`INSERT INTO ${into} VALUES ${Prisma.join(values)}`);
    }
  }
}
