// One app with Telegram and Zalo side by side: the same scripted conversation on both gives the same
// texts and the same choices, only rendered differently (inline buttons vs "1. …" lines). The one
// expected difference: Telegram asks to tap the share-phone button, Zalo asks to type the number.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tFor } from "../src/i18n/index.ts";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import type { FakeZalo } from "./fakes/zalo-server.ts";
import { Chat, startFakeBotApi } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";
import { newZaloUser, splitNumbered, startFakeZaloBot, startZaloBot, ZaloChat, type ZaloApp } from "./support/zalo.ts";

const testDb = useTestDatabase();

type Action = { say: string } | { pick: string } | { photo: true };
interface ScriptStep {
  act: Action;
  /** the last message of the bot's answer (the same on both channels) */
  until: RegExp;
}

const MENU = /Bạn muốn làm gì/;
const NAME = "Nông Thị Hoa";

const script = (phone: string): ScriptStep[] => [
  { act: { say: "/start" }, until: /đồng ý chứ/ },
  { act: { pick: "✅ Đồng ý" }, until: /Tên chủ hộ/ },
  { act: { say: "Nông Thị Hoa" }, until: /gửi số điện thoại|Số điện thoại di động/ },
  { act: { say: "0205 3812 345" }, until: /gửi số điện thoại|Số điện thoại di động/ }, // a landline: refused
  { act: { say: phone }, until: /xã hoặc phường nào/ },
  { act: { say: "huu lung" }, until: /chọn xã/ },
  { act: { pick: "Xã Hữu Lũng" }, until: /Đặt tên cho cửa hàng/ },
  { act: { say: "quay lại" }, until: /chọn xã/ },
  { act: { pick: "Xã Hữu Lũng" }, until: /Đặt tên cho cửa hàng/ },
  { act: { pick: `Cửa hàng ${NAME}` }, until: /thanh toán điện tử/ },
  { act: { pick: "MoMo" }, until: MENU },
  { act: { pick: "🌾 Đăng bán" }, until: /Bạn muốn bán gì/ },
  { act: { say: "hồi khô" }, until: /Bạn có bao nhiêu/ },
  { act: { say: "2 tạ rưỡi" }, until: /Giá bán bao nhiêu/ },
  { act: { say: "80k" }, until: /Gửi một ảnh hàng/ },
  { act: { photo: true }, until: /Khi nào có hàng/ },
  { act: { say: "15/8" }, until: /🌿/ },
  { act: { pick: "✅ Đăng bán" }, until: MENU },
  { act: { pick: "🏪 Cửa hàng của tôi" }, until: MENU },
  { act: { say: "/trogiup" }, until: MENU },
  { act: { say: "/ngonngu" }, until: /Chọn ngôn ngữ/ },
  { act: { pick: "English" }, until: /What would you like to do/ },
];

let telegram: FakeTelegram;
let zalo: FakeZalo;
let bot: ZaloApp;
/** What each channel showed in the scripted conversation: both tests look at the same run. */
let tg: Seen[];
let za: Seen[];

beforeAll(async () => {
  telegram = await startFakeBotApi();
  zalo = await startFakeZaloBot();
  bot = await startZaloBot(zalo, testDb.url, "polling", { telegram });
  tg = await onTelegram("0912 000 111");
  za = await onZalo("0912 000 222");
});
afterAll(async () => {
  await bot?.stop();
  await telegram?.close();
  await zalo?.close();
});

/** What a person reads, per message: the text and the choices offered with it. */
interface Seen {
  text: string;
  buttons: string[];
}

async function onTelegram(phone: string): Promise<Seen[]> {
  const chat = new Chat(telegram, { id: 9_100_001, first_name: NAME, language_code: "vi" });
  for (const { act, until } of script(phone)) {
    if ("say" in act) await chat.send(act.say, until);
    else if ("pick" in act) await chat.tap(act.pick, until);
    else await chat.photo(until);
  }
  return telegram.sent(chat.user.id).map((m) => ({
    text: m.text ?? m.caption ?? "",
    buttons: (m.message.reply_markup?.inline_keyboard ?? []).flat().map((b) => b.text),
  }));
}

