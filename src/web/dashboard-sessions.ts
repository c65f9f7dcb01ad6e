// The officer's open sessions on /canbo ("Phiên đăng nhập"): when each began, in which browser, and a
// button that ends it (a POST checked for Origin, like logout). The current browser is marked.
import type { SessionView } from "../dashboard/auth.ts";
import { formatDateTime } from "../lang/datetime.ts";
import { html, type Html } from "./html.ts";
import type { Translate } from "./texts.ts";

export function sessionsCard(t: Translate, sessions: SessionView[], currentId: string | null): Html {
  const rows = sessions.map(
    (s) =>
      html`<li data-session="${s.id}"><strong>${t("dashboard:sessions.since", { when: formatDateTime(s.createdAt) })}</strong>${
        s.id === currentId ? html` <span class="muted">(${t("dashboard:sessions.current")})</span>` : null
      }<br><span class="muted">${s.userAgent || t("dashboard:sessions.unknownBrowser")}</span><form method="post" action="/canbo/phien/${s.id}/ket-thuc"><button type="submit">${t(
        "dashboard:sessions.end",
      )}</button></form></li>`,
  );
  return html`<div class="card"><h2>${t("dashboard:sessions.title")}</h2><p class="muted">${t("dashboard:sessions.hint")}</p><ul id="sessions">${rows}</ul></div>`;
}
