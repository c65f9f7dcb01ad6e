// Replies to announcements: a household's message that nothing else understood, a few days after an
// announcement reached it, goes to the officer who sent the announcement (name, commune, the words)
// with "Trả lời" (a button on Telegram, "TL 12" to type on Zalo); the officer answers in one message,
// which reaches the household as "Cán bộ xã …: …". The household is told its message was passed on.
// Everything is re-checked on the server: the officer's role, that the reply was forwarded to them.
import { senderLabel } from "../src/broadcast/announcement.ts";
import type { OfficerView } from "../src/broadcast/officers.ts";
import { FORWARDS_PER_DAY } from "../src/broadcast/replies.ts";
import { done, retry, say, startFlow, textStep, type Flow, type FlowContext, type StepResult } from "../src/engine/flow.ts";
import { getCommune } from "../src/lang/communes.ts";
import { understand } from "../src/lang/intent.ts";
import { fold } from "../src/lang/normalize.ts";

/** Longest answer an officer sends in one message (Zalo takes 2000 characters). */
export const ANSWER_MAX = 1500;

const communeName = (code: string) => getCommune(code)?.name ?? code;

/**
 * At the menu, when the intent layer reads no request in the message (the engine has tried the menu
 * and the requests first): forward it when an announcement reached this household within the
 * configured days. Null when not.
 */
export async function forwardReply(ctx: FlowContext, text: string): Promise<StepResult | null> {
  const household = ctx.household;
  const words = text.normalize("NFC").replace(/\s+/g, " ").trim();
  if (!household || !/\p{L}/u.test(words) || ctx.settings.announcementReplyDays <= 0) return null;
  if (understand(words, ctx.catalog.index).intent !== "unknown") return null;
  const recent = await ctx.services.announcementReplies.recentFor(household.id, ctx.now, ctx.settings.announcementReplyDays);
  if (!recent || !ctx.canSendTo(recent.officer.channel)) return null;
  const { officer } = recent;
  // Passed on already, several times today: the officer has them; say so instead of flooding them.
  if ((await ctx.services.announcementReplies.forwardedToday(household.id, ctx.now)) >= FORWARDS_PER_DAY) {
    return done(say(ctx.t("broadcast:reply.enough")));
  }
  const id = await ctx.services.announcementReplies.record(
    { officerId: officer.id, broadcastId: recent.broadcastId, householdId: household.id, text: words },
    ctx.now,
  );
  ctx.notify({ channel: officer.channel, chatKey: officer.chatKey, locale: officer.locale }, (t) => [
    say(t("broadcast:reply.forwarded", { name: household.name, commune: communeName(household.communeCode), text: words }), {
      choices: [[{ id: `a.rep.${id}`, label: t("broadcast:reply.answer"), keyword: `${t("broadcast:reply.keyword")} ${id}` }]],
    }),
  ]);
  return done(say(ctx.t("broadcast:reply.passedOn")));
}

async function startAnswer(ctx: FlowContext, id: number): Promise<StepResult | null> {
  const officer = await ctx.services.officers.find(ctx.identity);
  if (!officer) return null;
  const reply = await ctx.services.announcementReplies.forOfficer(id, officer.id, ctx.now);
  if (!reply) return startFlow("officerHome", undefined, say(ctx.t("broadcast:reply.unknown")));
  if (reply.name === null) return startFlow("officerHome", undefined, say(ctx.t("broadcast:reply.gone")));
  return startFlow("answerReply", { replyId: id, name: reply.name });
}

/** "tra loi", "tl", "tra loi ho": the officer answers without the number shown. */
const BARE_ANSWER = /^(?:tl|tra ?loi)(?: (?:ho|di|nhe|ho ay|ho nay|ba con|lai))?$/;

/** "tra loi" with one reply waiting for this officer: that one. Null otherwise (a household's words stay theirs). */
async function answerTheOne(ctx: FlowContext): Promise<StepResult | null> {
  const officer = await ctx.services.officers.find(ctx.identity);
  if (!officer) return null;
  const waiting = await ctx.services.announcementReplies.unanswered(officer.id, ctx.now);
  return waiting.length === 1 ? startAnswer(ctx, waiting[0]) : null;
}

/** "TL 12", "tl12", "trả lời #12" → 12; anything else → null. */
export function replyNumber(text: string): number | null {
  const m = /^(?:tl|tra ?loi) ?#? ?(\d{1,9})$/.exec(fold(text).replace(/[^a-z0-9# ]/g, " ").replace(/\s+/g, " ").trim());
  return m ? Number(m[1]) : null;
}

/** The "Trả lời" button ("a.rep.<n>") and the words typed instead ("TL 12", "tra loi 12"). */
export const replyActions = {
  tap(id: string, ctx: FlowContext): Promise<StepResult | null> | null {
    const m = /^a\.rep\.(\d{1,9})$/.exec(id);
    return m ? startAnswer(ctx, Number(m[1])) : null;
  },

  keyword(text: string, ctx: FlowContext): Promise<StepResult | null> | null {
    const n = replyNumber(text);
    if (n !== null) return startAnswer(ctx, n);
    return BARE_ANSWER.test(fold(text).trim()) ? answerTheOne(ctx) : null;
  },
};

async function sendAnswer(ctx: FlowContext, officer: OfficerView, text: string): Promise<StepResult> {
  const replyId = ctx.data.replyId as number;
  const reply = await ctx.services.announcementReplies.forOfficer(replyId, officer.id, ctx.now);
  const to = reply ? await ctx.services.announcementReplies.householdChat(reply.householdId, (c) => ctx.canSendTo(c as OfficerView["channel"])) : null;
  if (!reply || !to) return startFlow("officerHome", undefined, say(ctx.t("broadcast:reply.gone")));
  ctx.notify(to, (t) => [say(t("broadcast:reply.fromOfficer", { from: senderLabel(officer.communes, ctx.provinceCode, t), text }))]);
  await ctx.services.announcementReplies.answered(reply.id, ctx.now);
  return startFlow("officerHome", undefined, say(ctx.t("broadcast:reply.sent", { name: ctx.data.name })));
}

export const answerReply: Flow = {
  id: "answerReply",
  first: "text",
  needsHousehold: false,
  cancelText: ({ t }) => t("broadcast:reply.notSent"),
  steps: {
    text: textStep({
      freeText: true,
      // Whatever the officer writes is the answer; "huỷ" and the other command words still work.
      fits: () => true,
      ask: (ctx) => say(ctx.t("broadcast:reply.ask", { name: ctx.data.name })),
      on: async (raw, ctx) => {
        const officer = await ctx.services.officers.find(ctx.identity);
        if (!officer) return done(say(ctx.t("broadcast:notOfficer")));
        const text = raw.trim();
        if (!/\p{L}|\p{N}/u.test(text)) return retry(say(ctx.t("broadcast:reply.empty")));
        if ([...text].length > ANSWER_MAX) return retry(say(ctx.t("broadcast:textTooLong", { length: [...text].length, max: ANSWER_MAX })));
        return sendAnswer(ctx, officer, text);
      },
    }),
  },
};
