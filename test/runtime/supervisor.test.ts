// supervisor.test.ts: a crashing actor (throw, process.exit, out of memory) is restarted while two others keep talking.
import test from 'ava';
import { Runtime } from '../../src/runtime/runtime.js';
import { CrashPolicy } from '../../src/runtime/supervisor.js';
import type { Placement } from '../../src/runtime/config.js';
import { echoPingerCrasher, fixture, supervisor, tmpState } from './helpers.js';
import { immediateClock } from '../support/sim-timers.js';
import { onceEvent } from '../support/poll.js';

test('crash policy: exponential backoff, then give up after N crashes in the window', (t) => {
  const p = new CrashPolicy({ maxRestarts: 3, windowMs: 1000, backoffInitialMs: 100, backoffMaxMs: 300 });
  t.deepEqual(p.crashed(0), { action: 'restart', delayMs: 100, crashesInWindow: 1 });
  t.deepEqual(p.crashed(10), { action: 'restart', delayMs: 200, crashesInWindow: 2 });
  t.deepEqual(p.crashed(20), { action: 'restart', delayMs: 300, crashesInWindow: 3 });
  t.is(p.crashed(30).action, 'give-up');
  // outside the window the count starts again
  t.deepEqual(
    new CrashPolicy({ maxRestarts: 1, windowMs: 100, backoffInitialMs: 5, backoffMaxMs: 50 }).crashed(0).action,
    'restart',
  );
  const q = new CrashPolicy({ maxRestarts: 1, windowMs: 100, backoffInitialMs: 5, backoffMaxMs: 50 });
  q.crashed(0);
  t.is(q.crashed(500).action, 'restart');
});

for (const placement of ['per-actor', { groups: [['echo', 'pinger'], ['crasher']] }] as Placement[]) {
  test(`throw, exit and OOM are each restarted while echo and pinger keep exchanging (${JSON.stringify(placement)})`, async (t) => {
    const clock = immediateClock();
    const rt = new Runtime({
      actors: echoPingerCrasher(),
      placement,
      supervisor,
      stateDir: tmpState(),
      clock,
      logLevel: 'silent',
    });
    const crashes: string[] = [];
    rt.on('crash', (name: string, err: { code: string }) => crashes.push(`${name}:${err.code}`));
    try {
      await rt.start();
      let last = (await rt.request<{ ok: number; failed: number }>('pinger', { type: 'pinger.count' })).ok;
      for (const kind of ['throw', 'exit', 'oom']) {
        const restarted = onceEvent(rt, 'ready', (n: string) => n === 'crasher');
        rt.send('crasher', { type: `crash.${kind}` });
        await restarted;
        const c = await rt.request<{ ok: number; failed: number }>('pinger', { type: 'pinger.count' });
        t.true(c.ok > last, `pinger kept getting answers across the ${kind} crash`);
        t.is(c.failed, 0);
        last = c.ok;
      }
      t.is(await rt.request('crasher', { type: 'crasher.starts' }), 4);
      t.deepEqual(
        crashes.map((c) => c.split(':')[0]),
        ['crasher', 'crasher', 'crasher'],
      );
      t.deepEqual(clock.delays, [100, 200, 400]);
      t.is(rt.stateOf('echo'), 'running');
    } finally {
      await rt.stop();
    }
  });
}

test('gives up with ACTOR_GAVE_UP after maxRestarts; requests to it are rejected with ACTOR_UNAVAILABLE', async (t) => {
  const rt = new Runtime({
    actors: [
      { name: 'echo', moduleUrl: fixture('echo.actor') },
      { name: 'crasher', moduleUrl: fixture('crasher.actor'), options: { failOnCreate: true } },
    ],
    placement: 'per-actor',
    supervisor: { ...supervisor, maxRestarts: 2 },
    stateDir: tmpState(),
    clock: immediateClock(),
    logLevel: 'silent',
  });
  const gaveUp = onceEvent<[string, { code: string; message: string }]>(rt, 'gave-up');
  try {
    const started = rt.start();
    const [name, err] = await gaveUp;
    t.is(name, 'crasher');
    t.is(err.code, 'ACTOR_GAVE_UP');
    t.regex(err.message, /crasher gave up after 3 crashes/);
    await t.throwsAsync(started, { code: 'ACTOR_GAVE_UP' } as never);
    await t.throwsAsync(rt.request('crasher', { type: 'x' }), { code: 'ACTOR_UNAVAILABLE' } as never);
    t.deepEqual(await rt.request('echo', { type: 'echo.count' }), { messages: 0, name: 'echo' });
  } finally {
    await rt.stop();
  }
});

test('messages to a restarting actor are buffered and delivered once it is back', async (t) => {
  let release: (() => void) | undefined;
  const clock = {
    now: () => 0,
    setTimeout: (fn: () => void) => {
      release = fn;
      return 1;
    },
    clearTimeout: () => undefined,
  };
  const rt = new Runtime({
    actors: [{ name: 'crasher', moduleUrl: fixture('crasher.actor') }],
    placement: 'per-actor',
    supervisor: { ...supervisor, bufferLimit: 1 },
    stateDir: tmpState(),
    clock,
    logLevel: 'silent',
  });
  try {
    await rt.start();
    const crashed = onceEvent(rt, 'crash');
    rt.send('crasher', { type: 'crash.throw' });
    await crashed;
    t.is(rt.stateOf('crasher'), 'restarting');
    const buffered = rt.request('crasher', { type: 'crasher.starts' });
    await t.throwsAsync(rt.request('crasher', { type: 'crasher.starts' }), { code: 'ACTOR_UNAVAILABLE' } as never);
    release?.();
    t.is(await buffered, 2);
  } finally {
    await rt.stop();
  }
});
