// "Đăng ký hộ" (/dangkyho): an officer registers a household in person, on its behalf.
//   the household agreed (Decree 13) → name → phone → commune (within the officer's area) → shop name
//   → e-payment → summary card, save → what to tell the household → register another?
// Nothing is stored until "Lưu"; the role and the area are checked again on the server right then.
// The household has no chat yet: it claims its shop later by starting Chợ Số with the same phone
// (flows/link-account.ts, offerClaimOrLink). Officers only; anyone else gets "unknown command".
import type { OfficerView } from "../src/broadcast/officers.ts";
import { PhoneTakenError, type HouseholdView, type PaymentMethod } from "../src/core/households.ts";
import {
  buttonsStep,
  choice,
  column,
  done,
  next,
  retry,
  say,
  startFlow,
  textStep,
  type Answer,
  type Flow,
  type FlowContext,
  type Step,
  type StepResult,
} from "../src/engine/flow.ts";
import type { Outbound } from "../src/engine/message.ts";
import type { CommandHandler } from "../src/engine/turn.ts";
import { getCommune, getProvince, searchCommunes } from "../src/lang/communes.ts";
import { formatVnPhone } from "../src/lang/phone.ts";
import { householdCard } from "./cards.ts";
import { askPayment } from "./questions/payment.ts";
import { afterPaymentMethod, paymentDetailSteps, type PaymentDetailHooks } from "./questions/payment-details.ts";
import { showPayment, type PaymentDetails } from "../src/core/payments.ts";
import { askPhone } from "./questions/phone.ts";
import { askShopName } from "./questions/shop-name.ts";
import { typedName } from "./questions/typed-name.ts";

/** In-scope communes shown as buttons when there are at most this many; more: typed search. */
const MAX_SCOPE_BUTTONS = 8;
const MAX_QUERY = 80;

interface Answers {
  name: string;
  phone: string;
  commune: string;
  shopName: string;
  payment: PaymentMethod;
  payDetails?: PaymentDetails;
  /** commune codes found by the last search, in scope */
  matches?: string[];
}

const answers = (ctx: FlowContext) => ctx.data as unknown as Answers;

const officerOf = (ctx: FlowContext): Promise<OfficerView | null> => ctx.services.officers.find(ctx.identity);

/** A province-wide officer (no communes) may register households in any commune of the province. */
const inScope = (o: OfficerView, code: string) => o.communes.length === 0 || o.communes.includes(code);

const communeName = (code: string) => getCommune(code)?.name ?? code;

/** The role is gone (revoked while the officer was typing): nothing is saved. */
const notOfficer = (ctx: FlowContext) => done(say(ctx.t("assist:notOfficer")));

function outOfScope(ctx: FlowContext, o: OfficerView, codes: string[]): StepResult {
  return retry(
    say(
      ctx.t("assist:outOfScope", {
        communes: codes.map(communeName).join(", "),
        scope: o.communes.map(communeName).join(", "),
      }),
    ),
  );
}

/** A typed commune name: search the province, keep the officer's communes, pick among them. */
async function searchCommune(ctx: FlowContext, raw: string): Promise<StepResult> {
  const officer = await officerOf(ctx);
  if (!officer) return notOfficer(ctx);
  const query = raw.trim();
  const hits = query.length > MAX_QUERY ? [] : searchCommunes(ctx.provinceCode, query, 20).map((h) => h.commune.code);
  if (hits.length === 0) {
    return retry(
      say(ctx.t("register:commune.notFound", { query: query.slice(0, 40), province: getProvince(ctx.provinceCode)?.name ?? "" })),
    );
  }
  const allowed = hits.filter((code) => inScope(officer, code)).slice(0, 6);
  if (allowed.length === 0) return outOfScope(ctx, officer, hits.slice(0, 1));
  answers(ctx).matches = allowed;
  return next("communePick");
}

