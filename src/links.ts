// Public links to the web pages, for messages sent in chat (the household's shop link) and exports.
// The base belongs to each app (createApp: PUBLIC_URL, else http://HOST:PORT); flows read it from
// ctx.settings.publicUrl. It is not kept in this module: two apps in one process keep their own.

/** The address a deployment's pages are reached at, without a trailing slash. */
export function publicBaseUrl(config: { PUBLIC_URL?: string; HOST: string; PORT: number }): string {
  const url = config.PUBLIC_URL ?? `http://${config.HOST.includes(":") ? `[${config.HOST}]` : config.HOST}:${config.PORT}`;
  return url.replace(/\/+$/, "");
}

export const shopPath = (slug: string) => `/s/${encodeURIComponent(slug)}`;
export const statusPath = (token: string) => `/don/${encodeURIComponent(token)}`;

/** The household's shop page, to share with customers. */
export const shopUrl = (base: string, slug: string) => `${base}${shopPath(slug)}`;

/** The buyer's order status page. */
export const statusUrl = (base: string, token: string) => `${base}${statusPath(token)}`;

/** The price board (`/gia`), or one product's prices (`/gia/<product id>`). */
export const pricePath = (productId?: string) => (productId ? `/gia/${encodeURIComponent(productId)}` : "/gia");

/** The household's printable label for a pickup (an unguessable token, sent only to the household). */
export const labelPath = (token: string) => `/nhan/${encodeURIComponent(token)}`;
export const labelUrl = (base: string, token: string) => `${base}${labelPath(token)}`;
