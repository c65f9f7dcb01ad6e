// Rate-limit counts shared between instances (src/http/rate-store.ts): the count is one atomic upsert,
// exact under concurrent requests, with a fixed window; two app instances on one database allow a
// limit once between them, and an instance keeping counts in memory would allow it twice.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIMITS } from "../src/http/rate-limit.ts";
import { countRequest } from "../src/http/rate-store.ts";
import { useTestDatabase } from "./support/db.ts";
import { send, startSecApp, type SecApp } from "./support/security.ts";

const testDb = useTestDatabase();

describe("countRequest", () => {
  it("counts within a window, starts again after it, and keeps keys apart", async () => {
    const t0 = 1_800_000_000_000;
    expect(await countRequest(testDb.db, "k:a", 60_000, t0)).toEqual({ current: 1, ttl: 60_000 });
    expect(await countRequest(testDb.db, "k:a", 60_000, t0 + 59_999)).toEqual({ current: 2, ttl: 1 });
    expect(await countRequest(testDb.db, "k:b", 60_000, t0 + 59_999)).toEqual({ current: 1, ttl: 60_000 });
    expect(await countRequest(testDb.db, "k:a", 60_000, t0 + 60_000)).toEqual({ current: 1, ttl: 60_000 });
  });

  it("gives every one of 40 concurrent requests its own count", async () => {
    const counts = await Promise.all(Array.from({ length: 40 }, () => countRequest(testDb.db, "k:race", 60_000)));
    expect(counts.map((c) => c.current).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });
});

describe("two instances on one database", () => {
  let apps: SecApp[] = [];
  beforeAll(async () => {
    apps = await Promise.all([1, 2].map(() => startSecApp(testDb.url, { env: { RATE_LIMIT_FACTOR: "1", RATE_LIMIT_STORE: "database", LOG_LEVEL: "info" } })));
  }, 30_000);
  afterAll(async () => {
    for (const app of apps) await app.stop();
  });

  it("allow a login-link limit once between them, then both answer 429", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMITS.loginLink.max; i++) statuses.push((await send(apps[i % 2].url, `/dangnhap/${"D".repeat(43)}`)).status);
    expect(statuses.every((s) => s === 403)).toBe(true);
    for (const app of apps) {
      const over = await send(app.url, `/dangnhap/${"D".repeat(43)}`);
      expect(over.status).toBe(429);
      expect(Number(over.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }
  });
});
