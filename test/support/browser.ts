// Headless Chromium for the web page tests: Debian's `chromium` package driven by playwright-core
// (no browser download). CI installs the package (.ci/run, which sets CI=1); there a missing
// Chromium FAILS the browser tests (launchBrowser throws). Elsewhere they are skipped with a note,
// and nothing is installed from a test.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);
/** Running in CI (CI=1 / CI=true, as .ci/run and most CI services set it). */
export const inCI = !!process.env.CI && !/^(0|false|no)$/i.test(process.env.CI);
/** Skip the browser tests only outside CI; in CI they run, and fail without Chromium. */
export const skipBrowserTests = !hasChromium && !inCI;

/** The note printed where browser tests are skipped (call it at the top of a browser test file). */
export function noteIfSkipped(what: string): void {
  if (skipBrowserTests) console.warn(`${what} skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium). In CI (CI=1) they fail instead.`);
}

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Browser {
  context: BrowserContext;
  newPage(): Promise<Page>;
  /** console errors and failed requests seen on any page (a CSP violation shows up here) */
  problems: string[];
  close(): Promise<void>;
}

/** A fresh browser with its own throw-away profile. */
export async function launchBrowser(): Promise<Browser> {
  if (!hasChromium) {
    throw new Error(`no Chromium at ${CHROMIUM}: the browser tests need it${inCI ? " in CI (.ci/run installs Debian's chromium package)" : ""}; set CHROMIUM_PATH or apt-get install -y chromium`);
  }
  const profile = mkdtempSync(join(tmpdir(), "cho-so-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    locale: "vi-VN",
    viewport: { width: 390, height: 800 },
  });
  context.setDefaultTimeout(10_000);
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));
  };
  context.on("page", watch);
  for (const p of context.pages()) watch(p);
  return {
    context,
    problems,
    async newPage() {
      return context.newPage();
    },
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
