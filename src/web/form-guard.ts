// Cross-site form posts, refused two ways (neither alone is enough for a form anyone can fill in):
// - the browser names the page a post comes from (Origin, else Sec-Fetch-Site): a form on another
//   site is refused. The pages send `Referrer-Policy: no-referrer`, under which browsers send
//   `Origin: null` even for their own forms; then Sec-Fetch-Site tells.
// - a form token (@fastify/csrf-protection, cookie mode): the form page keeps a random secret in a
//   SameSite=Strict, HttpOnly cookie and puts a token derived from it in a hidden field; a post must
//   carry a token that verifies against the cookie's secret. Another site can neither read the cookie
//   nor make the browser send it along.
// Kept per browser, not per page: the form page is not cached, the secret is not worth rotating.
import cookie from "@fastify/cookie";
import csrfProtection from "@fastify/csrf-protection";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

export const FORM_TOKEN_FIELD = "csrf";
const COOKIE = "cho_form";
/** what the plugin answers (through the error handler) for a post without a cookie or a good token */
const REFUSALS = new Set(["FST_CSRF_MISSING_SECRET", "FST_CSRF_INVALID_TOKEN"]);

/** Does the post come from this site's own pages? A request naming neither is not from a browser. */
export function fromOurPages(publicUrl: string): (req: FastifyRequest) => boolean {
  const ownOrigins = new Set([new URL(publicUrl).origin]);
  return (req) => {
    const origin = req.headers.origin;
    if (typeof origin === "string" && origin !== "null") return ownOrigins.has(origin) || origin === `${req.protocol}://${req.host}`;
    const site = req.headers["sec-fetch-site"];
    if (typeof site === "string") return site === "same-origin" || site === "none";
    return origin === undefined;
  };
}

/**
 * Form tokens for the routes of `app` (an encapsulated plugin: the token decorators stay in it).
 * `secure`: the cookie only goes over https (PUBLIC_URL is https).
 */
export async function registerFormTokens(app: FastifyInstance, o: { secure: boolean }): Promise<void> {
  if (!app.hasReplyDecorator("setCookie")) await app.register(cookie);
  await app.register(csrfProtection, {
    cookieKey: COOKIE,
    cookieOpts: { path: "/", httpOnly: true, sameSite: "strict", secure: o.secure, maxAge: 30 * 86_400 },
    // 24 random bytes, as the hand-written token had: browsers holding its cookie keep a sound secret.
    csrfOpts: { secretLength: 24 },
    // Our forms send the token in their hidden field, nowhere else.
    getToken: (req) => {
      const field = (req.body as Record<string, unknown> | undefined)?.[FORM_TOKEN_FIELD];
      return typeof field === "string" ? field : undefined;
    },
  });
}

/** The token for the form's hidden field (its cookie is set on `reply` when the browser has none yet). */
export function issueFormToken(reply: FastifyReply): string {
  return reply.generateCsrf();
}

/**
 * Route options that refuse a post from another site or without a good form token with `refused`'s
 * own page (rather than the plugin's 403 error). Other errors go on to the scope's error handler.
 */
export function formGuard(app: FastifyInstance, o: { publicUrl: string; refused: (reply: FastifyReply) => FastifyReply }) {
  const ours = fromOurPages(o.publicUrl);
  return {
    preHandler: [
      async (req: FastifyRequest, reply: FastifyReply) => {
        if (!ours(req)) return o.refused(reply);
      },
      app.csrfProtection,
    ],
    errorHandler: (err: { code?: string }, _req: FastifyRequest, reply: FastifyReply) => {
      if (typeof err.code === "string" && REFUSALS.has(err.code)) return o.refused(reply);
      throw err;
    },
  };
}
