// fault-boundary.test.ts: in a shared worker, an error an actor leaves uncaught (timer, interval, unhandled rejection)
// or a create that never finishes fails that actor alone; its neighbours run on.
import test from 'ava';
import { Runtime } from '../../src/runtime/runtime.js';
import type { WireError } from '../../src/errors.js';
import { echoPingerCrasher, fixture, supervisor, tmpState, waitPings } from './helpers.js';
import { immediateClock } from '../support/sim-timers.js';
import { onceEvent } from '../support/poll.js';

for (const [kind, expected] of [
  ['crash.timer', /uncaught exception in crasher: boom in a timer/],
  ['crash.interval', /uncaught exception in crasher: boom in an interval/],
  ['crash.reject', /unhandled rejection in crasher: rejected in a timer/],
] as const) {
  test(`shared worker: ${kind} fails only the actor that scheduled it`, async (t) => {
    const rt = new Runtime({
      actors: echoPingerCrasher(),
      placement: 'shared',
      supervisor,
      stateDir: tmpState(),
      clock: immediateClock(),
      logLevel: 'silent',
    });
    const crashes: [string, WireError][] = [];
    rt.on('crash', (name: string, err: WireError) => crashes.push([name, err]));
    try {
      await rt.start();
      await waitPings(rt, 5);
      const back = onceEvent(rt, 'ready', (n: string) => n === 'crasher');
      rt.send('crasher', { type: kind });
      await back;
      t.is(await rt.request('crasher', { type: 'crasher.starts' }), 2);
      // the neighbours were not restarted, and a repeating timer of the failed generation does not fail the new one
      const before = (await rt.request<{ ok: number }>('pinger', { type: 'pinger.count' })).ok;
      await waitPings(rt, before + 10);
      t.is(crashes.length, 1, JSON.stringify(crashes));
      t.is(crashes[0][0], 'crasher');
      t.is(crashes[0][1].code, 'ACTOR_FAULT');
      t.regex(crashes[0][1].message, expected);
      t.is(rt.stateOf('crasher'), 'running');
    } finally {
      await rt.stop();
    }
  });
}

test('a create that never finishes fails with ACTOR_START_TIMEOUT and is given up; its neighbours run', async (t) => {
  const rt = new Runtime({
    actors: echoPingerCrasher({ hangOnCreate: true }),
    placement: 'shared',
    supervisor: { ...supervisor, maxRestarts: 1, startTimeoutMs: 200 },
    stateDir: tmpState(),
    clock: immediateClock(),
    logLevel: 'silent',
    optionalActors: ['crasher'],
  });
  const crashes: [string, WireError][] = [];
  rt.on('crash', (name: string, err: WireError) => crashes.push([name, err]));
  try {
    const gaveUp = onceEvent(rt, 'gave-up-optional');
    await rt.start();
    await gaveUp;
    t.deepEqual(
      crashes.map(([n, e]) => [n, e.code]),
      [
        ['crasher', 'ACTOR_START_TIMEOUT'],
        ['crasher', 'ACTOR_START_TIMEOUT'],
      ],
    );
    t.is(rt.stateOf('crasher'), 'gave-up');
    await waitPings(rt, 5);
  } finally {
    await rt.stop();
  }
});

test('the start deadline counts idle thread time: a create waiting while its neighbour holds the thread is not timed out', async (t) => {
  const rt = new Runtime({
    actors: [
      { name: 'waiter', moduleUrl: fixture('busy-neighbour.actor'), options: { role: 'waiter' } },
      { name: 'hog', moduleUrl: fixture('busy-neighbour.actor'), options: { role: 'hog', spinMs: 1000 } },
    ],
    placement: 'shared',
    supervisor: { ...supervisor, startTimeoutMs: 400 },
    stateDir: tmpState(),
    clock: immediateClock(),
    logLevel: 'silent',
  });
  const crashes: [string, WireError][] = [];
  rt.on('crash', (name: string, err: WireError) => crashes.push([name, err]));
  try {
    await rt.start();
    t.deepEqual(crashes, []);
    t.is(rt.stateOf('waiter'), 'running');
    t.is(rt.stateOf('hog'), 'running');
  } finally {
    await rt.stop();
  }
});
