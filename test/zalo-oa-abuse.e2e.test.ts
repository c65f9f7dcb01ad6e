// The Zalo Official Account channel under abuse (issue 22 on the OA webhook of issue 18), over real HTTP
// against the whole app with the product's logger and the fake OA API:
// - fuzz (fast-check): signed events of any shape and type (the signature right, so the input reaches
//   the parser and the engine), unsigned bytes, bodies too large: never a 5xx, no failed turn, and the
//   channel still answers a person afterwards;
// - calls with a wrong signature are limited per address like wrong secrets on the other webhooks; the
//   platform's own signed calls are never counted;
// - the access token is refreshed by one instance only when two ask at once (no second use of the
//   single-use refresh token), and a restart after a rotation uses the stored pair, not the spent token
//   in the configuration;
// - log lines under failure (every turn failing in the database, then a refresh Zalo refuses) hold no
//   OA secret, access or refresh token, phone number or message text; nor do those of the fuzzing.
// Each test stands alone (the file passes with --sequence.shuffle): the failure test breaks its app's
// database and has Zalo revoke its tokens, so it has an app, a database and a fake OA of its own.
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OaTokens } from "../src/channels/zalo-oa/tokens.ts";
import { configuredSecrets } from "../src/config.ts";
import { createDb } from "../src/db/client.ts";
import { startFakeOa, type FakeOa } from "./fakes/zalo-oa-server.ts";
import { createTestDatabase, useTestDatabase } from "./support/db.ts";
import { send, startSecApp, type SecApp } from "./support/security.ts";
import { OaChat } from "./support/zalo-oa.ts";
import { memoryLogger } from "./support/zalo.ts";

const testDb = useTestDatabase();
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_206);
const JSON_TYPE = "application/json";
const PATH = "/webhook/zalo-oa";

/** Every token pair the fake OA issued, for the log scan. */
const issued: string[] = [];
let oa: FakeOa;
let app: SecApp;

beforeAll(async () => {
  oa = await startFakeOa({ onIssued: (pair) => void issued.push(pair.access_token, pair.refresh_token) });
  app = await startSecApp(testDb.url, { oa, env: { LOG_LEVEL: "info" } });
  expect(app.channels.status().zalo_oa?.state).toBe("connected");
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await oa?.close();
});

const mac = (raw: string, appId: string, timestamp: string, key = oa.secretKey) =>
  `mac=${createHash("sha256").update(appId + raw + timestamp + key).digest("hex")}`;
const post = (body: string | Uint8Array, signature?: string, to: SecApp = app) =>
  send(to.url, PATH, { body, type: JSON_TYPE, headers: signature ? { "x-zevent-signature": signature } : {} });
/** A body signed as Zalo signs it: app_id and timestamp as written in it. */
const signed = (event: Record<string, unknown>, to: SecApp = app, key = oa.secretKey) => {
  const raw = JSON.stringify(event);
  return post(raw, mac(raw, String(event.app_id), String(event.timestamp), key), to);
};

// ---- what might arrive ----

