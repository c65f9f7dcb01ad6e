// How late this process's event loop ran, and when. A fake server shares its event loop with the app
// under test: while the loop is held up (a busy machine, a long synchronous stretch of the app), requests
// the app made on time wait too, and then arrive together or late. The fakes forgive such bunching by
// what they measured here instead of by a fixed figure, so that their checks stay tight on a quiet
// machine and do not flake on a loaded one.
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

/** How often the loop is checked (ms); the histogram records each check's whole interval, this included. */
const RESOLUTION_MS = 10;
/** How long one histogram measures before it is read into a timed sample (ms). */
const SAMPLE_EVERY_MS = 100;
/** How long samples are kept (ms): longer than any period a fake asks about. */
const KEEP_MS = 120_000;

function startHistogram(): IntervalHistogram {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  return histogram;
}

export class LoopLag {
  /**
   * Two histograms, started one period apart, each read after two periods: a delay is recorded only
   * when the loop runs again, so a histogram read (or reset) just after the loop was held up would miss
   * it; the other one, still running, catches it.
   */
  private older: IntervalHistogram | undefined;
  private newer: IntervalHistogram = startHistogram();
  /** the longest delay of each histogram read, stamped with the time it was read */
  private readonly samples: Array<{ at: number; ms: number }> = [];
  private readonly timer: NodeJS.Timeout;

  constructor() {
    // unref: a forgotten fake must not keep the test process alive
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS).unref();
  }

  /**
   * The longest the loop ran late at any moment from `from` until now (ms since the epoch; result in
   * ms). A histogram read after `from` counts whole, so the figure errs on the generous side: a delay
   * can be counted up to two periods (200 ms) before it happened.
   */
  maxSince(from: number): number {
    let most = Math.max(this.older?.max ?? 0, this.newer.max) / 1e6; // the histograms still running
    for (let i = this.samples.length - 1; i >= 0 && this.samples[i].at > from; i--) most = Math.max(most, this.samples[i].ms);
    return Math.max(0, most - RESOLUTION_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.older?.disable();
    this.newer.disable();
  }

  private sample(): void {
    const now = Date.now();
    if (this.older) {
      this.samples.push({ at: now, ms: this.older.max / 1e6 });
      this.older.disable();
    }
    this.older = this.newer;
    this.newer = startHistogram();
    while (this.samples.length > 0 && this.samples[0].at < now - KEEP_MS) this.samples.shift();
  }
}
