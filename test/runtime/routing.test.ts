// routing.test.ts: send/request/publish by name through the main thread, direct channels, bytes, unknown names, shared
// workers.
import test from 'ava';
import { Runtime, groupActors } from '../../src/runtime/runtime.js';
import { transferables, matchesSubscription } from '../../src/runtime/wire.js';
import { echoPingerCrasher, fixture, supervisor, tmpState, waitPings } from './helpers.js';
import { immediateClock } from '../support/sim-timers.js';
import { onceEvent, pollUntil, quietPeriod } from '../support/poll.js';

function make(opts: Partial<ConstructorParameters<typeof Runtime>[0]> = {}): Runtime {
  return new Runtime({
    actors: [
      { name: 'echo', moduleUrl: fixture('echo.actor') },
      { name: 'pinger', moduleUrl: fixture('pinger.actor') },
    ],
    placement: 'per-actor',
    supervisor,
    stateDir: tmpState(),
    clock: immediateClock(),
    logLevel: 'silent',
    ...opts,
  });
}

test('requests are relayed through the main thread by default', async (t) => {
  const rt = make();
  try {
    await rt.start();
    await waitPings(rt, 20);
    t.true(rt.stats.relayed >= 40);
  } finally {
    await rt.stop();
  }
});

test('a direct channel carries a configured pair without the main thread', async (t) => {
  const rt = make({ directPairs: [['pinger', 'ech*']] });
  try {
    await rt.start();
    await waitPings(rt, 2);
    const before = rt.stats.relayed;
    const calls = await waitPings(rt, 40);
    // only our own pinger.count requests and their replies went through main, none of the ~38 pings
    t.is(rt.stats.relayed - before, calls); // the replies to our requests; pings would add 2 each
    t.true((await rt.request<{ ok: number }>('pinger', { type: 'pinger.count' })).ok >= 40);
  } finally {
    await rt.stop();
  }
});

test('send and publish reach their targets; unknown names and timeouts reject with codes', async (t) => {
  const rt = make();
  try {
    await rt.start();
    await rt.request('pinger', { type: 'pinger.send', to: 'echo' });
    await rt.request('pinger', { type: 'pinger.publish' });
    const c = await pollUntil(
      () => rt.request<{ messages: number }>('echo', { type: 'echo.count' }),
      (x) => x.messages >= 2,
      1000,
      5,
    );
    t.true(c.messages >= 2); // 'hello' + 'tick.now'; pings are requests and are counted too
    await t.throwsAsync(rt.request('pinger', { type: 'pinger.once', to: 'nobody' }), {
      code: 'ACTOR_UNKNOWN',
    } as never);
    await t.throwsAsync(rt.request('nobody', { type: 'x' }), { code: 'ACTOR_UNKNOWN' } as never);
  } finally {
    await rt.stop();
  }
});

test('Uint8Array payloads arrive as Uint8Array; whole-buffer views are transferred, pooled slices copied', async (t) => {
  const whole = new Uint8Array([7, 8, 9]);
  t.is(transferables({ type: 'x', bytes: whole }).length, 1);
  const pooled = Buffer.from('abc');
  t.is(transferables({ type: 'x', bytes: pooled }).length, pooled.buffer.byteLength === 3 ? 1 : 0);
  t.true(matchesSubscription('tick.*', 'tick.now'));
  t.false(matchesSubscription('tick.*', 'tickle'));
  const rt = make();
  try {
    await rt.start();
    const r = await rt.request<{ length: number; first: number; isU8: boolean }>('echo', {
      type: 'echo.bytes',
      bytes: new Uint8Array([5, 6]),
    });
    t.deepEqual(r, { length: 2, first: 5, isU8: true });
  } finally {
    await rt.stop();
  }
});

