// "/thongbao": an extension officer writes an announcement and sends it to households.
//   recent announcements (stop one still sending) → text (or photo with caption) → photo (optional)
//   → audience: all in scope | chosen communes (search, several) | households selling a product
//   → channel → count + preview exactly as households see it → send now | schedule | test to me | discard.
// The role is looked up on the server at the start and again before anything is sent.
// Also here: the command hooks for /canbo, /thongbao, TAT and BAT (registered in flows/index.ts).
import { announcementText, senderLabel } from "../src/broadcast/announcement.ts";
import { inScope, type Audience, type Report, type Scope } from "../src/broadcast/store.ts";
import type { OfficerView } from "../src/broadcast/officers.ts";
import type { CommandHandler } from "../src/engine/turn.ts";
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
  type Flow,
  type FlowContext,
  type StepResult,
} from "../src/engine/flow.ts";
import type { ChannelName } from "../src/engine/message.ts";
import { getCommune, searchCommunes } from "../src/lang/communes.ts";
import { formatDateTime, parseDateTime } from "../src/lang/datetime.ts";
import { fold } from "../src/lang/normalize.ts";

/** Longest announcement accepted; longer texts are split per channel (Zalo: 2000, Telegram: 4096). */
export const ANNOUNCEMENT_MAX = 4000;
const SCHEDULE_MAX_DAYS = 30;
const BROADCAST_CHANNELS: ChannelName[] = ["telegram", "zalo", "zalo_oa"];

interface Draft {
  text?: string;
  photo?: { ref: string; channel: string } | null;
  communes: string[];
  productId: string | null;
  channels: ChannelName[];
  matches?: string[];
}

const draft = (ctx: FlowContext) => ctx.data as unknown as Draft;

async function officerOf(ctx: FlowContext): Promise<OfficerView | null> {
  return ctx.services.officers.find(ctx.identity);
}

const scopeOf = (ctx: FlowContext, o: OfficerView): Scope => ({ provinceCode: ctx.provinceCode, communes: o.communes });

const audienceOf = (d: Draft): Audience => ({ communes: d.communes, productId: d.productId, channels: d.channels });

const communeNames = (codes: string[]) => codes.map((c) => getCommune(c)?.name ?? c).join(", ");

function statusLine(ctx: FlowContext, r: Report): string {
  const { t } = ctx;
  const percent = r.total ? Math.floor(((r.total - r.pending) * 100) / r.total) : 0;
  const status =
    r.status === "scheduled"
      ? t("broadcast:status.scheduled", { when: formatDateTime(r.scheduledAt) })
      : r.status === "sending"
        ? t("broadcast:status.sending", { percent: Math.min(100, percent) })
        : r.status === "done"
          ? t("broadcast:status.done", { ...r })
          : r.status === "cancelled"
            ? t("broadcast:status.cancelled", { ...r })
            : t("broadcast:status.preparing");
  return t("broadcast:listItem", { number: r.number, date: formatDateTime(r.scheduledAt), status });
}

/** Where this officer can send: only channels running in this deployment. */
const channelsFor = (ctx: FlowContext) => BROADCAST_CHANNELS.filter((c) => ctx.canSendTo(c));

