// The demo seed's bulk writes (demo-seed.ts), straight through the database drivers.
import Database from "better-sqlite3";
import pg from "pg";
import { isPostgresUrl } from "../config.ts";
import { sqliteFilePath } from "../db/client.ts";
// ---------------------------------------------------------------------------------------------
// Bulk writes. Rows are collected flat per table, then written straight through the database driver
// Prisma itself sits on (better-sqlite3, pg), a transaction per chunk of households: going
// through Prisma's raw queries costs ~5 µs per bound value, which alone would take minutes for
// millions of rows. Values are written in the exact form Prisma writes and reads them: on SQLite
// DateTime is ISO 8601 text with "+00:00" and Boolean 0/1; on PostgreSQL TIMESTAMP(3) holds UTC.

type ColumnType = "text" | "integer" | "boolean" | "timestamp";
const text = "text" as const;
const int = "integer" as const;
const time = "timestamp" as const;

const COLUMNS = {
  Household: {
    id: text, name: text, phone: text, provinceCode: text, communeCode: text, payment: text, consentAt: time, lastChannel: text,
    registeredById: text, openedAt: time, demo: "boolean", createdAt: time, updatedAt: time, payBankBin: text, payAccount: text, payAccountName: text,
  },
  Shop: { id: text, householdId: text, name: text, slug: text, createdAt: time, updatedAt: time },
  Listing: {
    id: text, shopId: text, productId: text, title: text, unit: text, stockMilli: int, displayUnit: text, priceVnd: int, availableFrom: time,
    status: text, createdAt: time, updatedAt: time,
  },
  Order: {
    id: text, code: text, statusToken: text, listingId: text, shopId: text, quantityMilli: int, unitPriceVnd: int, totalVnd: int,
    buyerName: text, buyerPhone: text, buyerAddress: text, buyerArea: text, buyerChannel: text, buyerChatKey: text, buyerLocale: text,
    source: text, status: text, declineReason: text, expiresAt: time, remindedAt: time, decidedAt: time, createdAt: time, updatedAt: time,
    payState: text, paidAt: time, paidBy: text,
  },
  Pickup: { id: text, orderId: text, carrier: text, weightGrams: int, codVnd: int, status: text, communeCode: text, createdAt: time, updatedAt: time },
} as const satisfies Record<string, Record<string, ColumnType>>;
type Table = keyof typeof COLUMNS;
/** Tables in the order rows must be written (foreign keys). */
const TABLES: Table[] = ["Household", "Shop", "Listing", "Order", "Pickup"];

/** One chunk's rows of one table, flat: row k is values[k·width … (k+1)·width). */
export class Rows {
  readonly values: unknown[] = [];
  count = 0;
  constructor(readonly table: Table) {}
  add(...row: unknown[]) {
    for (const v of row) this.values.push(v);
    this.count++;
  }
}

export interface BulkWriter {
  write(chunk: Rows[]): Promise<void>;
  /** after the last chunk was written */
  finish(): Promise<void>;
  close(): Promise<void>;
}

/**
 * SQLite: one connection (better-sqlite3 works synchronously). PostgreSQL: two, each writing every
 * other chunk, so the server works on two chunks while the next one is generated.
 */
export async function openWriters(url: string, durable: boolean): Promise<BulkWriter[]> {
  if (!isPostgresUrl(url)) return [new SqliteWriter(url, durable)];
  const writers: BulkWriter[] = [];
  try {
    for (let i = 0; i < 2; i++) writers.push(await PgWriter.open(url, durable));
  } catch (e) {
    await Promise.all(writers.map((w) => w.close()));
    throw e;
  }
  return writers;
}

class SqliteWriter implements BulkWriter {
  /** rows per INSERT statement: fewer statement executions, well under SQLite's 32,766 parameters */
  private static readonly ROWS = 64;
  private readonly conn: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(url: string, durable: boolean) {
    this.conn = new Database(sqliteFilePath(url), { timeout: 30_000 });
    // Keys like phones and order codes land all over their indexes: keep the pages in memory
    // (SQLite's default cache is 2 MB) instead of reading them back for every row.
    this.conn.pragma("cache_size = -262144");
    // A database of demo data only can skip waiting for the disk (WAL keeps it consistent if the
    // process dies; only a power cut mid-seed could hurt, and the seed can simply be run again).
    if (!durable) this.conn.pragma("synchronous = OFF");
    this.conn.pragma("foreign_keys = OFF");
  }

  private statement(table: Table, rows: number): Database.Statement {
    const key = `${table}:${rows}`;
    let stmt = this.statements.get(key);
    if (!stmt) {
      const cols = Object.keys(COLUMNS[table]);
      const tuple = `(${cols.map(() => "?").join(",")})`;
      stmt = this.conn.prepare(`INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(",")}) VALUES ${Array(rows).fill(tuple).join(",")}`);
      this.statements.set(key, stmt);
    }
    return stmt;
  }

  async write(chunk: Rows[]): Promise<void> {
    this.conn.transaction(() => {
      for (const rows of chunk) {
        const values = rows.values.map((v) => (v instanceof Date ? v.toISOString().replace("Z", "+00:00") : typeof v === "boolean" ? (v ? 1 : 0) : v));
        const width = Object.keys(COLUMNS[rows.table]).length;
        for (let start = 0; start < rows.count; start += SqliteWriter.ROWS) {
          const n = Math.min(SqliteWriter.ROWS, rows.count - start);
          this.statement(rows.table, n).run(values.slice(start * width, (start + n) * width));
        }
      }
    })();
  }

  async finish(): Promise<void> {}

  async close(): Promise<void> {
    this.conn.close();
  }
}

class PgWriter implements BulkWriter {
  private constructor(private readonly client: pg.Client) {}

