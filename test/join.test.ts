// Which replies of one turn are sent as one message (src/engine/join.ts). The conversations themselves
// are checked end to end (telegram/zalo/listings e2e); this pins the rule on its edges.
import { describe, expect, it } from "vitest";
import { JOINED_MAX, joinShortMessages } from "../src/engine/join.ts";
import type { Outbound } from "../src/engine/message.ts";
import { tFor } from "../src/i18n/index.ts";

const yesNo = [[{ id: "1.yes", label: "Có" }], [{ id: "1.no", label: "Không" }]];

describe("joining the short messages of a turn", () => {
  it("sends the greeting with the consent question, in both languages, buttons under it", () => {
    for (const locale of ["vi", "en"]) {
      const t = tFor(locale);
      const joined = joinShortMessages([{ text: t("register:greeting") }, { text: t("register:consent"), choices: yesNo }]);
      expect(joined).toEqual([{ text: `${t("register:greeting")}\n\n${t("register:consent")}`, choices: yesNo }]);
    }
  });

  it("joins a run of one-liners into the question that ends it", () => {
    const joined = joinShortMessages([
      { text: "Mình hiểu thế này: Quýt · 300 kg" },
      { text: "Còn thiếu: giá." },
      { text: "Giá bán bao nhiêu một kg?" },
    ]);
    expect(joined).toEqual([{ text: "Mình hiểu thế này: Quýt · 300 kg\n\nCòn thiếu: giá.\n\nGiá bán bao nhiêu một kg?" }]);
  });

  it("keeps a card on its own: nothing joins it, and the question under it stays apart", () => {
    const card = "🌿 Hoa hồi khô\n⚖️ Còn: 2 tạ\n💰 Giá: 80.000 đ/kg";
    const replies: Outbound[] = [{ text: "Người mua sẽ thấy thế này:" }, { text: card }, { text: "Bạn muốn làm gì?", choices: yesNo }];
    expect(joinShortMessages(replies)).toEqual(replies);
    // a remark after a question with buttons is not put above it either
    const after: Outbound[] = [{ text: "Bạn muốn làm gì?", choices: yesNo }, { text: "Gõ /mua khi bạn muốn mua thêm." }];
    expect(joinShortMessages(after)).toEqual(after);
  });

  it("never joins a photo, and stops before the text would grow past the limit", () => {
    const photo: Outbound[] = [{ text: "Đã nhận ảnh." }, { text: "Ảnh hàng", photo: { ref: "https://example.com/a.jpg" } }];
    expect(joinShortMessages(photo)).toEqual(photo);
    const long = "a".repeat(JOINED_MAX - 10);
    expect(joinShortMessages([{ text: long }, { text: "Bạn đồng ý chứ?" }])).toHaveLength(2);
    expect(joinShortMessages([{ text: long.slice(0, JOINED_MAX - 2 - 8) }, { text: "12345678" }])).toHaveLength(1); // exactly the limit
    // a run that is full starts again with the next one-liner
    const full = "a".repeat(JOINED_MAX);
    expect(joinShortMessages([{ text: full }, { text: "Đã huỷ." }, { text: "Bạn muốn làm gì?", choices: yesNo }])).toEqual([
      { text: full },
      { text: "Đã huỷ.\n\nBạn muốn làm gì?", choices: yesNo },
    ]);
  });

  it("keeps the removal of the share-phone keyboard: never joined with a message that brings buttons", () => {
    const removal: Outbound = { text: "Đã huỷ.", removeKeyboard: true };
    const menu: Outbound = { text: "Bạn muốn làm gì?", choices: yesNo };
    expect(joinShortMessages([removal, menu])).toEqual([removal, menu]);
    expect(joinShortMessages([{ text: "Đây là số của người khác." }, { text: "Gửi số?", askContact: { label: "📱" } }])).toEqual([
      { text: "Đây là số của người khác.\n\nGửi số?", askContact: { label: "📱" } },
    ]);
    expect(joinShortMessages([{ text: "Đã nhận số 0912 345 678.", removeKeyboard: true }, { text: "Bạn ở xã nào?" }])).toEqual([
      { text: "Đã nhận số 0912 345 678.\n\nBạn ở xã nào?", removeKeyboard: true },
    ]);
  });
});