export const announce: Flow = {
  id: "announce",
  first: "home",
  needsHousehold: false,
  cancelText: ({ t }) => t("broadcast:discarded"),
  steps: {
    home: buttonsStep({
      ask: async (ctx) => {
        const officer = await officerOf(ctx);
        const recent = officer ? await ctx.services.broadcasts.recent(officer.id) : [];
        const text = recent.length
          ? ctx.t("broadcast:home", { list: recent.map((r) => statusLine(ctx, r)).join("\n") })
          : ctx.t("broadcast:homeEmpty");
        const stoppable = recent.filter((r) => r.status === "scheduled" || r.status === "preparing" || r.status === "sending");
        return say(text, {
          choices: column(
            choice("new", ctx.t("broadcast:new")),
            ...stoppable.map((r) => choice(`stop.${r.number}`, ctx.t("broadcast:stop", { number: r.number }))),
          ),
        });
      },
      on: async (id, ctx) => {
        const officer = await officerOf(ctx);
        if (!officer) return done(say(ctx.t("broadcast:notOfficer")));
        if (id === "new") {
          Object.assign(ctx.data, { communes: [], productId: null, channels: channelsFor(ctx) } satisfies Draft);
          return next("text");
        }
        const number = Number(/^stop\.(\d+)$/.exec(id)?.[1]);
        const row = await ctx.services.broadcasts.byNumber(number);
        if (!row || !(await ctx.services.broadcasts.cancel(row.id, officer.id))) return done(say(ctx.t("broadcast:notStoppable")));
        return done(say(ctx.t("broadcast:stopped", { number })));
      },
    }),

    text: {
      accepts: ["text", "photo"],
      freeText: true,
      // Whatever the officer writes here is the announcement ("Tin giá hồi tuần này." is no question);
      // "huỷ" and the other command words still work.
      fits: () => true,
      ask: ({ t }) => say(t("broadcast:askText")),
      answer: (input, ctx) => {
        const d = draft(ctx);
        if (input.kind === "photo") {
          d.photo = { ref: input.ref, channel: ctx.identity.channel };
          if (!input.caption?.trim()) return next("text");
          return takeText(ctx, input.caption, "audience");
        }
        if (input.kind !== "text") return retry();
        return takeText(ctx, input.text, d.photo ? "audience" : "photo");
      },
    },

    photo: {
      accepts: ["photo", "choice"],
      ask: ({ t }) => say(t("broadcast:askPhoto"), { choices: column(choice("none", t("broadcast:noPhoto"), "no", "done")) }),
      answer: (input, ctx) => {
        if (input.kind === "photo") draft(ctx).photo = { ref: input.ref, channel: ctx.identity.channel };
        else draft(ctx).photo = null;
        return next("audience");
      },
    },

    audience: buttonsStep({
      ask: ({ t }) =>
        say(t("broadcast:askAudience"), {
          choices: column(
            choice("all", t("broadcast:audienceAll")),
            choice("communes", t("broadcast:audienceCommunes")),
            choice("product", t("broadcast:audienceProduct")),
          ),
        }),
      on: (id, ctx) => {
        const d = draft(ctx);
        d.communes = [];
        d.productId = null;
        if (id === "communes") return next("commune");
        if (id === "product") return next("product");
        return afterAudience(ctx);
      },
    }),

    commune: textStep({
      freeText: true,
      ask: (ctx) => {
        const d = draft(ctx);
        if (d.communes.length === 0) return say(ctx.t("broadcast:askCommune"));
        return say(ctx.t("broadcast:askMoreCommunes", { communes: communeNames(d.communes) }), {
          choices: column(choice("done", ctx.t("broadcast:communesDone"), "yes", "done")),
        });
      },
      on: (text, ctx) => searchCommune(ctx, text),
      onChoice: (id, ctx) => (draft(ctx).communes.length ? afterAudience(ctx) : retry()),
    }),

    communePick: {
      accepts: ["choice", "text"],
      ask: (ctx) => {
        const matches = draft(ctx).matches ?? [];
        const one = matches.length === 1 ? (["yes"] as const) : [];
        return say(ctx.t("broadcast:pickCommune"), { choices: column(...matches.map((c) => choice(c, getCommune(c)?.name ?? c, ...one))) });
      },
      answer: async (input, ctx) => {
        const d = draft(ctx);
        // A typed name that is none of the options (those are matched before) is a new search.
        if (input.kind === "text") return searchCommune(ctx, input.text);
        if (input.kind !== "choice" || !(d.matches ?? []).includes(input.id)) return retry();
        const officer = await officerOf(ctx);
        if (!officer) return done(say(ctx.t("broadcast:notOfficer")));
        if (officer.communes.length && !officer.communes.includes(input.id)) return retry(say(ctx.t("broadcast:outOfScope")));
        if (!d.communes.includes(input.id)) d.communes.push(input.id);
        d.matches = undefined;
        return next("commune");
      },
    },

    product: textStep({
      fits: (text, ctx) => findProduct(ctx, text) !== undefined,
      ask: (ctx) =>
        say(ctx.t("broadcast:askProduct"), {
          choices: column(...ctx.catalog.items.slice(0, 8).map((p) => choice(p.id, p.name))),
        }),
      on: (text, ctx) => {
        const item = findProduct(ctx, text);
        if (!item) return retry(say(ctx.t("broadcast:productNotFound", { query: text.trim().slice(0, 40) })));
        draft(ctx).productId = item.id;
        return afterAudience(ctx);
      },
      onChoice: (id, ctx) => {
        if (!ctx.catalog.byId(id)) return retry();
        draft(ctx).productId = id;
        return afterAudience(ctx);
      },
    }),

    channel: buttonsStep({
      ask: (ctx) => {
        const channels = channelsFor(ctx);
        return say(ctx.t("broadcast:askChannel"), {
          choices: column(
            ...channels.map((c) => choice(c, ctx.t(`broadcast:channelName.${c}`))),
            choice("both", ctx.t(channels.length > 2 ? "broadcast:channelAll" : "broadcast:channelBoth")),
          ),
        });
      },
      on: (id, ctx) => {
        const available = channelsFor(ctx);
        draft(ctx).channels = id === "both" ? available : available.filter((c) => c === id);
        return draft(ctx).channels.length ? next("preview") : retry();
      },
    }),

    preview: buttonsStep({
      ask: async (ctx) => {
        const d = draft(ctx);
        const officer = await officerOf(ctx);
        const count = officer ? await ctx.services.broadcasts.countRecipients(audienceOf(d), scopeOf(ctx, officer)) : 0;
        const shown = announcementText(d.text ?? "", ctx.t, officer ? senderLabel(officer.communes, ctx.provinceCode, ctx.t) : undefined);
        return [
          say(ctx.t(count ? "broadcast:count" : "broadcast:countNone", { count })),
          say(ctx.t("broadcast:previewTitle")),
          say(d.photo ? `${ctx.t("broadcast:withPhoto")}\n${shown}` : shown),
          say(ctx.t("broadcast:askSend"), {
            choices: column(
              ...(count ? [choice("now", ctx.t("broadcast:sendNow"), "yes", "done"), choice("later", ctx.t("broadcast:schedule"))] : []),
              choice("test", ctx.t("broadcast:testSend")),
              choice("discard", ctx.t("broadcast:discard"), "no"),
            ),
          }),
        ];
      },
      on: async (id, ctx) => {
        if (id === "discard") return done(say(ctx.t("broadcast:discarded")));
        if (id === "later") return next("when");
        if (id === "test") {
          const made = await create(ctx, ctx.now, true);
          return typeof made === "object" ? made : next("preview", say(ctx.t("broadcast:testSent")));
        }
        if (id === "now") {
          const made = await create(ctx, ctx.now);
          return typeof made === "number" ? done(say(ctx.t("broadcast:queued", { number: made }))) : made;
        }
        return retry();
      },
    }),

    when: textStep({
      fits: (text, ctx) => parseDateTime(text, ctx.now) !== null,
      ask: ({ t }) => say(t("broadcast:askWhen")),
      on: async (text, ctx) => {
        const at = parseDateTime(text, ctx.now);
        if (!at) return retry(say(ctx.t("broadcast:whenInvalid")));
        if (at.getTime() <= ctx.now.getTime()) return retry(say(ctx.t("broadcast:whenPast")));
        if (at.getTime() - ctx.now.getTime() > SCHEDULE_MAX_DAYS * 24 * 3600 * 1000) return retry(say(ctx.t("broadcast:whenTooFar")));
        const made = await create(ctx, at);
        return typeof made === "number" ? done(say(ctx.t("broadcast:scheduled", { number: made, when: formatDateTime(at) }))) : made;
      },
    }),
  },
};

