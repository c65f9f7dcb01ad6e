// Every conversation the bot can hold, and which one a newcomer starts with.
import type { FlowRegistry } from "../src/engine/turn.ts";
import { announce, broadcastCommands } from "./announce.ts";
import { assistCommands, assistedRegister } from "./assisted-register.ts";
import { dashboardCommands } from "./officer-tools.ts";
import { deleteAccount } from "./delete-account.ts";
import { editProfile } from "./edit-profile.ts";
import { menu } from "./menu.ts";
import { myListings } from "./my-listings.ts";
import { register } from "./register.ts";
import { sell } from "./sell.ts";
import { buy } from "./buy.ts";
import { blockBuyer, declineOrder, orderActions, orderList, pickup } from "./orders.ts";
import { pickOrder, replyToNotice } from "./order-replies.ts";
import { intents } from "./intents.ts";
import { quickEditFlow } from "./quick-edit.ts";
import { startFlow } from "../src/engine/flow.ts";
import { fold } from "../src/lang/normalize.ts";

export const registry: FlowRegistry = {
  flows: { register, editProfile, deleteAccount, sell, myListings, buy, declineOrder, pickup, orderList, blockBuyer, pickOrder, announce, assistedRegister, quickEdit: quickEditFlow },
  onboarding: "register",
  deleteAccount: "deleteAccount",
  menu,
  commands: { ...broadcastCommands, ...dashboardCommands, ...assistCommands },
  intents,
  actions: {
    tap: orderActions.tap,
    reply: replyToNotice,
    // "/mua" or "mua" starts buying for anyone, registered or not; "NHAN DH…" answers an order.
    keyword: (text, ctx) => (/^\/?mua$/.test(fold(text)) ? startFlow("buy") : orderActions.keyword(text, ctx)),
  },
};
