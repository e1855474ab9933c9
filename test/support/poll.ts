// poll.ts: the kit's waits: poll a probe until it is acceptable, wait for a condition, a waiter wake-up or an event
// (all bounded), and the one named quiet period.
import type { EventEmitter } from 'node:events';

/** One macrotask turn (lets I/O callbacks and timers due now run); the poll step of the waits below. */
function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Polls an async probe until its value is acceptable or a (wall-clock) deadline passes; returns the last value for the
 * test to assert on.
 */
export async function pollUntil<T>(
  f: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (ok(v) || Date.now() > end) return v;
    await pause(everyMs);
  }
}

export interface WaitOptions {
  /** Wall-clock bound (default 5 s). */
  timeoutMs?: number;
  /** Poll step (default 10 ms). */
  everyMs?: number;
  /** Names the condition in the timeout error (or a function, called at timeout, e.g. to print the state). */
  what?: string | (() => string);
}

/**
 * Waits until `cond` holds (checked now, then every everyMs); throws `timed out waiting for <what>` after timeoutMs.
 */
export async function waitFor(cond: () => boolean | Promise<boolean>, opts: WaitOptions = {}): Promise<void> {
  const end = Date.now() + (opts.timeoutMs ?? 5000);
  while (!(await cond())) {
    if (Date.now() > end) {
      const what = typeof opts.what === 'function' ? opts.what() : (opts.what ?? 'condition');
      throw new Error(`timed out waiting for ${what}`);
    }
    await pause(opts.everyMs ?? 10);
  }
}

/**
 * Resolves with what `find` returns, now or at one of the later `waiters` wake-ups (the owner calls every function in
 * the set when something arrives); rejects with `timeoutError()` after timeoutMs.
 */
export function waitUntilFound<T>(
  waiters: Set<() => void>,
  find: () => T | undefined,
  timeoutMs: number,
  timeoutError: () => Error,
): Promise<T> {
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

/** Resolves with the arguments of the first `event` whose arguments pass `pred`; rejects after timeoutMs. */
export function onceEvent<T extends unknown[]>(
  em: EventEmitter,
  event: string,
  pred: (...a: T) => boolean = () => true,
  timeoutMs = 20_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      em.off(event, on);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const on = (...a: unknown[]): void => {
      if (!pred(...(a as T))) return;
      clearTimeout(timer);
      em.off(event, on);
      resolve(a as T);
    };
    em.on(event, on);
  });
}

/**
 * Resolves with `p`'s value, or with `fallback` if p has not settled after ms (e.g. 'still open after 3 s' for an
 * assertion).
 */
export function settledWithin<T, F>(p: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<F>((r) => {
    timer = setTimeout(() => r(fallback), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * Lets `ms` of real time pass with nothing to wait for: only where a test must prove that something does NOT happen
 * (no reply, no notification, no retransmission) over a real socket or process, or must let a real peer's own timer
 * run out. `reason` says which; a test that waits for something to happen uses waitFor / pollUntil / an event instead.
 */
export function quietPeriod(ms: number, reason: string): Promise<void> {
  if (reason.trim() === '') throw new Error('quietPeriod needs a reason');
  return pause(ms);
}
