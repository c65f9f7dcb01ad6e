// Announcements to the OA's followers, for the broadcast dispatcher (src/broadcast/service.ts), which
// owns pacing and retries: one API call per part, never retried here. Limits: Zalo allows about 4,000
// calls a minute per app (-32 beyond), and writes only to followers who interacted in the past 7 days
// (-230 / -232): those are counted as not reached, not marked unreachable (they may write tomorrow,
// and their order notices must still find them). A photo is uploaded once per announcement and sent by
// its attachment id; if that fails the text goes with a link to the photo.
import type { TFunction } from "i18next";
import { announcementText } from "../../broadcast/announcement.ts";
import type { Announcement, BroadcastSender, Part, SendOutcome } from "../../broadcast/senders.ts";
import { tFor } from "../../i18n/index.ts";
import type { Logger } from "../../log.ts";
import { OA_ERRORS, OaApiError, OaNetworkError, OaTimeoutError, type OaClient, type OaMessage } from "./client.ts";
import { imageBytes, OA_MAX_UPLOAD_BYTES } from "./images.ts";
import { splitForZalo } from "../zalo/render.ts";
import { OaTokenRefused, OaTokenUnavailable } from "./tokens.ts";
import { isOutsideWindow } from "./window.ts";

export class OaBroadcastSender implements BroadcastSender {
  readonly channel = "zalo_oa" as const;
  /** announcement photo → its upload (one per photo, shared by every recipient) */
  private readonly uploads = new Map<string, Promise<string | null>>();

  constructor(
    private readonly client: OaClient,
    private readonly log: Logger,
    /** true once the OA's token was refused: nothing can be sent until a restart */
    private readonly stopped: () => boolean,
  ) {}

  parts(a: Announcement, locale: string): Part[] {
    const t = tFor(locale);
    const text = a.alert ? a.text : announcementText(a.text, t);
    const photo = a.photo && /^https?:\/\//i.test(a.photo.ref) ? a.photo.ref : null;
    const calls: Part[] = [];
    if (photo) calls.push((chat) => this.call(async () => this.client.send(chat, await this.photoMessage(photo, t))));
    for (const piece of splitForZalo(text)) calls.push((chat) => this.call(() => this.client.send(chat, { text: piece })));
    return calls;
  }

  private async photoMessage(ref: string, t: TFunction): Promise<OaMessage> {
    let upload = this.uploads.get(ref);
    if (!upload) {
      upload = imageBytes(ref, OA_MAX_UPLOAD_BYTES)
        .then((image) => this.client.uploadImage(image))
        .catch((err) => {
          this.log.warn({ err: String(err).slice(0, 160) }, "announcement photo could not be uploaded to the OA; a link is sent instead");
          return null;
        });
      this.uploads.set(ref, upload);
    }
    const attachmentId = await upload;
    if (!attachmentId) return { text: t("zaloOa:photoLink", { url: ref }) };
    return { attachment: { type: "template", payload: { template_type: "media", elements: [{ media_type: "image", attachment_id: attachmentId }] } } };
  }

  private async call(fn: () => Promise<unknown>): Promise<SendOutcome> {
    if (this.stopped()) return { ok: false, kind: "retry", detail: "Zalo OA channel stopped (token refused)", pauseMs: 60_000 };
    try {
      await fn();
      return { ok: true };
    } catch (err) {
      if (isOutsideWindow(err)) return { ok: false, kind: "failed", detail: "outside the OA messaging window (no interaction for 7 days)" };
      if (err instanceof OaApiError) {
        if (err.code === OA_ERRORS.notFollower) return { ok: false, kind: "blocked", detail: err.description };
        if (err.code === OA_ERRORS.rateLimited) return { ok: false, kind: "retry", detail: "-32 rate limit", pauseMs: 60_000 };
        if (err.code === OA_ERRORS.outOfQuota) return { ok: false, kind: "retry", detail: "-211 out of quota", pauseMs: 15 * 60_000 };
        if (err.code >= 500) return { ok: false, kind: "retry", detail: String(err.code) };
        return { ok: false, kind: "failed", detail: `${err.code} ${err.description}`.slice(0, 120) };
      }
      if (err instanceof OaTokenRefused || err instanceof OaTokenUnavailable) return { ok: false, kind: "retry", detail: "OA token", pauseMs: 60_000 };
      if (err instanceof OaTimeoutError || err instanceof OaNetworkError) return { ok: false, kind: "retry", detail: "network" };
      return { ok: false, kind: "retry", detail: String(err).slice(0, 120) };
    }
  }
}
