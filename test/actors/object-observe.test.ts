// object-observe.test.ts: the object actor's observations on a simulated clock: st step, epmin deferral, 4.04 after
// Delete, cancel.
import test from 'ava';
import { InProcessActors } from '../support/in-process-actors.js';
import { SimTimers, settle } from '../support/sim-timers.js';
import { objectActorModule } from '../../src/actors/object.actor.js';
import { testObject } from '../lwm2m/fixture-object.js';
import type { ObjectNotify } from '../../src/messages/index.js';

async function setup() {
  const timers = new SimTimers();
  const actors = new InProcessActors();
  const notes: ObjectNotify[] = [];
  actors.stub('socket', (m) => {
    if (m.type === 'object.notify') notes.push(m as unknown as ObjectNotify);
    return undefined;
  });
  const obj = await actors.start('object:3442', objectActorModule({ spec: testObject(), timers }));
  const write = async (v: number): Promise<void> => {
    await obj.receive({
      type: 'object.request',
      op: 'write',
      path: [3442, 0, 1],
      format: 0,
      payload: new Uint8Array(Buffer.from(String(v))),
    });
    await settle();
  };
  const text = (n: ObjectNotify): string => Buffer.from(n.payload ?? []).toString();
  return { timers, actors, obj, notes, write, text };
}

test('st: only steps of at least st from the last sent value notify', async (t) => {
  const { obj, notes, write, text, actors } = await setup();
  t.is(
    (
      (await obj.receive({ type: 'object.request', op: 'write-attributes', path: [3442, 0, 1], query: ['st=10'] })) as {
        code: string;
      }
    ).code,
    '2.04',
  );
  const first = (await obj.receive({ type: 'object.observe', observationId: 'o1', path: [3442, 0, 1] })) as {
    code: string;
  };
  t.is(first.code, '2.05');
  for (const v of [8, 12, 15, 16, 30]) await write(v);
  t.deepEqual(notes.map(text), ['15', '30']);
  await actors.stopAll();
});

test('epmin defers evaluation of changes', async (t) => {
  const { obj, notes, write, text, timers, actors } = await setup();
  await obj.receive({ type: 'object.request', op: 'write-attributes', path: [3442, 0, 1], query: ['epmin=5'] });
  await obj.receive({ type: 'object.observe', observationId: 'o1', path: [3442, 0, 1] });
  await timers.advance(1000);
  await write(6);
  await write(7);
  t.deepEqual(notes.map(text), [], 'within epmin nothing is evaluated');
  await timers.advance(4000);
  t.deepEqual(notes.map(text), ['7']);
  await actors.stopAll();
});

test('deleting the observed instance ends the observation with 4.04; cancel stops pmax', async (t) => {
  const { obj, notes, timers, actors } = await setup();
  await obj.receive({ type: 'object.request', op: 'write-attributes', path: [3442], query: ['pmax=5'] });
  await obj.receive({ type: 'object.observe', observationId: 'a', path: [3442, 0, 0] });
  await obj.receive({ type: 'object.observe', observationId: 'b', path: [3442, 0, 1] });
  await timers.advance(5000);
  t.deepEqual(notes.map((n) => n.observationId).sort(), ['a', 'b']);
  t.deepEqual(await obj.receive({ type: 'object.cancel-observe', observationId: 'a' }), { ok: true });
  await timers.advance(5000);
  t.deepEqual(notes.map((n) => n.observationId).sort(), ['a', 'b', 'b']);
  await obj.receive({ type: 'object.request', op: 'delete', path: [3442, 0] });
  await settle();
  t.is(notes.at(-1)!.code, '4.04');
  t.deepEqual(((await obj.receive({ type: 'object.observations' })) as { ids: string[] }).ids, []);
  await actors.stopAll();
});

test('objects 0 and 1 keep server-written instances in the store across a restart', async (t) => {
  const { createSecurityObject } = await import('../../src/objects/security.js');
  const actors = new InProcessActors({ client: { servers: [{ uri: 'coap://bs.example:5683', bootstrap: true }] } });
  const start = () => actors.start('object:0', objectActorModule({ spec: createSecurityObject() }));
  let obj = await start();
  const payload = new TextEncoder().encode(
    JSON.stringify([
      { bn: '/0/3/', n: '0', vs: 'coaps://dm.example:5684' },
      { n: '1', vb: false },
      { n: '2', v: 0 },
      { n: '3', vd: Buffer.from('id').toString('base64url') },
      { n: '5', vd: Buffer.from('key').toString('base64url') },
      { n: '10', v: 42 },
    ]),
  );
  const w = (await obj.receive({
    type: 'object.request',
    op: 'write',
    path: [0, 3],
    format: 110,
    payload,
    bootstrap: true,
  })) as { code: string };
  t.is(w.code, '2.04');
  await actors.stopAll();
  obj = await start();
  const r = (await obj.receiveOther!({ type: 'security.targets' })) as {
    targets: { ssid: number; uri: string; security: string; pskIdentity?: string; pskKey?: string }[];
  };
  const dm = r.targets.find((x) => x.ssid === 42);
  t.truthy(dm);
  t.is(dm?.uri, 'coaps://dm.example:5684');
  t.is(dm?.pskIdentity, 'id');
  t.is(Buffer.from(dm?.pskKey ?? '', 'base64').toString(), 'key');
  t.is(r.targets.length, 2, 'the config seed is not added again');
  await actors.stopAll();
});
