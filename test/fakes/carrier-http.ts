// Shared plumbing of the carrier fakes: a loopback JSON server and a webhook sender that retries.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Handler = (req: { method: string; path: string; query: URLSearchParams; headers: http.IncomingHttpHeaders; body: any }) => Promise<{ status?: number; json: unknown; delayMs?: number }>;

export async function jsonServer(handle: Handler): Promise<{ root: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? "/", "http://x");
    let body: unknown = null;
    try {
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : null;
    } catch {
      res.writeHead(400).end();
      return;
    }
    const out = await handle({ method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers: req.headers, body });
    if (out.delayMs) await new Promise((r) => setTimeout(r, out.delayMs));
    if (res.destroyed) return;
    res.writeHead(out.status ?? 200, { "content-type": "application/json;charset=UTF-8" }).end(JSON.stringify(out.json));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    root: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * POSTs like a carrier: again on anything but 200 (0: no answer at all), up to `tries` times, waiting
 * `backoffMs`, then twice that, and so on between tries; returns every answer's status.
 */
export async function deliverWebhook(url: string, body: unknown, headers: Record<string, string>, tries = 5, backoffMs = 0, timeoutMs?: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < tries; i++) {
    if (i > 0 && backoffMs > 0) await new Promise((r) => setTimeout(r, backoffMs * 2 ** (i - 1)));
    // A sender that gives up on a slow answer (status 0) and tries again, as a carrier does.
    const signal = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body), signal }).catch(() => null);
    statuses.push(res?.status ?? 0);
    await res?.arrayBuffer();
    if (res?.status === 200) break;
  }
  return statuses;
}

/** An unsigned JWT-shaped token whose payload carries `exp` (seconds), as the carriers' tokens do. */
export function fakeJwt(payload: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ alg: "HS256", typ: "JWT" })}.${part(payload)}.${Buffer.from(String(Math.random())).toString("base64url")}`;
}
