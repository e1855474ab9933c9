// supervisor.ts: the restart policy: exponential backoff per crash, give up after N crashes within a window.
import type { SupervisorConfig } from './config.js';

export type CrashDecision =
  { action: 'restart'; delayMs: number; crashesInWindow: number } | { action: 'give-up'; crashesInWindow: number };

/** Tracks one actor's crash times and decides what to do about the next crash. Pure: the caller passes the time. */
export class CrashPolicy {
  private crashes: number[] = [];

  constructor(
    private readonly cfg: Pick<SupervisorConfig, 'maxRestarts' | 'windowMs' | 'backoffInitialMs' | 'backoffMaxMs'>,
  ) {}

  crashed(now: number): CrashDecision {
    this.crashes = this.crashes.filter((t) => now - t < this.cfg.windowMs);
    this.crashes.push(now);
    const n = this.crashes.length;
    if (n > this.cfg.maxRestarts) return { action: 'give-up', crashesInWindow: n };
    const delayMs = Math.min(this.cfg.backoffMaxMs, this.cfg.backoffInitialMs * 2 ** (n - 1));
    return { action: 'restart', delayMs, crashesInWindow: n };
  }
}
