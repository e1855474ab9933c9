// poll.ts: polls an async probe until its value is acceptable or a (wall-clock) deadline passes; returns the last value for the test to assert on.
export async function pollUntil<T>(f: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Resolves with what `find` returns, now or at one of the later `waiters` wake-ups (the owner calls every function in
 * the set when something arrives); rejects with `timeoutError()` after timeoutMs.
 */
export function waitUntilFound<T>(waiters: Set<() => void>, find: () => T | undefined, timeoutMs: number, timeoutError: () => Error): Promise<T> {
  const hit = find();
  if (hit !== undefined) return Promise.resolve(hit);
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const h = find();
      if (h === undefined) return;
      clearTimeout(timer);
      waiters.delete(check);
      resolve(h);
    };
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(timeoutError());
    }, timeoutMs);
    waiters.add(check);
  });
}
