// simulated.ts: in-memory GPIO chips (per thread): outputs and inputs on named lines, a change history, and drive() for
// tests and demos.
import type { GpioInput, GpioOutput } from './types.js';

export interface GpioChange {
  line: number;
  value: boolean;
  at: number;
}

/** A simulated chip: line number → level. Inspectable: `levels()`, `history`, `on(listener)`. */
export class SimulatedGpioChip {
  private readonly lines = new Map<number, boolean>();
  private readonly listeners = new Set<(c: GpioChange) => void>();
  readonly history: GpioChange[] = [];

  constructor(
    readonly name: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Sets a line's physical level (what a relay output or an external signal would do). */
  drive(line: number, value: boolean): void {
    this.lines.set(line, value);
    const c = { line, value, at: this.now() };
    this.history.push(c);
    if (this.history.length > 1000) this.history.shift();
    for (const l of this.listeners) l(c);
  }

  level(line: number): boolean | undefined {
    return this.lines.get(line);
  }

  levels(): Record<number, boolean> {
    return Object.fromEntries(this.lines);
  }

  on(listener: (c: GpioChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  output(line: number, activeLow = false): GpioOutput {
    let value: boolean | undefined;
    return {
      set: async (v: boolean) => {
        value = v;
        this.drive(line, activeLow ? !v : v);
      },
      get value() {
        return value;
      },
      close: async () => undefined,
    };
  }

  input(line: number, activeLow = false): GpioInput {
    return {
      read: async () => {
        const l = this.level(line) ?? false;
        return activeLow ? !l : l;
      },
      close: async () => undefined,
    };
  }
}

const chips = new Map<string, SimulatedGpioChip>();

/** The simulated chip of this name in this thread (created on first use). */
export function simulatedChip(name: string): SimulatedGpioChip {
  let c = chips.get(name);
  if (!c) {
    c = new SimulatedGpioChip(name);
    chips.set(name, c);
  }
  return c;
}
