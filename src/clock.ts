// clock.ts: the one Clock (wall time in ms and one-shot timers) every layer and plugin is given, so tests can run it on
// simulated time.

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's own clock and timers: a pending timer keeps the process (or worker) alive, as `setTimeout` does. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * The same clock whose timers never keep the process alive by themselves (CoAP retransmissions and exchange
 * lifetimes, AT command timeouts: their socket, port or pool is what keeps it up).
 */
export const backgroundClock: Clock = {
  ...realClock,
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
};
