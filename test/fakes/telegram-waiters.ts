// Waiting in tests of the fake Telegram server: a test waits for a condition on what the bot did, and
// the server re-checks every condition after each request and update instead of the test polling on a
// timer, so a wait ends as soon as it can. A wait that times out says what the bot was last doing.
import type { Call, WaitOptions } from "./telegram-types.ts";

export class Waiters {
  private readonly waiting = new Set<{ check(): void; fail(e: Error): void }>();

  /** `calls` is the server's live request log, quoted when a wait times out. */
  constructor(private readonly calls: Call[]) {}

  /** Resolves with the predicate's first truthy value; re-checked on every notify(). */
  waitFor<T>(predicate: () => T | false | null | undefined, opts: WaitOptions = {}): Promise<T> {
    const timeoutMs = opts.timeoutMs ?? 5000;
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        check: () => {
          try {
            const value = predicate();
            if (value) finish(() => resolve(value));
          } catch (e) {
            finish(() => reject(e));
          }
        },
        fail: (e: Error) => finish(() => reject(e)),
      };
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.waiting.delete(waiter);
        settle();
      };
      const timer = setTimeout(() => {
        const what = opts.describe?.() ?? "waitFor: condition not met";
        waiter.fail(new Error(`${what} (waited ${timeoutMs} ms)\nLast bot calls:\n${this.describeCalls()}`));
      }, timeoutMs);
      this.waiting.add(waiter);
      waiter.check();
    });
  }

  /** Something changed: re-checks every wait. */
  notify(): void {
    for (const w of [...this.waiting]) w.check();
  }

  /** Ends every wait with an error saying why. */
  failAll(message: string): void {
    for (const w of [...this.waiting]) w.fail(new Error(message));
  }

  private describeCalls(): string {
    const lines = this.calls.slice(-15).map((c) => {
      const text = c.body.text ?? c.body.caption;
      return `  ${c.method}${c.body.chat_id !== undefined ? ` chat=${c.body.chat_id}` : ""}${text !== undefined ? ` ${JSON.stringify(text)}` : ""} → ${c.status ?? "pending"}`;
    });
    return lines.join("\n") || "  (none)";
  }
}