/** The communes a typed name finds within the officer's scope, to pick from (or why there are none). */
async function searchCommune(ctx: FlowContext, text: string): Promise<StepResult> {
  const officer = await officerOf(ctx);
  if (!officer) return done(say(ctx.t("broadcast:notOfficer")));
  const hits = searchCommunes(ctx.provinceCode, text.trim().slice(0, 80), 6)
    .map((h) => h.commune.code)
    .filter((code) => officer.communes.length === 0 || officer.communes.includes(code));
  if (hits.length === 0) return retry(say(ctx.t("broadcast:communeNotFound", { query: text.trim().slice(0, 40) })));
  draft(ctx).matches = hits;
  return next("communePick");
}

function findProduct(ctx: FlowContext, text: string) {
  const q = fold(text).trim();
  return (
    ctx.catalog.items.find((p) => fold(p.name) === q || p.aliases.some((a) => fold(a) === q)) ??
    ctx.catalog.items.find((p) => fold(p.name).includes(q) && q.length >= 3)
  );
}

function takeText(ctx: FlowContext, raw: string, then: string): StepResult {
  const text = raw.trim();
  if (!text) return retry();
  if ([...text].length > ANNOUNCEMENT_MAX) {
    return retry(say(ctx.t("broadcast:textTooLong", { length: [...text].length, max: ANNOUNCEMENT_MAX })));
  }
  draft(ctx).text = text;
  return next(then);
}

