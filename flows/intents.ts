// What a request understood in a message does (the engine decides when: src/engine/intents.ts).
//   sell: the listing sentence, as typed at the menu ("ban 2 ta hoi kho 80k, 50kg na 35k");
//   buy: the buying flow, at the offers for the product when there are some, with the quantity said;
//   price: the catalog's usual range and today's offers on Chợ Số (market.ts);
//   orders, listings: those lists;
//   sold out, a new price or quantity: the listing it is about, after a confirm (quick-edit.ts).
import type { IntentHandlers } from "../src/engine/turn.ts";
import { startFlow } from "../src/engine/flow.ts";
import { buyProduct } from "./buy.ts";
import { priceAnswer, productOnSale, productsNamed } from "./market.ts";
import { quickEdit } from "./quick-edit.ts";
import { sellFromSentence } from "./sell.ts";

export const intents: IntentHandlers = {
  offers(u, ctx) {
    switch (u.intent) {
      case "buy":
      case "price":
        return true;
      case "stop_broadcasts":
      case "resume_broadcasts":
        return !!ctx.household;
      case "sell":
      case "orders":
      case "listings":
      case "sold_out":
      case "change_price":
      case "change_quantity":
        return !!ctx.household?.shop;
      default:
        return false;
    }
  },

  answer: (u, text, ctx) => priceAnswer(ctx, productsNamed(ctx, text, u.product)),

  async act(u, text, ctx) {
    switch (u.intent) {
      case "sell":
        return sellFromSentence(ctx, text, u.items) ?? startFlow("sell");
      case "buy":
        return buyProduct(ctx, await productOnSale(ctx, productsNamed(ctx, text, u.product)), u.items.find((i) => i.quantity)?.quantity);
      case "price":
        return intents.answer(u, text, ctx);
      case "orders":
        return startFlow("orderList");
      case "listings":
        return startFlow("myListings");
      case "sold_out":
      case "change_price":
      case "change_quantity":
        return quickEdit(ctx, u, text, u.intent);
      default:
        return null;
    }
  },
};
