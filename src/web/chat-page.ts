// GET /chat — the web chat simulator page: a phone-shaped chat holding the same conversation as
// Telegram, with real buttons. Plain JavaScript inline (about 2 kB); the texts come from the
// locales through data attributes, so the script itself is constant and allowed by its hash (CSP).
import { createHash } from "node:crypto";
import type { Translate } from "./texts.ts";
import { html, raw } from "./html.ts";
import { page } from "./layout.ts";
import { MAX_TEXT } from "./chat-channel.ts";

const CHAT_CSS = raw(`<style>
.phone{max-width:24rem;margin:0 auto;border:10px solid #222;border-radius:28px;background:#e5ddd5;display:flex;flex-direction:column;height:min(44rem,calc(100vh - 7rem))}
.top{display:flex;justify-content:space-between;align-items:center;background:#1d5e2c;color:#fff;padding:.5rem .8rem;border-radius:16px 16px 0 0;font-weight:700}
.top button{margin:0;padding:.3rem .6rem;background:#fff;color:#1d5e2c;font-size:.85rem}
#log{flex:1;overflow-y:auto;padding:.6rem;display:flex;flex-direction:column;gap:.4rem}
.msg{max-width:85%;padding:.45rem .65rem;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere;font-size:.95rem}
.bot{background:#fff;align-self:flex-start}
.me{background:#d9fdd3;align-self:flex-end}
.msg .row{display:flex;gap:.3rem;margin-top:.35rem}
.msg .row button{flex:1;margin:0;padding:.45rem;background:#f1f6ee;color:#1d5e2c;border:1px solid #b9c2b2;font-size:.9rem}
#f{display:flex;gap:.4rem;padding:.5rem;background:#f6f7f2;border-radius:0 0 16px 16px}
#f input{flex:1}
#f button{margin:0}
</style>`);

const SCRIPT = `(function(){
var d=document,log=d.getElementById("log"),form=d.getElementById("f"),input=d.getElementById("in"),st=d.getElementById("st"),K="choSoChat";
var s=localStorage.getItem(K),last=0,fresh=false;
if(!s||!/^[A-Za-z0-9_-]{16,64}$/.test(s)){var b=new Uint8Array(18);crypto.getRandomValues(b);s=btoa(String.fromCharCode.apply(null,b)).replace(/\\+/g,"-").replace(/\\//g,"_").replace(/=+$/,"");localStorage.setItem(K,s);fresh=true}
function bubble(c,t){var m=d.createElement("div");m.className="msg "+c;m.textContent=t;log.appendChild(m);log.scrollTop=log.scrollHeight;return m}
function show(r){st.hidden=true;(r.messages||[]).forEach(function(m){if(m.seq<=last)return;last=m.seq;var e=bubble("bot",m.text);(m.choices||[]).forEach(function(row){var w=d.createElement("div");w.className="row";row.forEach(function(c){var k=d.createElement("button");k.type="button";k.textContent=c.label;k.onclick=function(){send({choiceId:c.id},c.label)};w.appendChild(k)});e.appendChild(w)})});log.scrollTop=log.scrollHeight}
function fail(){st.hidden=false}
function json(r){if(!r.ok)throw new Error(String(r.status));return r.json()}
function send(what,shown){bubble("me",shown);what.session=s;what.after=last;fetch("/chat/api/send",{method:"POST",headers:{"content-type":"application/json"},body:JSON.stringify(what)}).then(json).then(show,fail)}
function poll(){fetch("/chat/api/poll?session="+s+"&after="+last).then(json).then(show,fail).then(function(){setTimeout(poll,d.hidden?15000:3000)})}
form.onsubmit=function(e){e.preventDefault();var v=input.value.trim();if(!v)return;input.value="";send({text:v},v)};
d.getElementById("restart").onclick=function(){localStorage.removeItem(K);location.reload()};
if(fresh)send({text:"/start"},"/start");
setTimeout(poll,fresh?3000:0);
})();`;

/** For the Content-Security-Policy header: only this script may run on the page. */
export const CHAT_SCRIPT_HASH = `'sha256-${createHash("sha256").update(SCRIPT).digest("base64")}'`;

export function renderChatPage(t: Translate): string {
  const body = html`<div class="phone"><div class="top"><span>${t("web:siteName")}</span><button type="button" id="restart">${t(
    "web:chat.restart",
  )}</button></div><div id="log" aria-live="polite"></div><form id="f" autocomplete="off"><input id="in" maxlength="${MAX_TEXT}" placeholder="${t(
    "web:chat.placeholder",
  )}" aria-label="${t("web:chat.placeholder")}"><button type="submit">${t("web:chat.send")}</button></form></div><p id="st" class="notice" hidden>${t(
    "web:chat.offline",
  )}</p><p class="muted">${t("web:chat.intro")}</p><script>${raw(SCRIPT)}</script>`;
  return page({ t, title: t("web:chat.title"), body, head: CHAT_CSS });
}
