// The parts of a Telegram update the bot reads, validated with zod before anything looks inside
// (grammY trusts the shape; a body with `message: {a: 1}` or a numeric `callback_query.data` used to
// throw in the middle of a turn). Unknown fields are kept (looseObject): a new field on Telegram's side
// never breaks the bot. An update that does not fit is acknowledged and skipped by the channel.
import { z } from "zod";

const id = z.number().int();

const user = z.looseObject({
  id,
  is_bot: z.boolean().optional(),
  first_name: z.string(),
  last_name: z.string().optional(),
  language_code: z.string().max(35).optional(),
});

const chat = z.looseObject({ id, type: z.string() });

const message = z.looseObject({
  message_id: id,
  date: z.number().int().nonnegative(),
  chat,
  from: user.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  contact: z.looseObject({ phone_number: z.string().max(64), user_id: id.optional() }).optional(),
  photo: z
    .array(z.looseObject({ file_id: z.string().min(1).max(512), width: z.number().optional(), height: z.number().optional() }))
    .max(20)
    .optional(),
});

const callbackQuery = z.looseObject({
  id: z.string().min(1),
  from: user,
  message: z.looseObject({ chat }).optional(),
  data: z.string().max(64).optional(),
});

export const updateSchema = z.looseObject({
  update_id: z.number().int().nonnegative(),
  message: message.optional(),
  callback_query: callbackQuery.optional(),
});
export type TelegramUpdate = z.infer<typeof updateSchema>;

/** Where an update fails the shape, as field paths only (never the values: they are someone's message). */
export const problemPaths = (error: z.ZodError) => [...new Set(error.issues.map((i) => i.path.join(".") || "(update)"))].slice(0, 5);
