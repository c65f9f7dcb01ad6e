// Public links to the web pages, for messages sent in chat (the household's shop link). Flows have no
// config, so the base is set once by createApp: PUBLIC_URL, else http://HOST:PORT.

let base = "http://127.0.0.1:3000";

export function setPublicBaseUrl(url: string): void {
  base = url.replace(/\/+$/, "");
}

export const publicBaseUrl = () => base;

export const shopPath = (slug: string) => `/s/${encodeURIComponent(slug)}`;
export const statusPath = (token: string) => `/don/${encodeURIComponent(token)}`;

/** The household's shop page, to share with customers. */
export const shopUrl = (slug: string) => `${base}${shopPath(slug)}`;

/** The buyer's order status page. */
export const statusUrl = (token: string) => `${base}${statusPath(token)}`;
