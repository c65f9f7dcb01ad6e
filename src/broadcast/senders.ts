// How one announcement reaches one chat on each platform, for the dispatcher. These clients make
// exactly one HTTP request per call and never retry on their own: the dispatcher owns the policy
// (a 429 pauses the whole channel through the shared bucket, other failures put the row back), so
// it does not fight grammY's auto-retry, which stays on the interactive path (replies, notifications).
import { Api, GrammyError, HttpError } from "grammy";
import { splitText } from "../channels/shared/render.ts";
import { TELEGRAM_MAX_TEXT } from "../channels/telegram/render.ts";
import { ZaloApiError, ZaloClient, ZaloNetworkError, ZaloTimeoutError } from "../channels/zalo/client.ts";
import { renderZalo } from "../channels/zalo/render.ts";
import type { ChannelName } from "../engine/message.ts";
import type { TFunction } from "i18next";
import { announcementText, senderLabel } from "./announcement.ts";
import { tFor } from "../i18n/index.ts";
import type { Logger } from "../log.ts";

export interface Announcement {
  text: string;
  photo: { ref: string; channel: string } | null;
  /** the sending officer's scope, named above the text ("Cán bộ xã Thất Khê: …") */
  from?: { communes: string[]; provinceCode: string };
  /** a message to one chat (personal.ts: a price alert, a harvest reminder): the text is complete, its own way to stop included */
  alert?: true;
}

/** The announcement's text for one reader: sender, words, opt-out line. */
export function textFor(a: Announcement, t: TFunction): string {
  if (a.alert) return a.text;
  return announcementText(a.text, t, a.from ? senderLabel(a.from.communes, a.from.provinceCode, t) : undefined);
}

export type SendOutcome =
  | { ok: true }
  /** the person blocked the bot, left, or the chat does not exist: mark unreachable */
  | { ok: false; kind: "blocked"; detail: string }
  /** will not work by trying again (bad request) */
  | { ok: false; kind: "failed"; detail: string }
  /** try again later; `pauseMs`: the platform asked the whole bot to wait (429) */
  | { ok: false; kind: "retry"; detail: string; pauseMs?: number };

/** One API call; the dispatcher takes one rate-limit token before each. */
export type Part = (chatKey: string) => Promise<SendOutcome>;

export interface BroadcastSender {
  channel: ChannelName;
  /** the calls that deliver this announcement to a person speaking `locale` */
  parts(a: Announcement, locale: string): Part[];
}

const CAPTION_MAX = 1024;

export class TelegramBroadcastSender implements BroadcastSender {
  readonly channel = "telegram" as const;
  private readonly api: Api;

  constructor(token: string, apiRoot: string) {
    this.api = new Api(token, { apiRoot, timeoutSeconds: 20 });
  }

  parts(a: Announcement, locale: string): Part[] {
    const text = textFor(a, tFor(locale));
    // A Telegram file id works on Telegram only; a Zalo image is a URL, which Telegram fetches itself.
    const photo = a.photo && (a.photo.channel === "telegram" || /^https?:\/\//.test(a.photo.ref)) ? a.photo.ref : null;
    const calls: Part[] = [];
    let rest = text;
    if (photo) {
      const caption = text.length <= CAPTION_MAX ? text : undefined;
      calls.push((chat) => this.call(() => this.api.sendPhoto(chat, photo, caption ? { caption } : {})));
      if (caption) rest = "";
    }
    for (const piece of rest ? splitText(rest, TELEGRAM_MAX_TEXT) : []) {
      calls.push((chat) => this.call(() => this.api.sendMessage(chat, piece)));
    }
    return calls;
  }

  private async call(fn: () => Promise<unknown>): Promise<SendOutcome> {
    try {
      await fn();
      return { ok: true };
    } catch (err) {
      if (err instanceof GrammyError) {
        if (err.error_code === 429) {
          const after = err.parameters.retry_after ?? 5;
          return { ok: false, kind: "retry", detail: "429", pauseMs: after * 1000 };
        }
        if (err.error_code === 403 || /chat not found|user is deactivated/i.test(err.description)) {
          return { ok: false, kind: "blocked", detail: err.description };
        }
        if (err.error_code >= 500) return { ok: false, kind: "retry", detail: String(err.error_code) };
        return { ok: false, kind: "failed", detail: err.description };
      }
      if (err instanceof HttpError) return { ok: false, kind: "retry", detail: "network" };
      return { ok: false, kind: "retry", detail: String(err) };
    }
  }
}

export class ZaloBroadcastSender implements BroadcastSender {
  readonly channel = "zalo" as const;
  private readonly client: ZaloClient;

  constructor(
    token: string,
    apiRoot: string,
    log: Logger,
    /** Zalo's 429 has no retry_after: how long the channel rests after one */
    private readonly quotaPauseMs = 10_000,
    /** the chat channel found the token refused: nothing is sent (the rows wait), as its own 401 would say */
    private readonly channelStopped: () => boolean = () => false,
  ) {
    this.client = new ZaloClient({ token, apiRoot, log, timing: { maxAttempts: 1 } });
  }

  parts(a: Announcement, locale: string): Part[] {
    const t = tFor(locale);
    // Zalo sends images by URL only: a photo taken on Telegram is left out there (text only).
    const photo = a.photo && /^https?:\/\//.test(a.photo.ref) ? { ref: a.photo.ref } : undefined;
    return renderZalo({ text: textFor(a, t), photo }, t).map((part) => (chat: string) =>
      this.call(() =>
        part.kind === "text"
          ? this.client.sendMessage({ chat_id: chat, text: part.text })
          : this.client.sendPhoto({ chat_id: chat, photo: part.url, caption: part.caption }),
      ),
    );
  }

  private async call(fn: () => Promise<unknown>): Promise<SendOutcome> {
    if (this.client.stopped || this.channelStopped()) return { ok: false, kind: "retry", detail: "Zalo channel stopped (401)", pauseMs: 60_000 };
    try {
      await fn();
      return { ok: true };
    } catch (err) {
      if (err instanceof ZaloApiError) {
        if (err.code === 429) return { ok: false, kind: "retry", detail: "429", pauseMs: this.quotaPauseMs };
        if (err.code === 403) return { ok: false, kind: "blocked", detail: err.description };
        if (err.code === 401) return { ok: false, kind: "retry", detail: "401", pauseMs: 60_000 };
        if (err.code >= 500 || err.code === 408) return { ok: false, kind: "retry", detail: String(err.code) };
        return { ok: false, kind: "failed", detail: `${err.code} ${err.description}` };
      }
      if (err instanceof ZaloTimeoutError || err instanceof ZaloNetworkError) return { ok: false, kind: "retry", detail: "network" };
      return { ok: false, kind: "retry", detail: String(err) };
    }
  }
}