const nasty = fc.constantFrom("\u0000", "\u0007", "\u001b[31m", "<script>", "\u202e", "\u200b", "\ud800", "'", '"', "\\", "\r\n", "ă", "Đ", "😀", "0912 345 678", "#1", "1", "huỷ");
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.array(fc.oneof(nasty, fc.string({ maxLength: 5 })), { maxLength: 12 }).map((parts) => parts.join("")),
  fc.constantFrom("a".repeat(5000), "ă ".repeat(2500), "<".repeat(5000), "/start", "ban 2 ta hoi kho 80k", "đồng ý"),
);
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(null, 0, -1, 1e308, "", [], {}, true));
/** A field as sent, or now and then any JSON value instead (seldom enough that most events stay readable). */
const field = (valid: fc.Arbitrary<unknown>) => fc.oneof({ weight: 8, arbitrary: valid }, { weight: 1, arbitrary: anyJson });
const hex = (minLength: number, maxLength: number) => fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength, maxLength });
const USERS = ["7100000000000000001", "7100000000000000002", "7100000000000000003"];
const userId = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...USERS) }, { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 30 }), fc.integer()) });
const imageUrl = () => fc.oneof(fc.constant(`${oa.apiRoot}/img/p.png`), fc.constant(`${oa.apiRoot}/img/missing.jpg`), text);
const eventName = fc.constantFrom("user_send_text", "user_send_image", "user_send_sticker", "user_send_location", "user_send_file", "follow", "unfollow", "oa_send_text", "user_received_message", "x");
const oaEvent = () =>
  fc
    .record(
      {
        event_name: field(eventName),
        user_id_by_app: field(fc.string({ maxLength: 20 })),
        sender: field(fc.record({ id: field(userId) }, { requiredKeys: [] })),
        recipient: field(fc.record({ id: field(fc.string({ maxLength: 20 })) }, { requiredKeys: [] })),
        follower: field(fc.record({ id: field(userId) }, { requiredKeys: [] })),
        message: field(
          fc.record(
            {
              msg_id: field(fc.oneof(hex(8, 32), fc.string({ maxLength: 10 }))),
              text: field(text),
              attachments: field(
                fc.array(fc.record({ type: field(fc.constantFrom("image", "sticker", "location", "file")), payload: field(fc.record({ url: field(imageUrl()), thumbnail: field(imageUrl()), coordinates: field(fc.record({ latitude: field(fc.string()), longitude: field(fc.string()) })) }, { requiredKeys: [] })) }, { requiredKeys: [] }), { maxLength: 3 }),
              ),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    )
    // app_id and timestamp right (as a string or a number), so that the signature holds and the rest is tried
    .chain((e) => fc.boolean().map((numeric) => ({ ...e, app_id: oa.appId, timestamp: numeric ? Date.now() : String(Date.now()) })));

async function expectNo5xx(what: string, res: Promise<{ status: number; text: string }>): Promise<number> {
  const r = await res;
  if (r.status >= 500) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 200)}`);
  expect(r.status).toBeGreaterThanOrEqual(200);
  return r.status;
}
const options = (n = RUNS) => ({ numRuns: n, seed: SEED, endOnFailure: true });
const failedTurns = (of: SecApp = app) => of.lines.filter((l) => l.includes('"turn failed"'));

/** After the fuzzing, a new follower is answered as usual. */
const answeredAsUsual = () => new OaChat(oa, app.url, oa.user()).send("/start", /đồng ý chứ/);

describe("fuzz: the OA webhook", () => {
  it("signed events of any shape and type: acknowledged (unreadable ones skipped), never a 5xx; no turn fails", async () => {
    for (const id of USERS) oa.user(id);
    const skippedBefore = app.lines.filter((l) => l.includes("update skipped (malformed)")).length;
    let acknowledged = 0;
    await fc.assert(
      fc.asyncProperty(oaEvent(), async (event) => {
        // Signed by Zalo: always acknowledged, whether it could be read or not (a refusal brings it back).
        expect(await expectNo5xx("signed event", signed(event))).toBe(200);
        acknowledged += 1;
      }),
      options(RUNS * 3),
    );
    const skipped = app.lines.filter((l) => l.includes("update skipped (malformed)")).length - skippedBefore;
    expect(skipped).toBeGreaterThan(0);
    expect(acknowledged - skipped).toBeGreaterThan(RUNS / 3); // many reached the channel, not only the parser
    await app.engine.idle();
    expect(failedTurns()).toEqual([]);
    await answeredAsUsual();
    expectNoSecretsLogged(app.lines, mainSecrets());
  }, 120_000);

  it("unsigned or wrongly signed bytes, broken UTF-8, bodies too large: refused before anything is done", async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 600 }),
      fc.uint8Array({ minLength: 1, maxLength: 8 }).map((b) => Buffer.concat([Buffer.from(`{"app_id":"${oa.appId}","timestamp":"${Date.now()}","event_name":"user_send_text","sender":{"id":"${USERS[0]}"},"message":{"text":"`), Buffer.from(b.map((x) => x | 0x80)), Buffer.from('"}}')])),
    );
    const signature = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 80 }), fc.constant(`mac=${"0".repeat(64)}`), hex(64, 64).map((h) => `mac=${h}`));
    await fc.assert(
      fc.asyncProperty(bytes, signature, async (body, sig) => {
        const status = await expectNo5xx("bytes", post(body, sig));
        expect(status).toBeGreaterThanOrEqual(400);
      }),
      options(),
    );
    // The signature is right but the body is not JSON an event can be read from; and one over 1 MiB.
    const broken = Buffer.concat([Buffer.from(`{"app_id":"${oa.appId}","timestamp":"${Date.now()}","event_name":"user_send_text","sender":{"id":"${USERS[0]}"},"message":{"msg_id":"bb01","text":"`), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}}')]);
    const asRead = broken.toString(); // what the server reads: invalid bytes become U+FFFD
    const ts = JSON.parse(asRead).timestamp as string;
    expect(await expectNo5xx("broken UTF-8, signed", post(broken, mac(asRead, oa.appId, ts)))).toBe(200);
    const huge = JSON.stringify({ app_id: oa.appId, timestamp: String(Date.now()), event_name: "user_send_text", message: { text: "a".repeat(2 * 1024 * 1024) } });
    expect(await expectNo5xx("2 MB", post(huge, mac(huge, oa.appId, JSON.parse(huge).timestamp)))).toBe(413);
    expect(await expectNo5xx("wrong type", send(app.url, PATH, { body: "app_id=1", type: "application/x-www-form-urlencoded" }))).toBeGreaterThanOrEqual(400);
    await app.engine.idle();
    expect(failedTurns()).toEqual([]);
    await answeredAsUsual();
    expectNoSecretsLogged(app.lines, mainSecrets());
  }, 120_000);
});

