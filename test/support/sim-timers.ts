// sim-timers.ts: the kit's clocks: SimTimers (a simulated Clock, also usable as an xstate clock; `advance(ms)` fires
// due timers in order), xstate SimulatedClock helpers, and the runtime's immediate clock.
import type { SimulatedClock } from 'xstate';
import type { Clock } from '../../src/clock.js';

interface Due {
  at: number;
  fn: () => void;
}

/**
 * A simulated clock: nothing fires until the test advances it; then due timers fire in time order with promise chains
 * settled between them.
 */
export class SimTimers implements Clock {
  private t = 0;
  private seq = 0;
  private readonly due = new Map<number, Due>();
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.due.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.due.delete(h as number);
  }
  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.due.size;
  }
  /** Moves time forward, firing due timers in order (and letting I/O callbacks and promise chains run before each). */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      let next: [number, Due] | undefined;
      for (const e of this.due) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.due.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].fn();
    }
    this.t = end;
    await flush();
  }
}

/** Lets pending promise callbacks run (microtasks only: no I/O, no real timers). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/** Lets replies run: a few macrotask turns (setImmediate), each draining the microtasks too. */
export async function flush(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

/** The Clock interface over xstate's SimulatedClock, so a driver and its machine share one simulated clock. */
export function timersOf(clock: SimulatedClock): Clock {
  return {
    now: () => clock.now(),
    setTimeout: (fn, ms) => clock.setTimeout(fn, ms),
    clearTimeout: (h) => clock.clearTimeout(h as number),
  };
}

/**
 * Advances an xstate SimulatedClock in steps of `step` ms, letting promise chains run (`between`, default settle) after
 * each.
 */
export async function stepClock(
  clock: SimulatedClock,
  ms: number,
  step = 100,
  between: () => Promise<void> = settle,
): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.increment(Math.min(step, ms - t));
    await between();
  }
}

/**
 * A runtime clock whose timers fire on the next turn whatever the delay (records the delays asked for): restart
 * backoffs without waiting.
 */
export function immediateClock(): Clock & { delays: number[]; t: number } {
  const c = {
    t: 0,
    delays: [] as number[],
    now: () => c.t,
    setTimeout: (fn: () => void, ms: number) => {
      c.delays.push(ms);
      c.t += ms;
      return setImmediate(fn);
    },
    clearTimeout: (h: unknown) => clearImmediate(h as NodeJS.Immediate),
  };
  return c;
}