async function onZalo(phone: string): Promise<Seen[]> {
  const chat = new ZaloChat(zalo, newZaloUser(NAME));
  for (const { act, until } of script(phone)) {
    if ("say" in act) await chat.send(act.say, until);
    else if ("pick" in act) await chat.pick(act.pick, until);
    else await chat.image({ url: zalo.photoUrl() }, until);
  }
  // The numbered block is Zalo's rendering of the buttons; the English one after /ngonngu too.
  return chat.all.map((text) => {
    const vi = splitNumbered(text, "vi");
    return vi.buttons.length > 0 ? vi : splitNumbered(text, "en");
  });
}

describe("the same conversation on Telegram and Zalo", () => {
  it("gives the same texts and choices, apart from how the phone number is asked", () => {
    const samePhone = (seen: Seen[], phone: string) =>
      seen.map((m) => ({ ...m, text: m.text.replaceAll(phone, "<phone>").replace(/\/s\/[a-z0-9-]+/g, "/s/<slug>") })); // two shops, two links
    const a = samePhone(tg, "0912 000 111");
    const b = samePhone(za, "0912 000 222");

    expect(b.length).toBe(a.length);
    const differing = a.map((m, i) => i).filter((i) => JSON.stringify(a[i]) !== JSON.stringify(b[i]));
    const t = tFor("vi");
    // The phone question is asked twice (the landline is refused): both times the only difference.
    expect(differing.length).toBe(2);
    // The second time the refusal comes first, in the same message.
    expect(differing.map((i) => a[i])).toEqual([
      { text: t("register:askPhoneShare"), buttons: [] }, // plus a share-phone reply keyboard
      { text: `${t("register:phone.not_mobile")}\n\n${t("register:askPhoneShare")}`, buttons: [] },
    ]);
    expect(differing.map((i) => b[i])).toEqual([
      { text: t("register:askPhoneType"), buttons: [] },
      { text: `${t("register:phone.not_mobile")}\n\n${t("register:askPhoneType")}`, buttons: [] },
    ]);
    // Not a vacuous comparison: real choices went through the numbered rendering.
    expect(b.filter((m) => m.buttons.length > 0).length).toBeGreaterThan(10);
    expect(b.at(-1)).toEqual(a.at(-1));
    expect(b.at(-1)?.buttons.length).toBeGreaterThan(2);
  });

  it("stores the same household, listing and photo from both channels", async () => {
    const households = await testDb.db.household.findMany({
      where: { phone: { in: ["+84912000111", "+84912000222"] } },
      include: { accounts: true, shop: { include: { listings: true } } },
      orderBy: { phone: "asc" },
    });
    expect(households.map((h) => h.accounts.map((a) => a.channel))).toEqual([["telegram"], ["zalo"]]);
    for (const h of households) {
      expect(h).toMatchObject({ name: NAME, payment: "momo", communeCode: households[0].communeCode });
      expect(h.accounts[0].locale).toBe("en");
      expect(h.shop?.listings).toHaveLength(1);
    }
    const zaloListing = households[1].shop!.listings[0];
    expect(zaloListing).toMatchObject({ photoChannel: "zalo", photoRef: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/media\//) });
    // The picture is copied from Zalo's image server into the media folder after the turn (kicked by the
    // turn at most every 100 ms: wait for the copy itself, not for a worker that may not have started).
    const deadline = Date.now() + 10_000;
    let stored = await testDb.db.listing.findUnique({ where: { id: zaloListing.id } });
    while (!stored?.photoFile && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      stored = await testDb.db.listing.findUnique({ where: { id: zaloListing.id } });
    }
    expect(stored?.photoFile).toBeTruthy();
    expect(existsSync(join(bot.mediaDir, stored!.photoFile!))).toBe(true);
  });
});
