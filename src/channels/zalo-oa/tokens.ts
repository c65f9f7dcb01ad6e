// The OA's access token, kept fresh from one place. Zalo's access token lives about 25 h; its refresh
// token about 3 months and is single use: once Zalo answered a refresh, only the new refresh token
// works. Hence:
// - the new access token and its refresh token are written together, in one UPDATE, the moment Zalo's
//   answer arrives (never one without the other), guarded by the refresh token they replace;
// - one refresher at a time across instances: a lease on the row (compare-and-set on leaseUntil), the
//   others wait and read what it stored;
// - the refresh happens well before expiry (refreshBeforeMs), so a failed try leaves time for more;
// - a refresh Zalo refuses (expired or revoked refresh token) is fatal: OaTokenRefused, and the channel
//   stops with one clear line. `refreshStartedAt` tells whether an earlier refresh was interrupted.
import { setTimeout as sleep } from "node:timers/promises";
import type { Db } from "../../db/client.ts";
import type { Logger } from "../../log.ts";
import { tokenAnswerSchema } from "./schema.ts";

export const ZALO_OA_DEFAULT_OAUTH_ROOT = "https://oauth.zaloapp.com";

/** Zalo refused the refresh token (expired, revoked, or already used): a person must authorize again. */
export class OaTokenRefused extends Error {
  constructor(
    readonly detail: string,
    readonly interrupted: boolean,
  ) {
    super(`Zalo OA refresh token refused: ${detail}`);
  }
}

/** The refresh could not be done now (network, 5xx, another instance holds the lease too long). */
export class OaTokenUnavailable extends Error {}

export interface OaTokenOptions {
  db: Db;
  appId: string;
  appSecret: string;
  /** used only while the database holds no token for this app */
  firstRefreshToken: string;
  oauthRoot?: string;
  log: Logger;
  /** refresh when the access token has less than this left (default 1 h) */
  refreshBeforeMs?: number;
  /** how long one instance may hold the refresh (default 30 s) */
  leaseMs?: number;
  requestTimeoutMs?: number;
}

interface Row {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  leaseUntil: number;
  refreshStartedAt: number;
}

export class OaTokens {
  private current: { accessToken: string; expiresAt: number } | undefined;
  private inflight: Promise<string> | undefined;
  private readonly oauthRoot: string;
  private readonly refreshBeforeMs: number;
  private readonly leaseMs: number;

  constructor(private readonly opts: OaTokenOptions) {
    this.oauthRoot = (opts.oauthRoot ?? ZALO_OA_DEFAULT_OAUTH_ROOT).replace(/\/+$/, "");
    this.refreshBeforeMs = opts.refreshBeforeMs ?? 3600_000;
    this.leaseMs = opts.leaseMs ?? 30_000;
  }

  /** A valid access token: the cached one, or a fresh one when it is close to expiry. */
  async accessToken(): Promise<string> {
    const cur = this.current;
    if (cur && cur.expiresAt - Date.now() > this.refreshBeforeMs) return cur.accessToken;
    return this.refresh();
  }

  /** When the cached access token expires (ms since epoch; 0 before the first one). */
  get expiresAt(): number {
    return this.current?.expiresAt ?? 0;
  }

  /** When the cached token should be refreshed (ms since epoch), for the channel's timer. */
  get refreshDueAt(): number {
    return this.current ? this.current.expiresAt - this.refreshBeforeMs : 0;
  }

