// idle-deadline.ts: a deadline counted in time this thread's event loop sat idle, so a busy or starved thread does not
// make a waiting task late.
import { performance } from 'node:perf_hooks';

/** The shortest re-check: a deadline that is nearly due is not polled in a tight loop. */
const MIN_RECHECK_MS = 10;

/**
 * Calls `expire` once this thread's event loop has been idle (waiting for I/O or timers) for `limitMs` in total since
 * the call; returns a cancel function. Time the thread spent running code (its own or a neighbour's: module
 * compiling, another actor's start) does not count, nor does a timer that fires late because the process was not
 * scheduled: a task that is only waiting runs out of time after about `limitMs`, one that is starved of CPU does not.
 */
export function idleDeadline(limitMs: number, expire: () => void): () => void {
  const base = performance.eventLoopUtilization();
  let timer: NodeJS.Timeout | undefined;
  const check = (): void => {
    const idle = performance.eventLoopUtilization(base).idle;
    if (idle >= limitMs) {
      timer = undefined;
      expire();
      return;
    }
    timer = setTimeout(check, Math.max(MIN_RECHECK_MS, limitMs - idle));
  };
  timer = setTimeout(check, limitMs);
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
}