/** Channel question only when there is a choice to make. */
function afterAudience(ctx: FlowContext): StepResult {
  const channels = channelsFor(ctx);
  if (channels.length <= 1) {
    draft(ctx).channels = channels;
    return next("preview");
  }
  return next("channel");
}

/** Check the role and the scope again, then save: the broadcast number, or what to say instead. */
async function create(ctx: FlowContext, at: Date, test = false): Promise<number | StepResult> {
  const officer = await officerOf(ctx);
  if (!officer) return done(say(ctx.t("broadcast:notOfficer")));
  const d = draft(ctx);
  const audience: Audience = test ? { communes: [], productId: null, channels: [ctx.identity.channel], test: true } : audienceOf(d);
  if (!inScope(audience, scopeOf(ctx, officer))) return done(say(ctx.t("broadcast:outOfScope")));
  const made = await ctx.services.broadcasts.create({
    officer: { id: officer.id, channel: ctx.identity.channel, chatKey: ctx.identity.chatKey, locale: ctx.locale },
    text: d.text ?? "",
    photo: d.photo ?? null,
    audience,
    scheduledAt: at,
  });
  return made.number;
}

// ---- command hooks: officer tools and the households' opt-out ----

const optOut: CommandHandler = async (ctx) => {
  if (!ctx.household) return [say(ctx.t("broadcast:optOutNoShop"))];
  await ctx.services.broadcasts.optOut(ctx.household.id);
  return [say(ctx.t("broadcast:optedOut"))];
};

const optIn: CommandHandler = async (ctx) => {
  if (!ctx.household) return [say(ctx.t("broadcast:optOutNoShop"))];
  await ctx.services.broadcasts.optIn(ctx.household.id);
  return [say(ctx.t("broadcast:optedIn"))];
};

/**
 * `/canbo <code>`: takes the role, then the officer menu (flows/officer-menu.ts). `/canbo` from an
 * officer opens the menu. A wrong or used code gets the same answer as any unknown command.
 */
const takeOfficerRole: CommandHandler = async (ctx, args) => {
  const officer = args.trim()
    ? await ctx.services.officers.redeem(args, { ...ctx.identity, name: ctx.displayName }, ctx.locale, ctx.now)
    : null;
  if (!officer) return (await officerOf(ctx)) ? startFlow("officerHome") : null;
  const scope = officer.communes.length
    ? ctx.t("broadcast:scopeCommunes", { communes: communeNames(officer.communes) })
    : ctx.t("broadcast:scopeProvince");
  return startFlow("officerHome", undefined, say(ctx.t("broadcast:officerWelcome", { scope })));
};

/** `/thongbao`: officers only; anyone else gets the usual "unknown command". */
const openAnnouncements: CommandHandler = async (ctx) => ((await officerOf(ctx)) ? startFlow("announce") : null);

export const broadcastCommands = {
  optOut,
  optIn,
  officer: takeOfficerRole,
  announce: openAnnouncements,
} satisfies Record<string, CommandHandler>;
