// Small pieces of the broadcast feature: the admin CLI for officers, the words that work everywhere
// (TAT/BAT, /canbo with its code), scheduling times, and the shared token bucket on its own.
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { officerCommand } from "../src/admin/officers.ts";
import { SharedBucket } from "../src/broadcast/bucket.ts";
import { hashCode } from "../src/broadcast/officers.ts";
import { createDb, type Db } from "../src/db/client.ts";
import { parseCommand } from "../src/engine/commands.ts";
import { formatDateTime, parseDateTime } from "../src/lang/datetime.ts";
import { createTestDatabase, type TestDatabase } from "./support/db.ts";

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
});
afterAll(async () => {
  await db.$disconnect();
  await database.drop();
});

async function admin(...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(resolve("node_modules/.bin/tsx"), ["src/admin/main.ts", ...args], {
      env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: "silent" },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("npm run admin -- officer:*", () => {
  it("invites (province-wide or some communes), lists and revokes; codes are stored only as hashes", async () => {
    // the real CLI once (wiring, output); the other cases call the same function in this process
    const scoped = await admin("officer:invite", "--communes", "06463,06385");
    expect(scoped.code).toBe(0);
    const code = /Invite code: ([A-Z0-9]+)/.exec(scoped.stdout)?.[1];
    expect(code).toMatch(/^[A-Z2-9]{10}$/);
    expect(scoped.stdout).toMatch(/\/canbo /);
    const invite = await db.officerInvite.findUniqueOrThrow({ where: { codeHash: hashCode(code!) } });
    expect(JSON.parse(invite.communes)).toEqual(["06463", "06385"]);
    expect(await db.officerInvite.count({ where: { codeHash: code! } })).toBe(0);
    expect(invite.expiresAt.getTime() - Date.now()).toBeGreaterThan(6.9 * 24 * 3600 * 1000);

    const out: string[] = [];
    const run = async (...args: string[]) => {
      const log = vi.spyOn(console, "log").mockImplementation((...m: unknown[]) => void out.push(m.join(" ")));
      const err = vi.spyOn(console, "error").mockImplementation((...m: unknown[]) => void out.push(m.join(" ")));
      try {
        return await officerCommand(db, args[0], args.slice(1), "20");
      } finally {
        log.mockRestore();
        err.mockRestore();
      }
    };
    expect(await run("officer:invite", "--communes", "99999")).toBe(1);
    expect(await run("officer:invite", "--communes")).toBe(2);
    expect(await run("officer:invite")).toBe(0);
    expect(out.join("\n")).toMatch(/Scope: whole province/);

    const officer = await db.officer.create({ data: { channel: "zalo", userKey: "abc", chatKey: "abc", communes: '["06463"]' } });
    expect(await run("officer:list")).toBe(0);
    expect(out.join("\n")).toMatch(new RegExp(`${officer.id}\\tzalo\\tactive\\tscope=06463`));
    expect(await run("officer:revoke", officer.id)).toBe(0);
    expect((await db.officer.findUniqueOrThrow({ where: { id: officer.id } })).revokedAt).not.toBeNull();
    expect(await run("officer:revoke", officer.id)).toBe(1);
    out.length = 0;
    await run("officer:list");
    expect(out.join("\n")).toMatch(/revoked/);
  });
});

describe("commands", () => {
  it("TAT/BAT as words and slash commands; /canbo keeps its argument", () => {
    expect(parseCommand("TAT")).toEqual({ command: "optOut", bareWord: true, args: "" });
    expect(parseCommand("tắt thông báo")).toMatchObject({ command: "optOut" });
    expect(parseCommand("Bật")).toMatchObject({ command: "optIn" });
    expect(parseCommand("/tatthongbao")).toMatchObject({ command: "optOut", bareWord: false });
    expect(parseCommand("/batthongbao@cho_so_bot")).toMatchObject({ command: "optIn" });
    expect(parseCommand("/canbo  AB3K-7Q ")).toEqual({ command: "officer", bareWord: false, args: "AB3K-7Q" });
    expect(parseCommand("/thongbao")).toEqual({ command: "announce", bareWord: false, args: "" });
    expect(parseCommand("tắt đèn")).toBeNull();
  });
});

describe("scheduling times (Asia/Ho_Chi_Minh)", () => {
  const now = new Date(2026, 10, 28, 9, 0); // 09:00 28/11/2026 local
  const read = (text: string) => {
    const d = parseDateTime(text, now);
    return d ? formatDateTime(d) : null;
  };
  it("reads the usual ways of writing a time and a date", () => {
    expect(read("7:30 20/12")).toBe("07:30 20/12/2026");
    expect(read("20/12 7h30")).toBe("07:30 20/12/2026");
    expect(read("lúc 18h mai")).toBe("18:00 29/11/2026");
    expect(read("10h")).toBe("10:00 28/11/2026");
    expect(read("7:30")).toBe("07:30 29/11/2026"); // already past today
    expect(read("7h chiều nay")).toBe("19:00 28/11/2026");
    expect(read("8h 1/1")).toBe("08:00 01/01/2027");
    expect(read("20/12/2026 07:30")).toBe("07:30 20/12/2026");
  });
  it("refuses what it cannot read", () => {
    for (const bad of ["25:00", "7:30 31/2", "mai", "sáng thứ hai", ""]) expect(read(bad)).toBeNull();
  });
  it("is local time: 07:30 in Lạng Sơn is 00:30 UTC", () => {
    expect(parseDateTime("7:30 20/12/2026", now)?.toISOString()).toBe("2026-12-20T00:30:00.000Z");
  });
});

describe("the shared token bucket", () => {
  it("two instances taking from one row keep to rate + burst, serve every taker, and a pause holds for both", async () => {
    // A low rate, so that even a loaded machine takes tokens faster than the bucket hands them out
    // (otherwise a bucket that let too many through would look fine).
    const rate = 8;
    const burst = 2;
    const perTaker = 6;
    const a = new SharedBucket(db, "unit", { rate, burst });
    const b = new SharedBucket(db, "unit", { rate, burst });
    const times: number[] = [];
    const got = [0, 0, 0, 0];
    const started = Date.now(); // before the row exists: it starts with `burst` tokens
    const take = async (bucket: SharedBucket, taker: number) => {
      for (let i = 0; i < perTaker; i++) {
        await bucket.acquire();
        times.push(Date.now());
        got[taker]++;
      }
    };
    await Promise.all([take(a, 0), take(a, 1), take(b, 2), take(b, 3)]);
    // Nobody starves: every taker of both instances got all it asked for (the test's timeout is the
    // only clock here; how fast the bucket lets them through is bench:broadcast's business).
    expect(got).toEqual([perTaker, perTaker, perTaker, perTaker]);
    // The limit, by the clock the bucket itself reads: 24 tokens take at least (24 - burst) / rate
    // seconds, since `burst` were there at the start and then one per 1/rate s. A slow machine can
    // only make the last one later, so this cannot fail for lack of speed.
    const n = times.length;
    expect(n).toBe(4 * perTaker);
    expect(Math.max(...times) - started).toBeGreaterThanOrEqual(((n - burst) / rate) * 1000);

    // Idle time saves up `burst` tokens at most: after a second of rest (8 tokens' worth), 8 more
    // still take (8 - burst) / rate seconds. Resting longer could only show a missing cap better.
    await new Promise((r) => setTimeout(r, 1_000));
    const rested = Date.now();
    const after: number[] = [];
    await Promise.all([a, b].map(async (bucket) => {
      for (let i = 0; i < 4; i++) {
        await bucket.acquire();
        after.push(Date.now());
      }
    }));
    expect(Math.max(...after) - rested).toBeGreaterThanOrEqual(((8 - burst) / rate) * 1000);

    // a pause set through one instance holds for the other
    const until = Date.now() + 1_000;
    await a.pause(until);
    await b.acquire();
    expect(Date.now()).toBeGreaterThanOrEqual(until - 5);
  });
});
