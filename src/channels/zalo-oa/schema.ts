// Wire shapes of the Zalo Official Account API v3 and its webhook, validated with zod. Unknown fields
// are kept (looseObject) so that a new field on Zalo's side never breaks the bot; ids arrive as
// strings, numbers are accepted too. Sources: Zalo's SDKs and public integrations (see README).
import { z } from "zod";

const id = z.union([z.string().min(1), z.number()]).transform(String);
/** Zalo's numbers sometimes come as strings ("90000", timestamps in ms) */
const numeric = z.union([z.number(), z.string().regex(/^-?\d+$/).transform(Number)]);

/**
 * Every openapi.zalo.me answer: `{error: 0, message, data}` on success; failures come as HTTP 200 too,
 * with a negative `error` and no `data`.
 */
export const oaEnvelopeSchema = z.looseObject({
  error: numeric,
  message: z.string().optional(),
  data: z.unknown().optional(),
});
export type OaEnvelope = z.infer<typeof oaEnvelopeSchema>;

/** POST /v3.0/oa/message/cs → data */
export const oaSentSchema = z
  .looseObject({ message_id: id.optional(), user_id: id.optional(), sent_time: numeric.optional() })
  .optional()
  .transform((v) => v ?? {});

/** POST /v2.0/oa/upload/image → data */
export const oaUploadSchema = z.looseObject({ attachment_id: z.string().min(1) });

/** POST business.openapi.zalo.me/message/template (ZNS) → data: {msg_id, sent_time, quota?} */
export const znsSentSchema = z
  .looseObject({ msg_id: id.optional(), sent_time: numeric.optional() })
  .optional()
  .transform((v) => v ?? {});

/**
 * POST oauth.zaloapp.com/v4/oa/access_token: `{access_token, refresh_token, expires_in: "90000"}` (seconds,
 * as a string); a refusal has no access_token and says why in `error` / `error_name` / `error_description`.
 */
export const tokenAnswerSchema = z.union([
  z.looseObject({ access_token: z.string().min(1), refresh_token: z.string().min(1), expires_in: numeric }),
  z.looseObject({
    error: numeric.optional(),
    error_name: z.string().optional(),
    error_description: z.string().optional(),
  }),
]);

const textMessage = z.looseObject({ msg_id: id.optional(), text: z.string().optional() });
const attachmentsMessage = z.looseObject({
  msg_id: id.optional(),
  text: z.string().optional(),
  attachments: z.array(z.looseObject({ type: z.string().optional(), payload: z.unknown().optional() })).optional(),
});

/**
 * One webhook event. Common: `app_id`, `event_name`, `timestamp` (ms, a string), `user_id_by_app`.
 * Messages carry `sender.id` (the user, to reply to), `recipient.id` (the OA) and `message.msg_id`;
 * follow/unfollow carry `follower.id` and no sender.
 */
export const oaEventSchema = z.looseObject({
  app_id: id,
  event_name: z.string().min(1),
  timestamp: numeric,
  user_id_by_app: id.optional(),
  sender: z.looseObject({ id }).optional(),
  recipient: z.looseObject({ id }).optional(),
  follower: z.looseObject({ id }).optional(),
  message: z.union([textMessage, attachmentsMessage]).optional(),
});
export type OaEvent = z.infer<typeof oaEventSchema>;
