// helpers.ts: shared bits for runtime tests: fixture URLs, a supervisor config, an immediate clock, waiting for events.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEmitter } from 'node:events';
import type { SupervisorConfig } from '../../src/runtime/config.js';
import type { ActorSpec, Runtime } from '../../src/runtime/runtime.js';
import type { Clock } from '../../src/clock.js';

export function fixture(name: string): string {
  return new URL(`./fixtures/${name}.js`, import.meta.url).href;
}

export function tmpState(): string {
  return mkdtempSync(join(tmpdir(), 'rt-'));
}

export const supervisor: SupervisorConfig = {
  maxRestarts: 5, windowMs: 60_000, backoffInitialMs: 100, backoffMaxMs: 1000, bufferLimit: 16,
  requestTimeoutMs: 3000, startTimeoutMs: 10_000, maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 0,
};

/** A clock whose timers fire on the next turn whatever the delay (records the delays asked for). */
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

export function once<T extends unknown[]>(em: EventEmitter, event: string, pred: (...a: T) => boolean = () => true, timeoutMs = 20_000): Promise<T> {
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

/** Waits until pinger has had n answers; returns how many requests it took (each reply counts as 1 relayed message). */
export async function waitPings(rt: Runtime, n: number): Promise<number> {
  for (let i = 1; i < 500; i++) {
    if ((await rt.request<{ ok: number }>('pinger', { type: 'pinger.count' })).ok >= n) return i;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('pings did not arrive');
}

/** The echo / pinger / crasher trio the fault tests run: the crasher fails on command, the other two keep exchanging. */
export function echoPingerCrasher(crasherOptions?: Record<string, unknown>): ActorSpec[] {
  return [
    { name: 'echo', moduleUrl: fixture('echo.actor') },
    { name: 'pinger', moduleUrl: fixture('pinger.actor') },
    { name: 'crasher', moduleUrl: fixture('crasher.actor'), ...(crasherOptions ? { options: crasherOptions } : {}) },
  ];
}
