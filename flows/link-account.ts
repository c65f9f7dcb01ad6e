// Linking a second channel: a household that opened its shop on Telegram starts on Zalo (or the other
// way round) with the same phone. Instead of "this number is taken", it may link this chat to its shop
// after typing a 6-digit code that Chợ Số sends to the chat it registered on. Only someone who can
// read that chat can link, so a neighbour who knows the number cannot take the shop over.
// Also here: claiming a shop an officer registered in person ("Đăng ký hộ") for this phone. Such a shop
// has no chat yet, so there is nowhere to send a code: the household confirms the shop's name (public
// on its shop page; nothing personal is shown before the claim), and the officer is told at once.
import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { buttonsStep, choice, column, done, next, retry, say, type FlowContext, type Step, type StepResult } from "../src/engine/flow.ts";
import { formatVnPhone } from "../src/lang/phone.ts";
import type { HouseholdView } from "../src/core/households.ts";
import { householdCard, titled } from "./cards.ts";

const CODE_TTL_MS = 10 * 60_000;
const MAX_TRIES = 5;

interface LinkState {
  phone: string;
  householdId: string;
  target: { channel: "telegram" | "zalo" | "zalo_oa" | "cli" | "web"; chatKey: string; locale: string };
  salt?: string;
  codeHash?: string;
  expires?: number;
  tries?: number;
}

const link = (ctx: FlowContext) => ctx.data.link as LinkState;
const hash = (code: string, salt: string) => createHash("sha256").update(`${salt}:${code}`).digest();
const channelName = (ctx: FlowContext, channel: string) => ctx.t(`register:channelName.${channel}`);

interface ClaimState {
  phone: string;
  householdId: string;
  shopName: string;
}

const claimOf = (ctx: FlowContext) => ctx.data.claim as ClaimState;

/**
 * Called by registration's phone step when the number belongs to a household: a shop an officer
 * registered for it and nobody has claimed yet is offered; otherwise linking (or "taken") as before.
 */
export async function offerClaimOrLink(phone: string, ctx: FlowContext): Promise<StepResult> {
  const unclaimed = await ctx.services.households.unclaimed(phone);
  if (!unclaimed) return offerLink(phone, ctx);
  ctx.data.claim = { phone, householdId: unclaimed.id, shopName: unclaimed.shopName } satisfies ClaimState;
  return next("claim");
}

export const claimSteps: Record<string, Step> = {
  claim: buttonsStep({
    ask: (ctx) =>
      say(ctx.t("assist:claim.offer", { shop: claimOf(ctx).shopName, phone: formatVnPhone(claimOf(ctx).phone) }), {
        choices: column(choice("yes", ctx.t("assist:claim.yes"), "yes"), choice("no", ctx.t("assist:claim.no"), "no")),
      }),
    on: async (id, ctx) => {
      const state = claimOf(ctx);
      if (id !== "yes") {
        ctx.data.claim = undefined;
        return next("phone", say(ctx.t("assist:claim.notMine")));
      }
      const claimed = await ctx.services.households.claim(state.householdId, ctx.identity, ctx.locale);
      if (!claimed) {
        // Another chat claimed it meanwhile: this number is an ordinary taken one now.
        ctx.data.claim = undefined;
        const instead = await offerLink(state.phone, ctx);
        return instead.type === "retry" ? next("phone", ...instead.say) : instead;
      }
      ctx.data.claim = undefined;
      ctx.household = claimed.household;
      await notifyOfficer(ctx, claimed.registeredById, claimed.household);
      const help = claimed.household.payment === "none" ? [say(ctx.t("register:paymentHowTo"))] : [];
      return done(say(titled(ctx.t("assist:claim.claimed"), householdCard(ctx, claimed.household))), ...help);
    },
  }),
};

