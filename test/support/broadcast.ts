// Broadcast tests: the real app with both channels against the fake Telegram and Zalo servers, short
// broadcast timings, and households written straight into the database (registration is tested elsewhere).
import { randomBytes } from "node:crypto";
import pino from "pino";
import { createApp, type App } from "../../src/app.ts";
import type { BroadcastOptions } from "../../src/broadcast/service.ts";
import { loadConfig } from "../../src/config.ts";
import type { Db } from "../../src/db/client.ts";
import type { FakeTelegram } from "../fakes/telegram-server.ts";
import type { FakeZalo } from "../fakes/zalo-server.ts";
import { freePort } from "./bot.ts";
import { FAST_ZALO_TIMING } from "./zalo.ts";
import { CAPS_OFF_ENV } from "./caps.ts";

/** Fast enough for tests to take seconds, with rates the tests can reason about. */
export const FAST_BROADCAST: Partial<BroadcastOptions> = {
  tickMs: 50,
  idleMs: 50,
  checkMs: 50,
  progressMs: 60_000,
  leaseMs: 5_000,
  rates: { telegram: { rate: 200, burst: 5 }, zalo: { rate: 200, burst: 5 } },
};

export async function startBroadcastApp(
  databaseUrl: string,
  fakes: { telegram?: FakeTelegram; zalo?: FakeZalo },
  broadcast: Partial<BroadcastOptions> = {},
  opts: { listen?: boolean } = {},
): Promise<App> {
  const env: NodeJS.ProcessEnv = { DATABASE_URL: databaseUrl, PORT: String(await freePort()), LOG_LEVEL: "silent", RATE_LIMIT_FACTOR: "0", ...CAPS_OFF_ENV };
  if (fakes.telegram) Object.assign(env, { TELEGRAM_BOT_TOKEN: fakes.telegram.token, TELEGRAM_API_ROOT: fakes.telegram.apiRoot });
  if (fakes.zalo) Object.assign(env, { ZALO_BOT_TOKEN: fakes.zalo.token, ZALO_API_ROOT: fakes.zalo.apiRoot });
  const app = createApp({
    config: loadConfig(env),
    log: pino({ level: process.env.TEST_LOG ?? "silent" }),
    pollTimeoutSeconds: 1,
    zaloTiming: FAST_ZALO_TIMING,
    broadcast: { ...FAST_BROADCAST, ...broadcast, rates: { ...FAST_BROADCAST.rates, ...broadcast.rates } },
  });
  if (opts.listen === false) app.broadcasts.start(); // a second instance: sends, but does not poll
  else {
    await app.start();
    await app.channels.settled();
  }
  return app;
}

/** Each test starts from no households, officers or broadcasts (one database per test file). */
export async function clearBroadcastData(db: Db): Promise<void> {
  await db.outboxMessage.deleteMany();
  await db.broadcast.deleteMany();
  await db.rateBucket.deleteMany();
  await db.officer.deleteMany();
  await db.officerInvite.deleteMany();
  await db.conversation.deleteMany();
  await db.channelAccount.deleteMany();
  await db.household.deleteMany();
}

export interface SeedHousehold {
  commune: string;
  telegram?: number;
  zalo?: string;
  /** the channel it used last (gets the message when it is on both) */
  last?: "telegram" | "zalo";
  product?: string;
  optedOut?: boolean;
  unreachable?: boolean;
  locale?: string;
}

/** Households with shops, chat accounts and listings, in a handful of queries. Returns their ids. */
export async function seedHouseholds(db: Db, list: SeedHousehold[], provinceCode = "20"): Promise<string[]> {
  const ids = list.map(() => `h${randomBytes(8).toString("hex")}`);
  const base = randomBytes(4).readUInt32BE() % 80_000_000;
  await db.household.createMany({
    data: list.map((h, i) => ({
      id: ids[i],
      name: `Hộ ${i}`,
      phone: `+84${900_000_000 + base + i}`,
      provinceCode,
      communeCode: h.commune,
      payment: "none",
      consentAt: new Date(),
      lastChannel: h.last ?? (h.telegram ? "telegram" : "zalo"),
    })),
  });
  await db.shop.createMany({ data: ids.map((id) => ({ id: `s${id}`, householdId: id, name: `Shop ${id}`, slug: id })) });
  const accounts = list.flatMap((h, i) => [
    ...(h.telegram ? [{ channel: "telegram", userKey: String(h.telegram), chatKey: String(h.telegram) }] : []),
    ...(h.zalo ? [{ channel: "zalo", userKey: h.zalo, chatKey: h.zalo }] : []),
  ].map((a) => ({ ...a, householdId: ids[i], locale: h.locale ?? "vi", unreachable: !!h.unreachable })));
  await db.channelAccount.createMany({ data: accounts });
  const listings = list.flatMap((h, i) =>
    h.product
      ? [{ shopId: `s${ids[i]}`, productId: h.product, title: h.product, unit: "kg", stockMilli: 100_000, displayUnit: "kg", priceVnd: 50_000 }]
      : [],
  );
  if (listings.length) await db.listing.createMany({ data: listings });
  const opted = ids.filter((_, i) => list[i].optedOut);
  if (opted.length) await db.announcementOptOut.createMany({ data: opted.map((householdId) => ({ householdId })) });
  return ids;
}
