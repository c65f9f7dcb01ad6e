// Waiting for an event in a test: resolves with the promise's value, or fails with `what` after a
// generous `ms`. For checks that something happens "promptly", the point is the event itself (e.g. a
// long poll of 300 s that ends within 20 s was woken, not timed out), never how many ms it took.
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not within ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