  static async open(url: string, durable: boolean): Promise<PgWriter> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    // Losing the last chunks of demo data in a crash is harmless (never corrupts): no wait for each flush.
    if (!durable) await client.query("SET synchronous_commit = off");
    return new PgWriter(client);
  }

  /**
   * One statement per table: INSERT … SELECT * FROM unnest(one array per column). The households go
   * in a short transaction of their own, in commune order: a trigger adds each one to its commune's
   * CommuneTally row (commune_tally migration), and the two writers must take those row locks in the
   * same order (no deadlock) and hold them only for that statement (no waiting on each other's chunk).
   */
  async write(chunk: Rows[]): Promise<void> {
    const [households, ...rest] = chunk;
    if (households.table !== "Household") throw new Error("a chunk starts with its households");
    const communeColumn = Object.keys(COLUMNS.Household).indexOf("communeCode");
    const width = Object.keys(COLUMNS.Household).length;
    const order = Array.from({ length: households.count }, (_, k) => k).sort((a, b) => {
      const ca = households.values[a * width + communeColumn] as string;
      const cb = households.values[b * width + communeColumn] as string;
      return ca < cb ? -1 : ca > cb ? 1 : a - b;
    });
    await this.transaction([households], new Map([["Household", order]]));
    // Listings go in commune order too: a trigger adds each live one to its commune's LiveTally rows
    // (live_week_tally migration), always the commune's "any product" row before the product's.
    const communeOfHousehold = new Map<unknown, string>();
    for (let k = 0; k < households.count; k++) communeOfHousehold.set(households.values[k * width], households.values[k * width + communeColumn] as string);
    const shops = rest.find((r) => r.table === "Shop");
    const listings = rest.find((r) => r.table === "Listing");
    const orders = new Map<Table, number[]>();
    if (shops && listings) {
      const shopWidth = Object.keys(COLUMNS.Shop).length;
      const householdColumn = Object.keys(COLUMNS.Shop).indexOf("householdId");
      const communeOfShop = new Map<unknown, string>();
      for (let k = 0; k < shops.count; k++) communeOfShop.set(shops.values[k * shopWidth], communeOfHousehold.get(shops.values[k * shopWidth + householdColumn]) ?? "");
      const listingWidth = Object.keys(COLUMNS.Listing).length;
      const shopColumn = Object.keys(COLUMNS.Listing).indexOf("shopId");
      const communeOf = (k: number) => communeOfShop.get(listings.values[k * listingWidth + shopColumn]) ?? "";
      orders.set("Listing", Array.from({ length: listings.count }, (_, k) => k).sort((a, b) => (communeOf(a) < communeOf(b) ? -1 : communeOf(a) > communeOf(b) ? 1 : a - b)));
      // Orders in (commune, createdAt) order: at commit a trigger adds each to its month's and commune's
      // OrderTally row (order_tally migration), and the two writers' commits must take those in one order.
      const placed = rest.find((r) => r.table === "Order");
      if (placed) {
        const orderWidth = Object.keys(COLUMNS.Order).length;
        const orderShop = Object.keys(COLUMNS.Order).indexOf("shopId");
        const orderCreated = Object.keys(COLUMNS.Order).indexOf("createdAt");
        const keyOf = (k: number) => {
          const created = placed.values[k * orderWidth + orderCreated];
          return `${communeOfShop.get(placed.values[k * orderWidth + orderShop]) ?? ""} ${created instanceof Date ? created.toISOString() : String(created)}`;
        };
        const keys = Array.from({ length: placed.count }, (_, k) => keyOf(k));
        orders.set("Order", Array.from({ length: placed.count }, (_, k) => k).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b)));
      }
    }
    await this.transaction(rest, orders);
  }

  private async transaction(chunk: Rows[], orders: Map<Table, number[]> = new Map()): Promise<void> {
    await this.client.query("BEGIN");
    try {
      for (const rows of chunk) {
        if (rows.count === 0) continue;
        const entries = Object.entries(COLUMNS[rows.table]) as Array<[string, ColumnType]>;
        const width = entries.length;
        const order = orders.get(rows.table);
        const arrays = entries.map(([, type], c) => {
          const column = new Array<unknown>(rows.count);
          for (let k = 0; k < rows.count; k++) {
            const v = rows.values[(order ? order[k] : k) * width + c];
            column[k] = type === "timestamp" && v instanceof Date ? v.toISOString() : v;
          }
          return column;
        });
        const casts = entries.map(([, type], c) => `$${c + 1}::${type === "timestamp" ? "timestamp(3)" : type}[]`);
        await this.client.query(`INSERT INTO "${rows.table}" (${entries.map(([c]) => `"${c}"`).join(",")}) SELECT * FROM unnest(${casts.join(",")})`, arrays);
      }
      await this.client.query("COMMIT");
    } catch (e) {
      await this.client.query("ROLLBACK").catch(() => {});
      throw e;
    }
  }

  async finish(): Promise<void> {
    // Fresh statistics and visibility maps, as autovacuum gives a table soon after such a load: the
    // dashboard's plans depend on the statistics, its index-only scans on the visibility map (without
    // it each index entry also reads its row: this month's orders went from an index range to a scan).
    for (const table of TABLES) await this.client.query(`VACUUM (ANALYZE) "${table}"`);
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}


/** One chunk of households with everything hanging off them: a Rows per table, in write order. */
export class DemoChunk {
  readonly households = new Rows("Household");
  readonly shops = new Rows("Shop");
  readonly listings = new Rows("Listing");
  readonly orders = new Rows("Order");
  readonly pickups = new Rows("Pickup");

  /** households first (the PostgreSQL writer commits them on their own) */
  tables(): Rows[] {
    return [this.households, this.shops, this.listings, this.orders, this.pickups];
  }
}
