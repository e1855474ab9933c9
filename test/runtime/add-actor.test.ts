// add-actor.test.ts: Runtime.add starts an actor after start(): next to another in a shared worker (or in its own
// worker per-actor), reachable by name, publish subscriber, direct channel, stopped first; duplicates refused.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Runtime } from '../../src/runtime/runtime.js';
import { fixture, supervisor, tmpState } from './helpers.js';
import { immediateClock } from '../support/sim-timers.js';
import { pollUntil } from '../support/poll.js';

function make(placement: 'shared' | 'per-actor', stateDir = tmpState()): Runtime {
  return new Runtime({
    actors: [
      { name: 'first', moduleUrl: fixture('recorder.actor') },
      { name: 'pinger', moduleUrl: fixture('pinger.actor'), options: { target: 'late' } },
    ],
    placement,
    supervisor,
    stateDir,
    clock: immediateClock(),
    logLevel: 'silent',
    fullConfig: { stateDir },
    directPairs: [['pinger', 'late']],
  });
}

function pings(rt: Runtime, n: number): Promise<{ ok: number; failed: number }> {
  return pollUntil(
    () => rt.request<{ ok: number; failed: number }>('pinger', { type: 'pinger.count' }),
    (c) => c.ok >= n,
    2000,
    5,
  );
}

for (const placement of ['shared', 'per-actor'] as const) {
  test(`${placement}: an added actor answers by name and by direct channel, hears publishes, and stops first`, async (t) => {
    const dir = tmpState();
    const rt = make(placement, dir);
    await rt.start();
    const workers = rt.workerCount;
    // before it exists, requests to it fail (the pinger counts failures)
    await t.throwsAsync(rt.request('late', { type: 'echo.count' }), { code: 'ACTOR_UNKNOWN' } as never);
    await rt.add({ name: 'late', moduleUrl: fixture('echo.actor') }, 'first');
    t.is(rt.stateOf('late'), 'running');
    t.deepEqual(rt.names, ['first', 'pinger', 'late']);
    t.is(
      rt.workerCount,
      placement === 'shared' ? workers : workers + 1,
      'shared: same worker; per-actor: a worker of its own',
    );
    const c = await pings(rt, 20);
    t.true(c.ok >= 20, `pinger reached the added actor (${JSON.stringify(c)})`);
    // an added subscriber nobody pings: only the publish can reach it
    await rt.add({ name: 'listener', moduleUrl: fixture('echo.actor') }, 'first');
    t.is((await rt.request<{ messages: number }>('listener', { type: 'echo.count' })).messages, 0);
    await rt.request('pinger', { type: 'pinger.publish' });
    const heard = await pollUntil(
      async () => (await rt.request<{ messages: number }>('listener', { type: 'echo.count' })).messages,
      (m) => m > 0,
      1000,
      5,
    );
    t.is(heard, 1, 'tick.now published by the pinger reached the added subscriber');
    await t.throwsAsync(rt.add({ name: 'late', moduleUrl: fixture('echo.actor') }), { code: 'ACTOR_EXISTS' } as never);
    await rt.add({ name: 'last', moduleUrl: fixture('recorder.actor') }, 'first');
    await rt.stop();
    t.deepEqual(
      readFileSync(join(dir, 'stop-order'), 'utf8').trim().split('\n'),
      ['last', 'first'],
      'added actors stop before the ones started with the runtime',
    );
    await t.throwsAsync(rt.add({ name: 'after', moduleUrl: fixture('echo.actor') }), {
      code: 'RUNTIME_STOPPING',
    } as never);
  });
}

test('remove: an added actor stops (its stop hook runs), its name is free again, requests to it fail; start-up actors are not removable', async (t) => {
  const dir = tmpState();
  const rt = make('shared', dir);
  await rt.start();
  await rt.add({ name: 'extra', moduleUrl: fixture('recorder.actor') }, 'first');
  t.is(await rt.request('extra', { type: 'who' }), 'extra');
  await rt.remove('extra');
  t.is(rt.stateOf('extra'), undefined);
  t.deepEqual(rt.names, ['first', 'pinger']);
  t.deepEqual(readFileSync(join(dir, 'stop-order'), 'utf8').trim().split('\n'), ['extra'], 'its stop hook ran');
  await t.throwsAsync(rt.request('extra', { type: 'who' }), { code: 'ACTOR_UNKNOWN' } as never);
  await t.throwsAsync(rt.remove('first'), { code: 'ACTOR_NOT_ADDED' } as never);
  await t.throwsAsync(rt.remove('nobody'), { code: 'ACTOR_UNKNOWN' } as never);
  // the freed place in the shared worker takes a new actor of the same name
  const workers = rt.workerCount;
  await rt.add({ name: 'extra', moduleUrl: fixture('recorder.actor') }, 'first');
  t.is(rt.workerCount, workers);
  t.is(await rt.request('extra', { type: 'who' }), 'extra');
  await rt.stop();
});
