// Old dedupe keys and idempotency records are purged; recent ones stay.
import { describe, expect, it } from "vitest";
import { purgeOld, PROCESSED_UPDATE_TTL_MS } from "../src/core/maintenance.ts";
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
    expect(await purgeOld(testDb.db, now)).toEqual({ updates: 1, idempotency: 1 });
    expect((await testDb.db.processedUpdate.findMany()).map((r) => r.key)).toEqual(["t:new"]);
    expect((await testDb.db.idempotencyRecord.findMany()).map((r) => r.key)).toEqual(["p:new"]);
  });
});
