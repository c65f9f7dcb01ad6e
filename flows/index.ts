// Every conversation the bot can hold, and which one a newcomer starts with.
import type { FlowRegistry } from "../src/engine/turn.ts";
import { announce, broadcastCommands } from "./announce.ts";
import { answerReply, replyActions } from "./announce-replies.ts";
import { officerHome } from "./officer-menu.ts";
import { assistCommands, assistedRegister } from "./assisted-register.ts";
import { dashboardCommands } from "./officer-tools.ts";
import { unnotifiedCommands } from "./unnotified-orders.ts";
import { deleteAccount } from "./delete-account.ts";
import { editProfile } from "./edit-profile.ts";
import { menu } from "./menu.ts";
import { openShop } from "./open-shop.ts";
import { myListings } from "./my-listings.ts";
import { register } from "./register.ts";
import { sell } from "./sell.ts";
import { buy } from "./buy.ts";
import { blockBuyer, declineOrder, orderActions, orderList, pickup } from "./orders.ts";
import { pickOrder, replyToNotice } from "./order-replies.ts";
import { intents } from "./intents.ts";
import { shippingActions } from "./shipping.ts";
import { paymentActions } from "./payments.ts";
import { priceCommand } from "./market.ts";
import { referencePriceCommand, referencePriceFlow } from "./reference-price.ts";
import { alertCommand, alertKeyword } from "./price-alerts.ts";
import { calendarCommand, remindersCommand } from "./harvest-reminders.ts";
import { quickEditFlow } from "./quick-edit.ts";
import { startFlow } from "../src/engine/flow.ts";
import { fold } from "../src/lang/normalize.ts";

export const registry: FlowRegistry = {
  flows: { register, editProfile, deleteAccount, sell, myListings, buy, declineOrder, pickup, orderList, blockBuyer, pickOrder, announce, answerReply, officerHome, assistedRegister, quickEdit: quickEditFlow, openShop, referencePrice: referencePriceFlow },
  onboarding: "register",
  deleteAccount: "deleteAccount",
  menu,
  commands: { ...broadcastCommands, ...dashboardCommands, ...assistCommands, ...unnotifiedCommands, prices: priceCommand, referencePrice: referencePriceCommand, priceAlert: alertCommand, harvestCalendar: calendarCommand, reminders: remindersCommand },
  intents,
  actions: {
    tap: async (id, ctx) => replyActions.tap(id, ctx) ?? (await paymentActions.tap(id, ctx)) ?? (await shippingActions.tap(id, ctx)) ?? orderActions.tap(id, ctx),
    // "/mua" or "mua" starts buying for anyone, registered or not; "NHAN DH…" answers an order, "DA CHUYEN DH…"
    // its payment; "báo tôi khi có na dưới 40k" asks for a price alert; "DV1 DH…" chooses a carrier's service; "TL 12" answers a household's reply to an announcement (officers).
    // "1" right after a notice: a quote's service, else an order notice's choice.
    reply: async (text, ctx, at) => (await shippingActions.reply(text, ctx)) ?? replyToNotice(text, ctx, at),
    keyword: async (text, ctx) =>
      /^\/?mua$/.test(fold(text))
        ? startFlow("buy")
        : (await alertKeyword(text, ctx)) ?? (replyActions.keyword(text, ctx) ?? (await paymentActions.keyword(text, ctx)) ?? (await shippingActions.keyword(text, ctx)) ?? orderActions.keyword(text, ctx)),
  },
};
