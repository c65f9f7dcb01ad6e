// A minimal Telegram Bot API for the broadcast benchmark, in its own process so that it does not share
// the event loop with the dispatcher being measured. sendMessage only, plus an optional limit of N
// requests in any one second (answered 429 with retry_after, like the full fake in test/fakes).
//   node --import tsx bench/fake-bot-api.ts <perSecond|0>     prints the port, then serves
//   GET /stats → { sent, rejected, first, last }
import http from "node:http";

const limit = Number(process.argv[2] ?? 0);
let sent = 0;
let rejected = 0;
let first = 0;
let last = 0;
let messageId = 0;
const window: number[] = [];

const server = http.createServer((req, res) => {
  if (req.url === "/stats") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ sent, rejected, first, last }));
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const now = Date.now();
    if (limit > 0) {
      while (window.length && now - window[0] >= 1000) window.shift();
      if (window.length >= limit) {
        rejected++;
        const body = JSON.stringify({ ok: false, error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } });
        res.writeHead(429, { "content-type": "application/json" }).end(body);
        return;
      }
      window.push(now);
    }
    const p = JSON.parse(Buffer.concat(chunks).toString() || "{}") as { chat_id?: number | string; text?: string };
    sent++;
    if (!first) first = now;
    last = now;
    const result = { message_id: ++messageId, date: Math.floor(now / 1000), chat: { id: Number(p.chat_id), type: "private" }, text: p.text };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, result }));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  console.log((server.address() as { port: number }).port);
});