  /**
   * A fresh access token. `rejected`: Zalo just refused this one (-216): a new one is needed even if it
   * looks valid. One refresh at a time in this process.
   */
  refresh(rejected?: string): Promise<string> {
    this.inflight ??= this.refreshOnce(rejected).finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async refreshOnce(rejected: string | undefined): Promise<string> {
    await this.seed();
    const giveUpAt = Date.now() + this.leaseMs * 2;
    let triedConfigured = false;
    for (;;) {
      const row = await this.read();
      if (row.accessToken && row.accessToken !== rejected && row.expiresAt - Date.now() > this.refreshBeforeMs) {
        this.current = { accessToken: row.accessToken, expiresAt: row.expiresAt };
        return row.accessToken;
      }
      if (await this.claim(row)) {
        try {
          return await this.exchange(row);
        } catch (err) {
          // The stored token is dead; a different one in the configuration is the operator's new one.
          if (!(err instanceof OaTokenRefused) || triedConfigured || row.refreshToken === this.opts.firstRefreshToken) throw err;
          triedConfigured = true;
          await this.opts.db.$executeRaw`
            UPDATE "ZaloOaToken" SET "refreshToken" = ${this.opts.firstRefreshToken}, "accessToken" = '', "expiresAt" = 0
            WHERE "appId" = ${this.opts.appId} AND "refreshToken" = ${row.refreshToken}`;
          this.opts.log.info("the stored OA refresh token was refused; trying the one in ZALO_OA_REFRESH_TOKEN");
          continue;
        }
      }
      if (Date.now() > giveUpAt) throw new OaTokenUnavailable("another instance holds the token refresh");
      await sleep(200); // another instance is refreshing: read what it stores
    }
  }

  private async seed(): Promise<void> {
    const { db, appId, firstRefreshToken } = this.opts;
    await db.$executeRaw`
      INSERT INTO "ZaloOaToken" ("appId", "accessToken", "refreshToken", "expiresAt")
      VALUES (${appId}, '', ${firstRefreshToken}, 0)
      ON CONFLICT ("appId") DO NOTHING`;
  }

  private async read(): Promise<Row> {
    const rows = await this.opts.db.$queryRaw<Row[]>`
      SELECT "accessToken", "refreshToken", "expiresAt", "leaseUntil", "refreshStartedAt"
      FROM "ZaloOaToken" WHERE "appId" = ${this.opts.appId}`;
    const r = rows[0];
    if (!r) throw new OaTokenUnavailable("no token row");
    return { ...r, expiresAt: Number(r.expiresAt), leaseUntil: Number(r.leaseUntil), refreshStartedAt: Number(r.refreshStartedAt) };
  }

  /** Takes the refresh lease; false when another instance holds it or the row changed meanwhile. */
  private async claim(row: Row): Promise<boolean> {
    const now = Date.now();
    const n = await this.opts.db.$executeRaw`
      UPDATE "ZaloOaToken" SET "leaseUntil" = ${now + this.leaseMs}, "refreshStartedAt" = ${now}
      WHERE "appId" = ${this.opts.appId} AND "leaseUntil" < ${now} AND "refreshToken" = ${row.refreshToken}`;
    return n === 1;
  }

  private async exchange(row: Row): Promise<string> {
    const { appId, appSecret, db, log } = this.opts;
    const interrupted = row.refreshStartedAt > 0;
    let status = 0;
    let body: unknown;
    try {
      const res = await fetch(`${this.oauthRoot}/v4/oa/access_token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", secret_key: appSecret },
        body: new URLSearchParams({ app_id: appId, grant_type: "refresh_token", refresh_token: row.refreshToken }),
        signal: AbortSignal.timeout(this.opts.requestTimeoutMs ?? 20_000),
      });
      status = res.status;
      body = JSON.parse(await res.text());
    } catch (err) {
      await this.release();
      throw new OaTokenUnavailable(`token refresh failed: ${status || (err as { cause?: { code?: string } }).cause?.code || "network"}`);
    }
    const answer = tokenAnswerSchema.safeParse(body);
    if (answer.success && "access_token" in answer.data && typeof answer.data.access_token === "string") {
      const { access_token, refresh_token, expires_in } = answer.data as { access_token: string; refresh_token: string; expires_in: number };
      const expiresAt = Date.now() + expires_in * 1000;
      // Both tokens in one statement, guarded by the refresh token they replace.
      await db.$executeRaw`
        UPDATE "ZaloOaToken" SET "accessToken" = ${access_token}, "refreshToken" = ${refresh_token}, "expiresAt" = ${expiresAt},
          "leaseUntil" = 0, "refreshStartedAt" = 0, "updatedAt" = ${new Date()}
        WHERE "appId" = ${appId} AND "refreshToken" = ${row.refreshToken}`;
      this.current = { accessToken: access_token, expiresAt };
      log.info({ expiresInS: expires_in }, "Zalo OA access token refreshed");
      return access_token;
    }
    await this.release();
    if (status >= 500 || status === 429) throw new OaTokenUnavailable(`token refresh failed: HTTP ${status}`);
    const refusal = answer.success ? (answer.data as { error?: number; error_name?: string; error_description?: string }) : {};
    const detail = [refusal.error, refusal.error_name ?? refusal.error_description].filter((v) => v !== undefined).join(" ") || `HTTP ${status}`;
    throw new OaTokenRefused(detail.slice(0, 120), interrupted);
  }

  private async release(): Promise<void> {
    await this.opts.db.$executeRaw`UPDATE "ZaloOaToken" SET "leaseUntil" = 0 WHERE "appId" = ${this.opts.appId}`;
  }
}