/** "Hộ … đã nhận cửa hàng" to the officer who registered it, if the role is still held and reachable. */
async function notifyOfficer(ctx: FlowContext, officerId: string | null, h: HouseholdView): Promise<void> {
  const officer = officerId ? await ctx.services.officers.byId(officerId) : null;
  if (!officer || !ctx.canSendTo(officer.channel)) return;
  ctx.notify({ channel: officer.channel, chatKey: officer.chatKey, locale: officer.locale }, (t) => [
    say(t("assist:claim.notice", { name: h.name, shop: h.shop?.name ?? "" })),
  ]);
}

/** Called by the phone step when the number belongs to a household: offer to link, or refuse. */
export async function offerLink(phone: string, ctx: FlowContext): Promise<StepResult> {
  const pretty = formatVnPhone(phone);
  const owner = await ctx.services.households.withPhone(phone);
  // The shop already has an account on this platform: someone else here uses the number, so this is
  // not a second channel of the same household.
  if (!owner || owner.accounts.some((a) => a.channel === ctx.identity.channel)) {
    return retry(say(ctx.t("register:phone.taken", { phone: pretty })));
  }
  const target = owner.accounts.find((a) => !a.unreachable && a.channel !== ctx.identity.channel && ctx.canSendTo(a.channel as LinkState["target"]["channel"]));
  if (!target) return retry(say(ctx.t("register:link.unreachable", { phone: pretty })));
  ctx.data.link = {
    phone,
    householdId: owner.id,
    target: { channel: target.channel as LinkState["target"]["channel"], chatKey: target.chatKey, locale: target.locale ?? "vi" },
  } satisfies LinkState;
  return next("link");
}

function sendCode(ctx: FlowContext): StepResult {
  const state = link(ctx);
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  state.salt = randomBytes(8).toString("hex");
  state.codeHash = hash(code, state.salt).toString("hex");
  state.expires = ctx.now.getTime() + CODE_TTL_MS;
  state.tries = 0;
  const here = ctx.identity.channel;
  ctx.notify(state.target, (t) => [say(t("register:link.codeMessage", { code, channel: t(`register:channelName.${here}`) }))]);
  return next("linkCode");
}

export const linkSteps: Record<string, Step> = {
  link: buttonsStep({
    ask: (ctx) =>
      say(ctx.t("register:link.offer", { phone: formatVnPhone(link(ctx).phone), channel: channelName(ctx, link(ctx).target.channel) }), {
        choices: column(choice("yes", ctx.t("register:link.yes"), "yes"), choice("no", ctx.t("register:link.no"), "no")),
      }),
    on: (id, ctx) => (id === "yes" ? sendCode(ctx) : next("phone")),
  }),

  linkCode: {
    accepts: ["text", "choice"],
    ask: (ctx) =>
      say(ctx.t("register:link.codeSent", { channel: channelName(ctx, link(ctx).target.channel) }), {
        choices: column(choice("resend", ctx.t("register:link.resend"))),
      }),
    answer: async (input, ctx) => {
      const state = link(ctx);
      if (input.kind === "choice") return sendCode(ctx);
      if (input.kind !== "text") return retry();
      const code = input.text.replace(/[\s.-]/g, "");
      if (!/^\d{6}$/.test(code)) return retry(say(ctx.t("register:link.notACode")));
      if (!state.codeHash || !state.salt || (state.expires ?? 0) < ctx.now.getTime()) {
        return retry(say(ctx.t("register:link.expired")));
      }
      if (!timingSafeEqual(hash(code, state.salt), Buffer.from(state.codeHash, "hex"))) {
        state.tries = (state.tries ?? 0) + 1;
        if (state.tries >= MAX_TRIES) {
          ctx.data.link = undefined;
          return next("phone", say(ctx.t("register:link.tooManyTries")));
        }
        return retry(say(ctx.t("register:link.wrongCode", { left: MAX_TRIES - state.tries })));
      }
      await ctx.services.households.linkAccount(state.householdId, ctx.identity, ctx.locale);
      ctx.household = await ctx.services.households.byAccount(ctx.identity.channel, ctx.identity.userKey);
      const linked = ctx.t("register:link.linked", { channel: channelName(ctx, state.target.channel) });
      return done(say(titled(linked, householdCard(ctx, ctx.household!))));
    },
  },
};
