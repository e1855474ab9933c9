// poll.ts: polls an async probe until its value is acceptable or a (wall-clock) deadline passes; returns the last value for the test to assert on.
export async function pollUntil<T>(f: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