describe("the OA webhook's rate limit", () => {
  it("limits calls with a wrong signature per address; Zalo's own signed calls are never counted", async () => {
    // A second instance on the same database with the default limits: it uses the token pair the first
    // stored (no refresh of its own). Its stop waits for the unfollows it took (on PostgreSQL a write
    // started while the database closed made the stop hang).
    const refreshes = oa.refreshes;
    const limited = await startSecApp(testDb.url, { oa, env: { LOG_LEVEL: "info", RATE_LIMIT_FACTOR: "1" } });
    try {
      expect(oa.refreshes).toBe(refreshes);
      const event = () => oa.followEvent(oa.user(), "unfollow");
      for (let i = 0; i < 40; i++) expect((await signed(event(), limited)).status).toBe(200);
      const statuses: number[] = [];
      for (let i = 0; i < 31; i++) statuses.push((await post(JSON.stringify(event()), `mac=${"ab".repeat(32)}`, limited)).status);
      expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
      const refused = await post(JSON.stringify(event()), undefined, limited);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await signed(event(), limited)).status).toBe(200); // Zalo itself goes on
    } finally {
      await limited.stop();
    }
  }, 60_000);
});

describe("the OA access token across instances", () => {
  it("two instances asking at once: one refresh, one token; a restart after it uses the stored pair", async () => {
    // Zalo takes a while to answer, so that both instances ask while the first refresh is under way.
    const f = await startFakeOa({ onIssued: () => sleep(300) });
    const other = createDb(testDb.url); // the second instance's own connection
    const tokens = (db = testDb.db) => new OaTokens({ db, appId: f.appId, appSecret: f.appSecret, firstRefreshToken: f.firstRefreshToken, oauthRoot: f.apiRoot, log: memoryLogger().log });
    try {
      const [a, b] = await Promise.all([tokens().accessToken(), tokens(other).accessToken()]);
      expect(f.refreshes).toBe(1); // the single-use refresh token was used once
      expect(a).toBe(b);
      expect(f.accessTokens.has(a)).toBe(true);

      // Restarted with the configuration's first refresh token, now spent: the stored pair is used.
      const restarted = tokens();
      expect(await restarted.accessToken()).toBe(a);
      expect(f.refreshes).toBe(1);
      // Zalo refuses that access token: the stored refresh token (not the spent one) gets a new pair.
      const fresh = await restarted.refresh(a);
      expect(fresh).not.toBe(a);
      expect(f.refreshes).toBe(2);
      expect(f.accessTokens.has(fresh)).toBe(true);
    } finally {
      await other.$disconnect();
      await f.close();
    }
  }, 30_000);
});

