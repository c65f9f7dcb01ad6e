// Old dedupe keys, idempotency records, expired dashboard logins and old rate counts are purged; recent ones stay.
import { describe, expect, it } from "vitest";
import { purgeOld, PROCESSED_UPDATE_TTL_MS, RATE_COUNT_TTL_MS } from "../src/core/maintenance.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();

describe("purgeOld", () => {
  it("deletes only what is past its time", async () => {
    const now = new Date();
    const old = new Date(now.getTime() - PROCESSED_UPDATE_TTL_MS - 1000);
    await testDb.db.processedUpdate.createMany({ data: [{ key: "t:old", createdAt: old }, { key: "t:new", createdAt: now }] });
    await testDb.db.idempotencyRecord.createMany({
      data: [
        { key: "p:old", requestHash: "x", status: 201, response: "{}", createdAt: new Date(now.getTime() - 40 * 24 * 3600_000) },
        { key: "p:new", requestHash: "x", status: 201, response: "{}", createdAt: now },
      ],
    });
    const past = new Date(now.getTime() - 1000);
    const later = new Date(now.getTime() + 60_000);
    await testDb.db.officerLogin.createMany({ data: [{ tokenHash: "l-old", officerId: "o", expiresAt: past }, { tokenHash: "l-new", officerId: "o", expiresAt: later }] });
    await testDb.db.officerSession.createMany({ data: [{ tokenHash: "s-old", officerId: "o", expiresAt: past }, { tokenHash: "s-new", officerId: "o", expiresAt: later }] });
    await testDb.db.rateCount.createMany({ data: [{ key: "r-old", windowStart: now.getTime() - RATE_COUNT_TTL_MS - 1000, count: 3 }, { key: "r-new", windowStart: now.getTime() - 60_000, count: 3 }] });
    await testDb.db.heldNotice.createMany({
      data: [
        { channel: "zalo_oa", chatKey: "u", locale: "vi", message: "{}", createdAt: new Date(now.getTime() - 31 * 24 * 3600_000) },
        { channel: "zalo_oa", chatKey: "u", locale: "vi", message: "{}", createdAt: now },
      ],
    });
    expect(await purgeOld(testDb.db, now)).toEqual({ updates: 1, idempotency: 1, logins: 2, rates: 1, held: 1 });
    expect((await testDb.db.rateCount.findMany()).map((r) => r.key)).toEqual(["r-new"]);
    expect(await testDb.db.heldNotice.count()).toBe(1);
    expect((await testDb.db.officerLogin.findMany()).map((r) => r.tokenHash)).toEqual(["l-new"]);
    expect((await testDb.db.officerSession.findMany()).map((r) => r.tokenHash)).toEqual(["s-new"]);
    expect((await testDb.db.processedUpdate.findMany()).map((r) => r.key)).toEqual(["t:new"]);
    expect((await testDb.db.idempotencyRecord.findMany()).map((r) => r.key)).toEqual(["p:new"]);
  });
});
