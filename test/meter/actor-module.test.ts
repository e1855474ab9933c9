// actor-module.test.ts: the meter ActorModule as the runtime hosts it: config, state dir, status, a persisted pulse
// ratio, the journal checkpoint and a damaged journal.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import test from 'ava';
import meterActor from '../../src/actors/meter.actor.js';
import { CodedError } from '../../src/errors.js';
import type { ActorContext, ActorMessage } from '../../src/runtime/actor-api.js';
import { log } from '../../src/runtime/log.js';
import { fakeMessaging } from '../support/fake-messaging.js';

function fakeContext(
  config: Record<string, unknown>,
  stateDir: string,
  store: Map<string, unknown>,
  sent: ActorMessage[],
): ActorContext {
  return {
    name: 'meter',
    config,
    fullConfig: { stateDir },
    log: log.child({ test: 'meter' }),
    store: {
      read: <T>(k: string) => Promise.resolve(store.get(k) as T | undefined),
      write: (k: string, v: unknown) => Promise.resolve(void store.set(k, v)),
      remove: (k: string) => Promise.resolve(void store.delete(k)),
    },
    ...fakeMessaging({
      send: (to, msg) => sent.push({ ...msg, to }),
      request: () => Promise.reject(new CodedError('NOT_REGISTERED', 'offline')),
    }),
  };
}

test('create: journal under <stateDir>/meter, status reply, server-written pulse ratio survives a restart', async (t) => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-module-'));
  const store = new Map<string, unknown>();
  const sent: ActorMessage[] = [];
  t.deepEqual(meterActor.subscribes, ['network.up', 'lwm2m.registered']);
  t.truthy(meterActor.machine);
  const a = await meterActor.create(fakeContext({ source: { kind: 'simulated' } }, stateDir, store, sent));
  t.true(fs.readdirSync(path.join(stateDir, 'meter')).some((f) => f.endsWith('.journal')));
  const st = a.receive({ type: 'meter.status' }) as { snapshot: { pulseRatio: number }; queued: number };
  t.is(st.snapshot.pulseRatio, 1000);
  t.is(st.queued, 0);
  t.is(sent[0]?.type, 'meter.reading');
  a.receive({ type: 'meter.pulse-ratio', value: 250 });
  t.throws(() => a.receive({ type: 'meter.pulse-ratio', value: 0 }), { message: /positive integer/ });
  await new Promise((r) => setImmediate(r));
  t.is(store.get('pulseRatio'), 250);
  await a.stop();
  const b = await meterActor.create(fakeContext({ source: { kind: 'simulated' } }, stateDir, store, sent));
  t.is((b.receive({ type: 'meter.status' }) as { snapshot: { pulseRatio: number } }).snapshot.pulseRatio, 250);
  await b.stop();
});

test('create: a bad config is CONFIG_INVALID naming the key', async (t) => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-module-'));
  await t.throwsAsync(
    Promise.resolve(meterActor.create(fakeContext({ readingIntervalS: -5 }, stateDir, new Map(), []))),
    { message: /readingIntervalS/ },
  );
});

test('the journal checkpoint goes to the actor store; a lost journal goes on from it and puts code 16 in /3/0/11', async (t) => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-module-'));
  const store = new Map<string, unknown>();
  const sent: ActorMessage[] = [];
  const a = await meterActor.create(fakeContext({ source: { kind: 'simulated' } }, stateDir, store, sent));
  const core = (a as unknown as { core: { journal: { addPulses(n: number): void } } }).core;
  core.journal.addPulses(1234);
  a.receive({ type: 'meter.reset-pulses' });
  await new Promise((r) => setImmediate(r));
  t.like(store.get('journalCheckpoint'), { forward: 1234, pulseBase: 1234 }, 'saved at once after a reset');
  await a.stop();
  for (const f of fs.readdirSync(path.join(stateDir, 'meter')))
    if (f.endsWith('.journal')) fs.rmSync(path.join(stateDir, 'meter', f));
  sent.length = 0;
  const b = await meterActor.create(fakeContext({ source: { kind: 'simulated' } }, stateDir, store, sent));
  t.like((b.receive({ type: 'meter.status' }) as { snapshot: unknown }).snapshot, { volumeM3: 1.234, pulses: 0 });
  t.deepEqual(
    sent.filter((m) => m.type === 'device.error'),
    [{ type: 'device.error', code: 16, to: 'object:3' }],
  );
  await b.stop();
  sent.length = 0;
  const c = await meterActor.create(fakeContext({ source: { kind: 'simulated' } }, stateDir, store, sent));
  t.deepEqual(
    sent.filter((m) => m.type === 'device.error'),
    [],
    'reported once: the journal is whole again',
  );
  await c.stop();
});

test('an unreadable or malformed stored pulse ratio or checkpoint is ignored with a warning: the meter starts', async (t) => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-module-'));
  const ctx = fakeContext(
    { source: { kind: 'simulated' } },
    stateDir,
    new Map<string, unknown>([['journalCheckpoint', { seq: 'x' }]]),
    [],
  );
  const read = ctx.store.read.bind(ctx.store);
  ctx.store.read = <T>(k: string): Promise<T | undefined> =>
    k === 'pulseRatio' ? Promise.reject(new CodedError('STORE_CORRUPT', 'not JSON')) : read<T>(k);
  const a = await meterActor.create(ctx);
  t.is((a.receive({ type: 'meter.status' }) as { snapshot: { pulseRatio: number } }).snapshot.pulseRatio, 1000);
  await a.stop();
});

test('a clean stop saves the checkpoint at the last record: a journal lost afterwards costs no pulse', async (t) => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-module-'));
  const store = new Map<string, unknown>();
  const a = await meterActor.create(fakeContext({ source: { kind: 'simulated' } }, stateDir, store, []));
  const core = (a as unknown as { core: { journal: { addPulses(n: number): void } } }).core;
  core.journal.addPulses(700); // after the start's checkpoint, within the same reading interval: not checkpointed yet
  await a.stop();
  t.like(store.get('journalCheckpoint'), { forward: 700 });
  for (const f of fs.readdirSync(path.join(stateDir, 'meter')))
    if (f.endsWith('.journal')) fs.rmSync(path.join(stateDir, 'meter', f));
  const b = await meterActor.create(fakeContext({ source: { kind: 'simulated' } }, stateDir, store, []));
  t.like((b.receive({ type: 'meter.status' }) as { snapshot: unknown }).snapshot, { volumeM3: 0.7 });
  await b.stop();
});