/** A commune tapped (or its number typed): checked against the officer's area on the server. */
async function takeCommune(ctx: FlowContext, code: string): Promise<StepResult> {
  const officer = await officerOf(ctx);
  if (!officer) return notOfficer(ctx);
  if (getCommune(code)?.provinceCode !== ctx.provinceCode) return retry();
  if (!inScope(officer, code)) return outOfScope(ctx, officer, [code]);
  answers(ctx).commune = code; // matches are kept: "quay lại" shows the same list again
  return next("shopName");
}

/** askPhone, asking for the household's number: typed (or a contact card the officer forwards). */
const phoneQuestion = askPhone(
  (phone, ctx) => {
    answers(ctx).phone = phone;
    return next("commune", say(ctx.t("assist:phoneSaved", { phone: formatVnPhone(phone) })));
  },
  // Taken, even by a household nobody has claimed yet: no link offer here, the officer checks the number.
  { onTaken: (phone, ctx) => retry(say(ctx.t("assist:phoneTaken", { phone: formatVnPhone(phone) }))) },
);

/** A bank account is taken here too (the officer sees it in full); "Để sau" goes on to the summary. */
const payHooks: PaymentDetailHooks = {
  save: (_method, details, ctx) => {
    answers(ctx).payDetails = details;
    return next("confirm");
  },
  skip: () => next("confirm"),
  ownerName: (ctx) => answers(ctx).name,
  ownPhone: (ctx) => answers(ctx).phone,
  askWallet: false,
};

/** askPayment, with the question about the household rather than the person in the chat. */
const paymentQuestion = askPayment((payment, ctx) => {
  answers(ctx).payment = payment;
  answers(ctx).payDetails = undefined;
  return afterPaymentMethod(payment, ctx, payHooks);
});

async function withText(step: Step, ctx: FlowContext, text: string): Promise<Outbound> {
  const asked = await step.ask(ctx);
  const first = Array.isArray(asked) ? asked[0] : asked;
  return { ...first, text };
}

/** The household as it will be saved, for the summary card. */
function preview(ctx: FlowContext): HouseholdView {
  const a = answers(ctx);
  return {
    id: "",
    name: a.name,
    phone: a.phone,
    provinceCode: ctx.provinceCode,
    communeCode: a.commune,
    payment: a.payment,
    shop: { id: "", name: a.shopName, slug: "" },
  };
}

async function save(ctx: FlowContext): Promise<StepResult> {
  const officer = await officerOf(ctx);
  if (!officer) return notOfficer(ctx);
  const a = answers(ctx);
  // The area may have changed since the commune was chosen.
  if (!inScope(officer, a.commune)) {
    return next("commune", ...outOfScope(ctx, officer, [a.commune]).say);
  }
  try {
    const household = await ctx.services.households.registerAssisted({
      name: a.name,
      phone: a.phone,
      provinceCode: ctx.provinceCode,
      communeCode: a.commune,
      shopName: a.shopName,
      payment: a.payment,
      officerId: officer.id,
    });
    if (a.payDetails) await ctx.services.payments.setDetails(household.id, a.payment, a.payDetails);
  } catch (e) {
    // Someone registered the same phone between the phone step and now.
    if (!(e instanceof PhoneTakenError)) throw e;
    return next("phone", say(ctx.t("assist:phoneTaken", { phone: formatVnPhone(a.phone) })));
  }
  // Start over at "register another?" with nothing kept: "quay lại" cannot reach the saved answers.
  return {
    type: "start",
    flow: "assistedRegister",
    step: "more",
    data: {},
    say: [
      say(ctx.t("assist:saved", { shop: a.shopName, name: a.name })),
      say(ctx.t("assist:tellHousehold", { phone: formatVnPhone(a.phone) })),
    ],
  };
}

