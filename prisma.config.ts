import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

const url = process.env.DATABASE_URL ?? "file:./data/cho-so.db";
const isPg = /^postgres(ql)?:/.test(url);

// Workaround 1 (SQLite): Prisma 6.16-6.19's WASM schema engine replays migrations on the
// shadow DB via executeRaw(); better-sqlite3's prepare() rejects multi-statement SQL.
function sqliteMigrationAdapter() {
  const factory = new PrismaBetterSQLite3({ url });
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connectToShadowDb = async () => {
    const shadow = await connectToShadowDb();
    const executeRaw = shadow.executeRaw.bind(shadow);
    shadow.executeRaw = async (query) => {
      try {
        return await executeRaw(query);
      } catch (e) {
        if (e instanceof RangeError && query.args.length === 0 && /more than one statement/.test(e.message)) {
          await shadow.executeScript(query.sql);
          return 0;
        }
        throw e;
      }
    };
    return shadow;
  };
  return factory;
}

// Workaround 2 (PostgreSQL, prisma/orm#27403): adapter-pg rejects catalog column types
// (name, "char", ...) that the schema engine's introspection queries return.
const CATALOG_TEXT_OIDS = new Set([18, 19]);
function pgMigrationAdapter() {
  const u = new URL(url);
  const cfg = {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.slice(1),
  };
  const factory = new PrismaPg(cfg);
  const patch = (q: any) => {
    const proto = Object.getPrototypeOf(Object.getPrototypeOf(q));
    if (proto.__patched) return q;
    const performIO = proto.performIO;
    proto.performIO = async function (this: unknown, query: unknown) {
      const res = await performIO.call(this, query);
      for (const f of res.fields ?? []) if (CATALOG_TEXT_OIDS.has(f.dataTypeID)) f.dataTypeID = 25;
      return res;
    };
    // Workaround 5: adapter-pg's executeScript() splits a migration on every ";", which cuts a
    // PL/pgSQL function body ($$ ... $$) apart. PostgreSQL runs a multi-statement script sent as one
    // simple query, in one implicit transaction.
    Object.getPrototypeOf(q).executeScript = async function (this: { client: { query(sql: string): Promise<unknown> }; onError(e: unknown): never }, script: string) {
      try {
        await this.client.query(script);
      } catch (error) {
        this.onError(error);
      }
    };
    proto.__patched = true;
    return q;
  };
  const connect = factory.connect.bind(factory);
  factory.connect = async () => patch(await connect());
  // Workaround 3: adapter-pg's own connectToShadowDb() (a) lets connectionString override the
  // shadow `database` and (b) drops the shadow DB before closing its pool. Do it ourselves.
  factory.connectToShadowDb = async () => {
    const admin = await connect();
    const name = `prisma_shadow_${crypto.randomUUID().replaceAll("-", "")}`;
    await admin.executeScript(`CREATE DATABASE "${name}"`);
    const shadow = patch(await new PrismaPg({ ...cfg, database: name }).connect());
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await admin.executeScript(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.dispose();
    };
    return shadow;
  };
  return factory;
}

// Workaround 4 (PG, optional): the WASM schema engine leaves 10 s / 60 s timers armed after it
// finishes, so `migrate deploy`/`migrate dev` linger that long. Unref long timers (CLI process only).
if (isPg) {
  const st = globalThis.setTimeout;
  globalThis.setTimeout = ((fn: (...a: any[]) => void, ms?: number, ...a: any[]) => {
    const t = st(fn, ms, ...a);
    if ((ms ?? 0) >= 10_000) t.unref();
    return t;
  }) as typeof setTimeout;
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: isPg ? "prisma/postgres/schema.prisma" : "prisma/schema.prisma",
  migrations: { path: isPg ? "prisma/postgres/migrations" : "prisma/migrations" },
  async adapter() {
    return isPg ? pgMigrationAdapter() : sqliteMigrationAdapter();
  },
});
