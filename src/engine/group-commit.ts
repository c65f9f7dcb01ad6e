// Group commit: turns that are ready at the same moment (a poll brought 100 updates, a burst of
// webhooks) are committed together, in one transaction, instead of one transaction each. What a
// transaction costs (begin, commit, the file sync, the engine's own reads and writes, which become one
// statement for the whole group) is then paid once per group. Under light load a group is one turn,
// so nobody waits for company.
//
// A group either commits whole or not at all. When it fails for any reason (a redelivered update, a
// conversation another instance moved on, a flow that throws), nothing of it was saved, and each of
// its turns runs again on its own, where each of those cases has its own answer (duplicate, retry on
// the fresh state, apology). Turns only write to the database, so running one again repeats nothing
// outside it.
//
// At most `concurrency` groups run at a time (one on SQLite, which has one writer; a few on
// PostgreSQL, so one group's round trips overlap another's); the next forms while they run. Messages of one chat are never in the same
// group (the engine queues them per chat and hands over the next only when the previous committed).

export interface GroupCommitOptions<I, R> {
  /** runs the whole group in one transaction; throws if any part fails (nothing is saved then) */
  together(items: I[]): Promise<R[]>;
  /** runs one item on its own, never throws */
  alone(item: I): Promise<R>;
  /** largest group */
  maxGroup: number;
  /** groups in flight at once */
  concurrency: number;
  /** told when a group failed and its items run one by one */
  onSplit?(size: number, error: unknown): void;
}

export class GroupCommit<I, R> {
  private readonly ready: Array<{ item: I; resolve: (result: R) => void }> = [];
  private running = 0;

  constructor(private readonly opts: GroupCommitOptions<I, R>) {}

  /** Resolves with the item's result once its group (or, after a failed group, the item alone) committed. */
  run(item: I): Promise<R> {
    return new Promise((resolve) => {
      this.ready.push({ item, resolve });
      this.next();
    });
  }

  private next(): void {
    if (this.running >= this.opts.concurrency || this.ready.length === 0) return;
    this.running += 1;
    // One turn of the event loop first, so the rest of what arrived together (one poll's updates,
    // which are handed over in a loop) joins this group.
    setImmediate(() => void this.runGroup());
    this.next();
  }

  private async runGroup(): Promise<void> {
    const group = this.ready.splice(0, this.opts.maxGroup);
    if (group.length === 0) {
      // an earlier group of the same moment took everything
      this.running -= 1;
      return;
    }
    try {
      if (group.length > 1) {
        const results = await this.opts.together(group.map((g) => g.item)).catch((error: unknown) => {
          this.opts.onSplit?.(group.length, error);
          return null;
        });
        if (results) {
          group.forEach((g, i) => g.resolve(results[i]));
          return;
        }
      }
      for (const g of group) g.resolve(await this.opts.alone(g.item));
    } finally {
      this.running -= 1;
      this.next();
    }
  }
}