test('shared placement: one worker; a throwing actor is restarted and its neighbour keeps running', async (t) => {
  const rt = new Runtime({
    actors: echoPingerCrasher(),
    placement: 'shared',
    supervisor,
    stateDir: tmpState(),
    clock: immediateClock(),
    logLevel: 'silent',
  });
  try {
    t.is(rt.workerCount, 1);
    await rt.start();
    await waitPings(rt, 5);
    const back = onceEvent(rt, 'ready', (n: string) => n === 'crasher');
    rt.send('crasher', { type: 'crash.throw' });
    await back;
    const before = (await rt.request<{ ok: number }>('pinger', { type: 'pinger.count' })).ok;
    await waitPings(rt, before + 5);
    t.is(rt.stateOf('pinger'), 'running');
    t.is(await rt.request('crasher', { type: 'crasher.starts' }), 2);
  } finally {
    await rt.stop();
  }
});

test('placement groups', (t) => {
  const names = ['client', 'socket', 'object:3', 'object:5', 'meter'];
  t.deepEqual(groupActors(names, 'shared'), [names]);
  t.is(groupActors(names, 'per-actor').length, 5);
  t.deepEqual(groupActors(names, { groups: [['socket', 'object:*']] }), [
    ['socket', 'object:3', 'object:5'],
    ['client'],
    ['meter'],
  ]);
});

test('a request nobody answers rejects with ACTOR_TIMEOUT (worker side and main side)', async (t) => {
  const rt = new Runtime({
    actors: [
      { name: 'pinger', moduleUrl: fixture('pinger.actor'), options: { target: 'hang' } },
      { name: 'hang', moduleUrl: fixture('hang.actor') },
    ],
    placement: 'shared',
    supervisor,
    stateDir: tmpState(),
    clock: immediateClock(),
    logLevel: 'silent',
    shutdownTimeoutMs: 300,
  });
  try {
    await rt.start();
    await t.throwsAsync(rt.request('pinger', { type: 'pinger.once', to: 'hang', msgType: 'never', timeoutMs: 100 }), {
      code: 'ACTOR_TIMEOUT',
      message: /timed out after 100 ms/,
    } as never);
    await t.throwsAsync(rt.request('hang', { type: 'never' }, 100), { code: 'ACTOR_TIMEOUT' } as never);
  } finally {
    await rt.stop();
  }
});

test('shared placement: requests and messages between actors of one worker are delivered in-thread, and a request to a neighbour that dies fails at once', async (t) => {
  const rt = new Runtime({
    actors: [
      { name: 'echo', moduleUrl: fixture('echo.actor') },
      { name: 'pinger', moduleUrl: fixture('pinger.actor'), options: { target: 'nobody' } },
      { name: 'hang', moduleUrl: fixture('hang.actor') },
    ],
    placement: 'shared',
    supervisor,
    stateDir: tmpState(),
    clock: immediateClock(),
    logLevel: 'silent',
  });
  try {
    await rt.start();
    t.deepEqual(await rt.request('pinger', { type: 'pinger.once', to: 'echo', msgType: 'hi' }), {
      echo: { type: 'hi' },
    });
    const before = (await rt.request<{ messages: number }>('echo', { type: 'echo.count' })).messages;
    await rt.request('pinger', { type: 'pinger.send', to: 'echo' });
    const after = await pollUntil(
      async () => (await rt.request<{ messages: number }>('echo', { type: 'echo.count' })).messages,
      (m) => m > before,
      1000,
      5,
    );
    t.is(after, before + 1);
    const started = Date.now();
    const pending = rt.request('pinger', { type: 'pinger.once', to: 'hang', msgType: 'never', timeoutMs: 8000 }, 9000);
    await quietPeriod(
      20,
      'the request reaches the hanging actor (nothing to observe: it never answers) before it dies',
    );
    rt.send('hang', { type: 'hang.die' });
    const err = await t.throwsAsync(pending);
    t.is((err as { code?: string }).code, 'ACTOR_UNAVAILABLE');
    t.true(Date.now() - started < 5000, 'rejected when the neighbour died, not at the timeout');
  } finally {
    await rt.stop();
  }
});
