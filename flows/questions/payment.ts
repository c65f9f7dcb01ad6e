// "Do you have an e-payment account?" — counted for the campaign's statistics.
import { PAYMENT_METHODS, type PaymentMethod } from "../../src/core/households.ts";
import { buttonsStep, choice, say, type FlowContext, type StepResult } from "../../src/engine/flow.ts";

export function askPayment(then: (method: PaymentMethod, ctx: FlowContext) => StepResult | Promise<StepResult>) {
  return buttonsStep({
    ask: ({ t }) =>
      say(t("register:askPayment"), {
        // two per row keeps six options on one screen of a small phone
        choices: pairs(PAYMENT_METHODS.map((m) => choice(m, t(`register:payment.${m}`)))),
      }),
    on: (id, ctx) => then(id as PaymentMethod, ctx),
  });
}

function pairs<T>(items: T[]): T[][] {
  const rows: T[][] = [];
  for (let i = 0; i < items.length; i += 2) rows.push(items.slice(i, i + 2));
  return rows;
}
