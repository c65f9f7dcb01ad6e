// A background pass that runs once at a time: asked while it runs, it runs exactly once more after
// (a burst of asks coalesces into one), a timer asks every so often, and idle() waits for passes to end.
// Photo downloads, carrier calls and the order clock all work this way.
export class BackgroundPass {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pass: () => Promise<unknown>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Run now, or once more after the pass in progress. */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .then(() => undefined, this.onError)
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves once no pass is running (nor queued behind one). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  startTimer(everyMs: number): void {
    this.timer = setInterval(() => this.kick(), everyMs);
    this.timer.unref();
  }

  /** Stops the timer; resolves once a pass in progress has ended. */
  stop(): Promise<void> {
    clearInterval(this.timer);
    return this.idle();
  }
}
