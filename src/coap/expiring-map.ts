// expiring-map.ts: a Map whose entries expire after a lifetime on the injected clock (lazy sweeping, size-capped).
import type { Clock } from '../clock.js';

export class ExpiringMap<V> {
  private readonly map = new Map<string, { value: V; expires: number }>();
  private lastSweep = 0;

  constructor(
    private readonly timers: Clock,
    private readonly lifetimeMs: number,
    private readonly maxEntries = 2000,
  ) {}

  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    if (e.expires <= this.timers.now()) {
      this.map.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: V, lifetimeMs = this.lifetimeMs): void {
    const now = this.timers.now();
    this.sweep(now);
    this.map.delete(key);
    this.map.set(key, { value, expires: now + lifetimeMs });
    // Oldest first (insertion order): drop them beyond the cap, a board's memory is a budget.
    while (this.map.size > this.maxEntries) {
      const first = this.map.keys().next();
      if (first.done === true) break;
      this.map.delete(first.value);
    }
  }

  /** The live values (expired ones skipped). */
  *values(): IterableIterator<V> {
    const now = this.timers.now();
    for (const e of this.map.values()) if (e.expires > now) yield e.value;
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }

  clear(): void {
    this.map.clear();
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 1000) return;
    this.lastSweep = now;
    for (const [k, e] of this.map) if (e.expires <= now) this.map.delete(k);
  }
}
