// A webhook answers once the update's turn is committed (its replies are then in the outbox and a crash
// loses nothing: a platform that got no answer sends the update again, and the engine dedupes it), but
// never later than the platforms wait: past that, the answer goes out and the turn goes on.

/** how long a webhook's answer waits for the turn's commit at most (Zalo waits about 2 s, then retries) */
export const ACK_WAIT_MS = 1500;

/** Resolves when `work` settles or `ms` have passed, whichever comes first; never rejects. */
export async function settledWithin(work: Promise<unknown>, ms = ACK_WAIT_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