export const assistedRegister: Flow = {
  id: "assistedRegister",
  first: "consent",
  needsHousehold: false,
  cancelText: ({ t }) => t("assist:cancelled"),
  steps: {
    consent: buttonsStep({
      ask: ({ t }) =>
        say(t("assist:consent"), { choices: column(choice("yes", t("assist:consentYes"), "yes"), choice("no", t("assist:consentNo"), "no")) }),
      on: (id, ctx) => (id === "yes" ? next("name") : done(say(ctx.t("assist:declined")))),
    }),

    // Typed only: the name the platform shows is the officer's, never the household's.
    name: textStep({
      freeText: true,
      ask: ({ t }) => say(t("assist:askName")),
      on: (text, ctx) => {
        const name = typedName(text, ctx, "person");
        if (!name.ok) return retry(say(name.hint));
        answers(ctx).name = name.value;
        return next("phone");
      },
    }),

    phone: {
      ...phoneQuestion,
      // No "share my number" button: the officer's own number is not the household's.
      ask: ({ t }) => say(t("assist:askPhone")),
      answer: (input: Answer, ctx) =>
        // A contact card is the household's, forwarded by the officer: never "not your own number".
        phoneQuestion.answer(input.kind === "contact" ? { ...input, isOwn: true } : input, ctx),
    },

    commune: {
      accepts: ["text", "choice"],
      ask: async (ctx) => {
        const officer = await officerOf(ctx);
        const scope = officer?.communes ?? [];
        if (scope.length === 0 || scope.length > MAX_SCOPE_BUTTONS) return say(ctx.t("assist:askCommune"));
        return say(ctx.t("assist:askCommuneInScope"), { choices: column(...scope.map((c) => choice(c, communeName(c)))) });
      },
      answer: (input, ctx) => {
        if (input.kind === "text") return searchCommune(ctx, input.text);
        if (input.kind === "choice") return takeCommune(ctx, input.id);
        return retry();
      },
    },

    communePick: {
      accepts: ["choice", "text"],
      ask: (ctx) =>
        say(ctx.t("assist:pickCommune"), {
          choices: [
            ...column(...(answers(ctx).matches ?? []).map((c, _, all) => choice(c, communeName(c), ...(all.length === 1 ? (["yes"] as const) : [])))),
            [choice("again", ctx.t("register:commune.searchAgain"), "no")],
          ],
        }),
      answer: (input, ctx) => {
        // Typing another name here is a new search, not an error.
        if (input.kind === "text") return searchCommune(ctx, input.text);
        if (input.kind !== "choice") return retry();
        if (input.id === "again") return next("commune", say(ctx.t("register:commune.typeAgain")));
        if (!(answers(ctx).matches ?? []).includes(input.id)) return retry();
        return takeCommune(ctx, input.id);
      },
    },

    shopName: askShopName(
      (ctx) => answers(ctx).name,
      (shopName, ctx) => {
        answers(ctx).shopName = shopName;
        return next("payment");
      },
    ),

    payment: { ...paymentQuestion, ask: (ctx) => withText(paymentQuestion, ctx, ctx.t("assist:askPayment")) },
    ...paymentDetailSteps(payHooks),

    confirm: buttonsStep({
      ask: (ctx) => [
        say(householdCard(ctx, preview(ctx), undefined, answers(ctx).payDetails ? showPayment(answers(ctx).payment, answers(ctx).payDetails!, true) : undefined)),
        say(ctx.t("assist:confirm"), {
          choices: column(choice("save", ctx.t("assist:save"), "yes", "done"), choice("discard", ctx.t("assist:discard"), "no")),
        }),
      ],
      on: (id, ctx) => (id === "save" ? save(ctx) : done(say(ctx.t("assist:cancelled")))),
    }),

    more: buttonsStep({
      ask: ({ t }) => say(t("assist:askMore"), { choices: column(choice("more", t("assist:more"), "yes"), choice("finish", t("assist:finish"), "no", "done")) }),
      on: async (id, ctx) => {
        if (id !== "more") return done(say(ctx.t("assist:finished")));
        return (await officerOf(ctx)) ? startFlow("assistedRegister") : done(say(ctx.t("assist:roleGone")));
      },
    }),
  },
};

/** `/dangkyho`: officers only; anyone else gets the usual "unknown command". */
const openAssistedRegister: CommandHandler = async (ctx) => ((await officerOf(ctx)) ? startFlow("assistedRegister") : null);

export const assistCommands = {
  assist: openAssistedRegister,
} satisfies Record<string, CommandHandler>;
