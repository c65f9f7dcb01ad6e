// Harvest reminders (issue 16 part 5): season starts worked out from the catalog's harvest months; in
// a season's first month, each household that listed the product in the year before gets one reminder
// (claimed by a unique row, also with two instances running at once on two database clients), with the
// current price range; not the households that turned reminders off or typed TAT, nor those whose only
// listing is from this month. Officers see and change the calendar in chat; a household turns its
// reminders off (terminal simulator).
import pino from "pino";
import { describe, expect, it } from "vitest";
import { REMINDER_PREFIX, HarvestReminders, vnMonth } from "../src/broadcast/reminders.ts";
import { CatalogStore } from "../src/core/catalog.ts";
import { seasonStarts } from "../src/core/harvest-calendar.ts";
import { createServices } from "../src/core/services.ts";
import { createDb } from "../src/db/client.ts";
import { registerMai, runCli } from "./support/cli.ts";
import { seedHouseholds } from "./support/broadcast.ts";
import { useTestDatabase } from "./support/db.ts";

const db = useTestDatabase({ perTest: true });
const CHI_LANG = "06463";
/** 6 December 2026, noon in Vietnam: December starts hồi's winter crop. */
const NOW = new Date("2026-12-06T05:00:00Z");
const SEPTEMBER = new Date("2026-09-15T03:00:00Z");

describe("season starts", () => {
  it("are the harvest months whose previous month is not one", () => {
    expect(seasonStarts([7, 8, 9, 12, 1, 2])).toEqual([7, 12]); // hồi: summer crop, winter crop
    expect(seasonStarts([8, 9, 10, 11, 12])).toEqual([8]); // na
    expect(seasonStarts([11, 12, 1, 2])).toEqual([11]); // quýt, across the new year
    expect(seasonStarts([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])).toEqual([]);
    expect(vnMonth(new Date("2026-11-30T17:30:00Z"))).toEqual({ year: 2026, month: 12, start: new Date("2026-11-30T17:00:00Z") });
  });
});

const POSTGRES = process.env.TEST_DB === "postgres";
const clients: ReturnType<typeof createDb>[] = [];

function reminders(url: string, shared?: ReturnType<typeof createDb>) {
  const client = shared ?? createDb(url);
  if (!shared) clients.push(client);
  const catalog = new CatalogStore(client);
  return {
    client,
    pass: new HarvestReminders(client, { channels: ["telegram"], publicUrl: "https://cho.example.vn", catalog: () => catalog.get(), queued: () => {}, log: pino({ level: "silent" }) }),
  };
}

/** Households on Telegram, each with one listing of `productId` created at `at`. */
async function sellers(count: number, productId: string, at: Date, priceVnd = 80_000) {
  const ids = await seedHouseholds(db.db, Array.from({ length: count }, () => ({ commune: CHI_LANG, telegram: 700_000_000 + Math.floor(Math.random() * 99_999_999), product: productId })));
  await db.db.listing.updateMany({ where: { shop: { householdId: { in: ids } } }, data: { createdAt: at, priceVnd } });
  return ids;
}

