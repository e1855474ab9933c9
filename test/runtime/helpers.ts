// helpers.ts: shared bits for runtime tests: fixture URLs, a supervisor config, waiting for pings (the clock and event
// waits are in test/support).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SupervisorConfig } from '../../src/runtime/config.js';
import type { ActorSpec, Runtime } from '../../src/runtime/runtime.js';
import { waitFor } from '../support/poll.js';

export function fixture(name: string): string {
  return new URL(`./fixtures/${name}.js`, import.meta.url).href;
}

export function tmpState(): string {
  return mkdtempSync(join(tmpdir(), 'rt-'));
}

export const supervisor: SupervisorConfig = {
  maxRestarts: 5,
  windowMs: 60_000,
  backoffInitialMs: 100,
  backoffMaxMs: 1000,
  bufferLimit: 16,
  requestTimeoutMs: 3000,
  startTimeoutMs: 10_000,
  maxOldGenerationSizeMb: 32,
  maxYoungGenerationSizeMb: 0,
};

/** Waits until pinger has had n answers; returns how many requests it took (each reply counts as 1 relayed message). */
export async function waitPings(rt: Runtime, n: number): Promise<number> {
  let asked = 0;
  await waitFor(
    async () => {
      asked++;
      return (await rt.request<{ ok: number }>('pinger', { type: 'pinger.count' })).ok >= n;
    },
    { timeoutMs: 5000, everyMs: 5, what: `${n} pings` },
  );
  return asked;
}

/**
 * The echo / pinger / crasher trio the fault tests run: the crasher fails on command, the other two keep exchanging.
 */
export function echoPingerCrasher(crasherOptions?: Record<string, unknown>): ActorSpec[] {
  return [
    { name: 'echo', moduleUrl: fixture('echo.actor') },
    { name: 'pinger', moduleUrl: fixture('pinger.actor') },
    { name: 'crasher', moduleUrl: fixture('crasher.actor'), ...(crasherOptions ? { options: crasherOptions } : {}) },
  ];
}