/** Vietnamese numbers however spelled; not inside a longer run of digits (ids, timestamps). */
const VN_PHONE = /(?<![\d])(?:\+?84|0)[\s.-]?[35789](?:[\s.-]?\d){8}(?!\d)/;
const MARK = "Nhà bà Tư cạnh cây đa xyzzy";
const PHONES = ["0912 345 678", "0912345678", "+84 987 654 321", "84987654321", "091.234.5678"];

/** The OA's secrets as configured and as issued by the fake, for the log scans. */
const secretsOf = (of: SecApp, f: FakeOa, issuedBy: string[]) => [...configuredSecrets(of.config), f.appSecret, f.secretKey, f.firstRefreshToken, ...issuedBy];
const mainSecrets = () => secretsOf(app, oa, issued);

function expectNoSecretsLogged(lines: string[], secrets: string[]) {
  for (const line of lines) {
    for (const s of secrets) expect(line.includes(s), `a secret in: ${line}`).toBe(false);
    expect(VN_PHONE.test(line), `a phone number in: ${line}`).toBe(false);
    expect(line.includes("xyzzy"), `message text in: ${line}`).toBe(false);
  }
}

describe("OA log lines under failure", () => {
  it("hold no OA secret, token, phone number or message text", async () => {
    // Its own database, fake OA and app: this test breaks the database and has Zalo revoke every token.
    const database = await createTestDatabase();
    const issuedHere: string[] = [];
    const f = await startFakeOa({ onIssued: (pair) => void issuedHere.push(pair.access_token, pair.refresh_token) });
    const broken = await startSecApp(database.url, { oa: f, env: { LOG_LEVEL: "info" } });
    const db = createDb(database.url);
    try {
      const signedHere = (event: Record<string, unknown>) => signed(event, broken, f.secretKey);
      const users = PHONES.map(() => f.user());
      // From here every turn fails in the database.
      for (const table of ["ProcessedUpdate", "Order"]) await db.$executeRawUnsafe(`ALTER TABLE "${table}" RENAME TO "${table}_gone"`);
      const before = failedTurns(broken).length;
      for (const [i, u] of users.entries()) expect((await signedHere(f.textEvent(u, `${MARK}, gọi ${PHONES[i]}`))).status).toBe(200);
      expect((await signedHere(f.imageEvent(users[0], `${f.apiRoot}/img/${PHONES[1].replace(/\D/g, "")}.png`))).status).toBe(200);
      expect((await signedHere({ ...f.textEvent(users[1], MARK), message: { text: 84912345678, msg_id: PHONES[3] } })).status).toBe(200); // skipped
      await f.waitFor(() => failedTurns(broken).length - before >= users.length, { timeoutMs: 20_000, describe: () => `failed turns: ${failedTurns(broken).length - before}` });

      // Then Zalo revokes everything: the next send is refused (-216) and so is the refresh.
      f.accessTokens.clear();
      f.liveRefreshTokens.clear();
      await broken.engine.sendTo({ channel: "zalo_oa", chatKey: users[0].id, locale: "vi" }, [{ text: `${MARK} ${PHONES[0]}` }]).catch(() => undefined);
      await f.waitFor(() => broken.zaloOa!.stopped, { timeoutMs: 20_000 });

      expect(configuredSecrets(broken.config)).toEqual(expect.arrayContaining([f.appSecret, f.secretKey, f.firstRefreshToken]));
      expect(issuedHere.length).toBeGreaterThanOrEqual(2);
      expect(broken.lines.some((l) => l.includes("zalo_oa") && l.includes('"level":50'))).toBe(true); // the refused refresh was said
      expectNoSecretsLogged(broken.lines, secretsOf(broken, f, issuedHere));
    } finally {
      await broken.stop();
      await f.close();
      await db.$disconnect();
      await database.drop();
    }
  }, 60_000);
});
