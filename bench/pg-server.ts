// The PostgreSQL server the benchmarks use for their scratch databases (BENCH_PG_URL, trust auth).
import pg from "pg";

export const PG_SERVER = process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432";

/** The URL of one database on that server. */
export function pgDatabaseUrl(name: string): URL {
  const url = new URL(PG_SERVER);
  url.pathname = `/${name}`;
  return url;
}

/** Runs `fn` on a connection to the server's maintenance database (create, drop, look up databases). */
export async function pgAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: pgDatabaseUrl("postgres").toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
