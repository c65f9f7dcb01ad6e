// Cross-site form posts, refused two ways (neither alone is enough for a form anyone can fill in):
// - the browser names the page a post comes from (Origin, else Sec-Fetch-Site): a form on another
//   site is refused. The pages send `Referrer-Policy: no-referrer`, under which browsers send
//   `Origin: null` even for their own forms; then Sec-Fetch-Site tells.
// - a double-submit token: the form page sets a random value in a SameSite=Strict, HttpOnly cookie and
//   repeats it in a hidden field; a post must carry both, equal (compared in constant time). Another
//   site can neither read the cookie nor make the browser send it along.
// Kept per browser, not per page: the form page is not cached, the token is not a secret worth rotating.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";

export const FORM_TOKEN_FIELD = "csrf";
const COOKIE = "cho_form";
const TOKEN = /^[A-Za-z0-9_-]{32}$/;

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

/** The browser's form token (set in a cookie on `reply` when it has none yet), for the hidden field. */
export function issueFormToken(req: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  const kept = req.cookies?.[COOKIE];
  if (kept && TOKEN.test(kept)) return kept;
  const token = randomBytes(24).toString("base64url");
  reply.setCookie(COOKIE, token, { path: "/", httpOnly: true, sameSite: "strict", secure, maxAge: 30 * 86_400 });
  return token;
}

/** Does the posted field match the browser's cookie? */
export function formTokenMatches(req: FastifyRequest): boolean {
  const cookie = req.cookies?.[COOKIE];
  const field = (req.body as Record<string, unknown> | undefined)?.[FORM_TOKEN_FIELD];
  if (typeof cookie !== "string" || typeof field !== "string" || !TOKEN.test(cookie) || !TOKEN.test(field)) return false;
  return timingSafeEqual(Buffer.from(cookie), Buffer.from(field));
}