describe("reminders", () => {
  it("once per season per household, with two instances at once; opted-out and new sellers left out; the calendar decides", async () => {
    await new CatalogStore(db.db).get();
    const last = await sellers(12, "hoi-kho", SEPTEMBER, 90_000);
    const [offHousehold, tatHousehold] = last;
    await createServices(db.db).harvestCalendar.optOut(offHousehold);
    await createServices(db.db).broadcasts.optOut(tatHousehold);
    const fresh = await sellers(2, "hoi-kho", new Date("2026-12-02T03:00:00Z"), 70_000); // listed this month: not "last season"
    const naSellers = await sellers(3, "na-chi-lang", SEPTEMBER, 35_000); // na's season starts in August

    // Two instances: two database clients on PostgreSQL; SQLite deployments run one process (one
    // writer), so there the two passes share the client and race inside it.
    const a = reminders(db.url);
    const b = POSTGRES ? reminders(db.url) : reminders(db.url, a.client);
    try {
      const [qa, qb] = await Promise.all([a.pass.run(NOW), b.pass.run(NOW)]);
      expect(qa + qb).toBe(10);
      const rows = await db.db.harvestReminder.findMany();
      expect(rows.map((r) => r.householdId).sort()).toEqual(last.slice(2).sort());
      expect(new Set(rows.map((r) => r.season))).toEqual(new Set(["2026-12"]));
      expect(rows.every((r) => !fresh.includes(r.householdId) && !naSellers.includes(r.householdId))).toBe(true);
      // One outbox row per reminder, for the household's chat; the text quotes live prices (14 listings).
      const outbox = await db.db.outboxMessage.findMany({ where: { broadcastId: { startsWith: REMINDER_PREFIX } } });
      expect(outbox.map((o) => o.broadcastId.slice(REMINDER_PREFIX.length)).sort()).toEqual(rows.map((r) => r.id).sort());
      expect(rows[0].text).toBe(
        "🌱 Sắp vào mùa Hoa hồi khô! Mùa trước bạn đã bán Hoa hồi khô trên Chợ Số.\nGiá đang bán: 70.000 đ đến 90.000 đ/kg.\nĐăng bán ngay: gõ tên hàng, số lượng và giá, ví dụ: bán 2 tạ Hoa hồi khô 80k\nXem giá: https://cho.example.vn/gia/hoi-kho\nThôi nhận nhắc mùa vụ: gõ /nhacmuavu tat",
      );

      // Later passes in the same season: nothing more.
      expect(await a.pass.run(new Date(NOW.getTime() + 3 * 86_400_000))).toBe(0);

      // An officer moves na's season to December and turns hồi off: na's sellers now, hồi nobody new.
      const officer = await db.db.officer.create({ data: { channel: "cli", userKey: "o1", chatKey: "o1" } });
      await createServices(db.db).harvestCalendar.set("na-chi-lang", { months: [12] }, officer.id, [8]);
      await createServices(db.db).harvestCalendar.set("hoi-kho", { off: true }, officer.id, [7, 12]);
      await createServices(db.db).harvestCalendar.optIn(offHousehold);
      expect(await b.pass.run(NOW)).toBe(3);
      expect((await db.db.harvestReminder.findMany({ where: { productId: "na-chi-lang" } })).map((r) => r.householdId).sort()).toEqual([...naSellers].sort());
    } finally {
      await Promise.all(clients.map((c) => c.$disconnect()));
    }
  });

  it("households that grow the product get it too: once, opt-outs left out, the wording says why", async () => {
    await new CatalogStore(db.db).get();
    const services = createServices(db.db);
    // Growers who never listed hồi (their one listing is na's), one who also listed hồi last season,
    // one who grows it but turned reminders off, one who grows only na (not December's).
    const growers = await sellers(3, "na-chi-lang", SEPTEMBER);
    const [alsoListed] = await sellers(1, "hoi-kho", SEPTEMBER);
    const [optedOut, naOnly] = await sellers(2, "na-chi-lang", SEPTEMBER);
    for (const h of [...growers, alsoListed, optedOut]) await services.crops.set(h, ["hoi-kho", "mat-ong"]);
    await services.crops.set(naOnly, ["na-chi-lang"]);
    await services.harvestCalendar.optOut(optedOut);

    const { pass } = reminders(db.url, db.db);
    expect(await pass.run(NOW)).toBe(4);
    expect(await pass.run(NOW)).toBe(0);
    const rows = await db.db.harvestReminder.findMany();
    expect(rows.map((r) => r.householdId).sort()).toEqual([...growers, alsoListed].sort());
    expect(rows.every((r) => r.productId === "hoi-kho" && r.season === "2026-12")).toBe(true);
    const text = (h: string) => rows.find((r) => r.householdId === h)!.text;
    expect(text(growers[0])).toMatch(/^🌱 Sắp vào mùa Hoa hồi khô! Nhà bạn có trồng Hoa hồi khô: đăng bán trên Chợ Số nhé\.\n/);
    expect(text(alsoListed)).toMatch(/^🌱 Sắp vào mùa Hoa hồi khô! Mùa trước bạn đã bán Hoa hồi khô trên Chợ Số\.\n/);
    // A crop list is replaced as a whole: hồi taken off, the next season's pass leaves the grower out.
    await services.crops.set(growers[1], ["mat-ong"]);
    expect(await services.crops.of(growers[1])).toEqual(["mat-ong"]);
    await db.db.harvestReminder.deleteMany();
    expect(await pass.run(NOW)).toBe(3);
  });

  it("in chat: officers see and change the calendar, a household turns reminders off and on", async () => {
    await db.db.officer.create({ data: { channel: "cli", userKey: "o1", chatKey: "o1" } });
    await registerMai(db.db);
    const replies = await runCli(db.url, [
      { user: "o1" },
      { text: "/lichnhac" },
      { text: "/lichnhac na 8 9" },
      { text: "/lichnhac hoi tat" },
      { user: "u1" },
      { text: "/lichnhac" },
      { text: "/nhacmuavu tat" },
    ]);
    const texts = replies.map((r) => r.text);
    // (each answer to a person without a shop is followed by "Gõ /start để bắt đầu.")
    const answer = (start: string) => texts.find((t) => t.startsWith(start));
    expect(answer("🗓 Lịch nhắc mùa vụ (tháng bắt đầu mùa):\n")).toContain("• Hoa hồi khô: tháng 7, tháng 12\n");
    expect(answer("✅ Lịch nhắc Na:")).toMatch(/^✅ Lịch nhắc Na: tháng 8, tháng 9\.\n/);
    expect(answer("✅ Lịch nhắc Hoa hồi khô:")).toMatch(/^✅ Lịch nhắc Hoa hồi khô: tắt\.\n/);
    // The household: /lichnhac does not exist for it; /nhacmuavu tat does.
    const mai = replies.filter((r) => r.user === "u1").map((r) => r.text);
    expect(mai[0]).toMatch(/^Mình chưa biết lệnh này/);
    expect(mai.some((t) => t.startsWith("Đã tắt nhắc mùa vụ."))).toBe(true);
    expect(await db.db.reminderCalendar.findMany({ orderBy: { productId: "asc" } })).toMatchObject([
      { productId: "hoi-kho", off: true },
      { productId: "na-chi-lang", months: "[8,9]", off: false },
    ]);
    expect(await db.db.reminderOptOut.count()).toBe(1);
  });
});
