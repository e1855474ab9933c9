// modem-actor.test.ts: the actor module as the runtime hosts it (fake context): simulated modem publishes network.up,
// feeds object:4, answers modem.status; log levels of network.*.
import test from 'ava';
import modemActor from '../../src/actors/modem.actor.js';
import type { ActorContext, ActorMessage } from '../../src/runtime/actor-api.js';
import { log } from '../../src/runtime/log.js';
import { pino } from 'pino';
import { pollUntil, waitFor } from '../support/poll.js';
import { fakeMessaging } from '../support/fake-messaging.js';
import { dispatch } from '../../src/runtime/dispatch.js';

test('simulated modem actor: network.up published, connectivity.update to object:4, status and bad messages', async (t) => {
  const published: ActorMessage[] = [];
  const sent: { to: string; msg: ActorMessage }[] = [];
  const ctx: ActorContext = {
    name: 'modem',
    config: { kind: 'simulated', simulated: { attachDelayMs: 30 }, timeouts: { cfunCycleMs: 10 } },
    fullConfig: {},
    log,
    store: { read: () => Promise.resolve(undefined), write: () => Promise.resolve(), remove: () => Promise.resolve() },
    ...fakeMessaging({
      send: (to, msg) => sent.push({ to, msg }),
      request: () => Promise.reject(new Error('no')),
      publish: (msg) => published.push(msg),
    }),
  };
  const inst = await modemActor.create(ctx);
  try {
    await waitFor(() => published.some((m) => m.type === 'network.up') && sent.some((s) => s.to === 'object:4'), {
      timeoutMs: 2000,
      what: 'network.up and connectivity.update',
    });
    t.deepEqual(
      published.filter((m) => m.type === 'network.up'),
      [{ type: 'network.up', bearer: 'lte-m', ip: '127.0.0.1' }],
    );
    const upd = sent.find((s) => s.to === 'object:4');
    t.is(upd?.msg.type, 'connectivity.update');
    t.like(inst.receive({ type: 'modem.status' }), { up: true, bearer: 'lte-m', kind: 'simulated' });
    // the host's boundary refuses a type the modem does not take
    t.throws(
      () => dispatch({ name: 'modem', instance: inst, accepts: new Set(modemActor.accepts) }, { type: 'modem.bogus' }),
      { message: /modem takes no message modem.bogus/ },
    );
    t.throws(() => inst.receive({ type: 'modem.socket.send' }), { message: /modem-socket/ });
    const reply = inst.receive({ type: 'modem.reconnect' });
    t.deepEqual(await reply, { ok: true });
  } finally {
    await inst.stop();
  }
});

test('modem actor logs a lost link and modem errors at warn, network.up at info', async (t) => {
  const lines: { level: number; msg: string }[] = [];
  const plog = pino(
    { level: 'trace' },
    {
      write: (l: string) => {
        const o = JSON.parse(l) as { level: number; msg: string };
        lines.push({ level: o.level, msg: o.msg });
      },
    },
  );
  const ctx: ActorContext = {
    name: 'modem',
    config: {
      kind: 'simulated',
      simulated: { attachDelayMs: 20, outages: [{ atMs: 60, durationMs: 10_000 }] },
      timeouts: { lossGraceMs: 0 },
    },
    fullConfig: {},
    log: plog,
    store: { read: () => Promise.resolve(undefined), write: () => Promise.resolve(), remove: () => Promise.resolve() },
    ...fakeMessaging({ request: () => Promise.reject(new Error('no')) }),
  };
  const inst = await modemActor.create(ctx);
  try {
    await pollUntil(
      () => Promise.resolve(lines.some((l) => l.msg === 'network.down')),
      (ok) => ok,
      5000,
      10,
    );
    t.is(lines.find((l) => l.msg === 'network.up')?.level, 30, 'info');
    t.is(lines.find((l) => l.msg === 'network.down')?.level, 40, 'warn');
  } finally {
    await inst.stop();
  }
});
