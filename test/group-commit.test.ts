// Group commit (src/engine/group-commit.ts) on its own: what arrives together is committed together,
// a failed group is redone one by one, groups never exceed their size or their number in flight.
import { describe, expect, it } from "vitest";
import { GroupCommit } from "../src/engine/group-commit.ts";

function recorder(opts: { maxGroup?: number; concurrency?: number; failWhen?: (items: number[]) => boolean } = {}) {
  const groups: number[][] = [];
  const alone: number[] = [];
  const splits: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const commit = new GroupCommit<number, string>({
    together: async (items) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      groups.push(items);
      await new Promise((r) => setTimeout(r, 5));
      inFlight -= 1;
      if (opts.failWhen?.(items)) throw new Error("group failed");
      return items.map((i) => `together ${i}`);
    },
    alone: async (item) => {
      alone.push(item);
      return `alone ${item}`;
    },
    maxGroup: opts.maxGroup ?? 64,
    concurrency: opts.concurrency ?? 1,
    onSplit: (size) => splits.push(size),
  });
  return { commit, groups, alone, splits, maxInFlight: () => maxInFlight };
}

describe("group commit", () => {
  it("commits items that arrive in the same moment as one group, and a lone item alone", async () => {
    const r = recorder();
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => r.commit.run(i)));
    expect(results).toEqual(["together 1", "together 2", "together 3", "together 4", "together 5"]);
    expect(r.groups).toEqual([[1, 2, 3, 4, 5]]);
    expect(await r.commit.run(6)).toBe("alone 6");
    expect(r.alone).toEqual([6]);
  });

  it("forms the next group from what arrived while one was committing", async () => {
    const r = recorder();
    const first = [1, 2].map((i) => r.commit.run(i));
    await new Promise((resolve) => setImmediate(resolve)); // the first group has started
    const second = [3, 4, 5].map((i) => r.commit.run(i));
    await Promise.all([...first, ...second]);
    expect(r.groups).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it("redoes every item of a failed group on its own, in order", async () => {
    const r = recorder({ failWhen: (items) => items.includes(3) });
    const results = await Promise.all([1, 2, 3, 4].map((i) => r.commit.run(i)));
    expect(results).toEqual(["alone 1", "alone 2", "alone 3", "alone 4"]);
    expect(r.alone).toEqual([1, 2, 3, 4]);
    expect(r.splits).toEqual([4]);
  });

  it("keeps groups within their size and their number in flight", async () => {
    const r = recorder({ maxGroup: 4, concurrency: 2 });
    const items = Array.from({ length: 10 }, (_, i) => i);
    const results = await Promise.all(items.map((i) => r.commit.run(i)));
    expect(results).toEqual(items.map((i) => `together ${i}`));
    expect(r.groups.map((g) => g.length)).toEqual([4, 4, 2]);
    expect(r.groups.flat()).toEqual(items);
    expect(r.maxInFlight()).toBe(2);
  });
});
