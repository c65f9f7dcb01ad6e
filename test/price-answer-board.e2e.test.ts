// Chat price answers read the price board kept in memory (core/price-board.ts) while it is fresh, as the
// /gia pages do, instead of asking SQL for one product's figures (most of a second at 2,000,000
// households). Before the first board exists, and once the board has not been checked against its
// inputs for a refresh period and a half, the answer is asked of SQL. On the fake Telegram server.
import { afterEach, describe, expect, it } from "vitest";
import type { App } from "../src/app.ts";
import { createServices } from "../src/core/services.ts";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { Chat, startBot, startFakeBotApi } from "./support/bot.ts";
import { seedHouseholds } from "./support/broadcast.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();
let fake: FakeTelegram | undefined;
let app: App | undefined;

afterEach(async () => {
  await app?.stop();
  await fake?.close();
  app = undefined;
  fake = undefined;
});

async function listing(priceVnd: number) {
  const [id] = await seedHouseholds(testDb.db, [{ commune: "06463" }]);
  const shop = await testDb.db.shop.findFirstOrThrow({ where: { householdId: id } });
  return createServices(testDb.db).listings.create({ shopId: shop.id, productId: "hoi-kho", title: "hồi", unit: "kg", quantity: 50, displayUnit: "kg", priceVnd });
}

describe("chat price answers", () => {
  it("come from the kept board while it is fresh, from SQL before it exists and once it is stale", async () => {
    fake = await startFakeBotApi();
    app = await startBot(fake, testDb.url);
    const buyer = new Chat(fake, { id: 9931, first_name: "Hà", language_code: "vi" });
    await app.engine.catalog.get();
    await listing(80_000);

    // No board yet: answered by SQL, and the first board is started for the next question.
    await buyer.send("/gia hoi kho", /💰 Giá Hoa hồi khô/);
    expect(buyer.last.text).toContain("• Đang bán: 80.000 đ/kg (1 tin)");
    await app.priceBoard.board();
    expect(app.priceBoard.peek()).not.toBeNull();

    // A listing the kept board has not seen yet: while it is fresh, the answer is the board's.
    await listing(90_000);
    await buyer.send("/gia hoi kho", /💰 Giá Hoa hồi khô/);
    expect(buyer.last.text).toContain("• Đang bán: 80.000 đ/kg (1 tin)");
    // The next refresh sees it, and so does the next answer.
    app.priceBoard.refreshSoon();
    await app.priceBoard.idle();
    await buyer.send("/gia hoi kho", /💰 Giá Hoa hồi khô/);
    expect(buyer.last.text).toContain("• Đang bán: 80.000 đ/kg đến 90.000 đ/kg, giá giữa 85.000 đ/kg (2 tin)");
    // A board not checked for longer than a refresh period and a half is not used.
    await listing(100_000);
    expect(app.priceBoard.peek(60_000, Date.now() + 120_000)).toBeNull();
    expect(app.priceBoard.peek(60_000, Date.now())).not.toBeNull();
  });
});
