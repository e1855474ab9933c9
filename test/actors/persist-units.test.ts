// persist-units.test.ts: the pieces behind persistence: attribute snapshots read back defensively,
// Register/Update/De-register told apart, sequence numbers reserved ahead, corrupt stores ignored.
import test from 'ava';
import { sanitizeAttributeSnapshot } from '../../src/lwm2m/attributes.js';
import { registrationExchange } from '../../src/socket/exchange-kind.js';
import { ObserveJournal, OBSERVATIONS_KEY, SEQ_RESERVE, journalEntry } from '../../src/socket/observe-journal.js';
import type { ActorStore } from '../../src/runtime/actor-api.js';
import { InProcessActors } from '../support/in-process-actors.js';
import { objectActorModule } from '../../src/actors/object.actor.js';
import { testObject } from '../lwm2m/fixture-object.js';

const memStore = (init: Record<string, unknown> = {}): ActorStore & { data: Map<string, unknown>; writes: number } => {
  const data = new Map<string, unknown>(Object.entries(init));
  const s = {
    data,
    writes: 0,
    read: <T>(k: string) => Promise.resolve(structuredClone(data.get(k)) as T | undefined),
    write: (k: string, v: unknown) => {
      s.writes++;
      data.set(k, structuredClone(v));
      return Promise.resolve();
    },
    remove: (k: string) => {
      data.delete(k);
      return Promise.resolve();
    },
  };
  return s;
};
const quiet = { warn: () => undefined, error: () => undefined };

test('attribute snapshots: only known names with finite numbers on object paths survive', (t) => {
  t.deepEqual(
    sanitizeAttributeSnapshot({
      101: { '/3424/0/1': { pmin: 10, gt: 5.5, bogus: 1, pmax: 'x' }, '../etc': { pmin: 1 }, '/3424': { lt: null } },
      x: { '/3424': { pmin: 1 } },
    }),
    { 101: { '/3424/0/1': { pmin: 10, gt: 5.5 } } },
  );
  t.deepEqual(sanitizeAttributeSnapshot('garbage'), {});
  t.deepEqual(sanitizeAttributeSnapshot(null), {});
});

test('Register, Update and De-register are told apart by request and answer', (t) => {
  t.is(registrationExchange({ method: 'POST', path: ['rd'], query: ['ep=a', 'lt=300'] }, '2.01'), 'register');
  t.is(registrationExchange({ method: 'POST', path: ['rd'], query: ['ep=a'] }, '4.03'), undefined);
  t.is(registrationExchange({ method: 'POST', path: ['bs'], query: ['ep=a'] }, '2.04'), undefined, 'Bootstrap-Request');
  t.is(registrationExchange({ method: 'POST', path: ['rd', 'abc'], query: ['lt=60'] }, '2.04'), 'update');
  t.is(registrationExchange({ method: 'POST', path: ['rd', 'abc'] }, '4.04'), undefined);
  t.is(registrationExchange({ method: 'POST', path: ['dp'] }, '2.04'), undefined, 'Send');
  t.is(registrationExchange({ method: 'DELETE', path: ['rd', 'abc'] }, '2.02'), 'deregister');
  t.is(registrationExchange({ method: 'DELETE', path: ['rd', 'abc'] }, '4.04'), 'deregister');
  t.is(registrationExchange({ method: 'GET', path: ['rd', 'abc'] }, '2.05'), undefined);
});

test('journal: sequence numbers are reserved ahead (one write per SEQ_RESERVE notifications), entries read back defensively', async (t) => {
  const store = memStore();
  const j = new ObserveJournal(store, quiet);
  j.add(
    journalEntry({
      id: 'a',
      ssid: 1,
      serverUri: 'coap://s',
      peer: { address: '127.0.0.1', port: 1 },
      token: new Uint8Array([1, 2]),
      objectId: 3,
      path: [3, 0, 0],
      uriPath: ['3', '0', '0'],
      seq: 0xfffff0,
    }),
  );
  await j.flushed();
  const writes = store.writes;
  // One notification at a time (writes of one burst are coalesced: that would count fewer).
  for (let s = 0xfffff1; s < 0xfffff1 + 3 * SEQ_RESERVE; s++) {
    j.setSeq('a', s & 0xffffff);
    await j.flushed();
  }
  t.is(store.writes - writes, 3, 'three reservations for 3 × SEQ_RESERVE notifications, across the 24-bit wrap');
  const last = (0xfffff1 + 3 * SEQ_RESERVE - 1) & 0xffffff;
  const saved = (store.data.get(OBSERVATIONS_KEY) as { seq: number }[])[0].seq;
  t.true(((saved - last) & 0xffffff) < 0x800000, 'the stored number is at or above the last one sent');

  const bad = memStore({
    [OBSERVATIONS_KEY]: [{ id: 'x', token: 'zz' }, 42, { ...(store.data.get(OBSERVATIONS_KEY) as object[])[0] }],
  });
  const j2 = new ObserveJournal(bad, quiet);
  await j2.load();
  t.deepEqual(
    j2.forServer(1, 'coap://s').map((e) => e.id),
    ['a'],
  );
  t.deepEqual(j2.forServer(1, 'coap://other'), [], 'another account');
  const j3 = new ObserveJournal(memStore({ [OBSERVATIONS_KEY]: 'not a list' }), quiet);
  await j3.load();
  t.deepEqual(j3.forServer(1, 'coap://s'), []);
});

test('object actor: a corrupt attributes entry in the store is ignored; a new registration of one server leaves the attributes of another', async (t) => {
  const actors = new InProcessActors();
  const obj = await actors.start('object:3442', objectActorModule({ spec: testObject() }));
  const wa = async (serverId: number, query: string[]): Promise<string> =>
    (
      (await obj.receive({ type: 'object.request', op: 'write-attributes', path: [3442, 0, 1], query, serverId })) as {
        code: string;
      }
    ).code;
  const disc = async (serverId: number): Promise<string> =>
    Buffer.from(
      (
        (await obj.receive({ type: 'object.request', op: 'discover', path: [3442, 0, 1], serverId })) as {
          payload: Uint8Array;
        }
      ).payload,
    ).toString();
  t.is(await wa(101, ['pmin=5']), '2.04');
  t.is(await wa(102, ['pmax=50']), '2.04');
  t.deepEqual(await obj.receive({ type: 'object.registration-new', serverId: 101 }), { ok: true });
  t.is(await disc(101), '</3442/0/1>');
  t.is(await disc(102), '</3442/0/1>;pmax=50', 'another server keeps its own');
  await actors.stopAll();
  const again = await actors.start('object:3442', objectActorModule({ spec: testObject() }));
  t.is(
    Buffer.from(
      (
        (await again.receive({ type: 'object.request', op: 'discover', path: [3442, 0, 1], serverId: 102 })) as {
          payload: Uint8Array;
        }
      ).payload,
    ).toString(),
    '</3442/0/1>;pmax=50',
  );
  await actors.stopAll();

  const ctx = actors.context('object:3442', {});
  await ctx.store.write('attributes', 'corrupt');
  const third = await actors.start('object:3442', objectActorModule({ spec: testObject() }));
  t.is(
    Buffer.from(
      (
        (await third.receive({ type: 'object.request', op: 'discover', path: [3442, 0, 1], serverId: 102 })) as {
          payload: Uint8Array;
        }
      ).payload,
    ).toString(),
    '</3442/0/1>',
  );
  await actors.stopAll();
});
