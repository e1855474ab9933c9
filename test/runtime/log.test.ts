// log.test.ts: pino lines written in a worker reach the main thread's destination, tagged with the actor's name.
import test from 'ava';
import { Runtime } from '../../src/runtime/runtime.js';
import { fixture, supervisor, tmpState } from './helpers.js';
import { immediateClock } from '../support/sim-timers.js';
import { waitFor } from '../support/poll.js';

test('worker log lines arrive on the main thread with the actor name', async (t) => {
  const lines: string[] = [];
  const orig = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const s = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    if (s.includes('hello from a worker')) {
      lines.push(s);
      return true;
    }
    return (orig as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
  };
  const rt = new Runtime({
    actors: [{ name: 'chatty', moduleUrl: fixture('logger.actor') }],
    placement: 'shared',
    supervisor,
    stateDir: tmpState(),
    clock: immediateClock(),
    logLevel: 'info',
  });
  try {
    await rt.start();
    await rt.request('chatty', { type: 'say', n: 7 });
    await waitFor(() => lines.length > 0, { timeoutMs: 1000, what: 'a log line' });
  } finally {
    await rt.stop();
    process.stderr.write = orig;
  }
  t.is(lines.length, 1);
  const entry = JSON.parse(lines[0]) as { actor: string; n: number; thread: string; msg: string };
  t.is(entry.actor, 'chatty');
  t.is(entry.n, 7);
  t.is(entry.thread, 'worker');
});
