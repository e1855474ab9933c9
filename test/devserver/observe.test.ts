// observe.test.ts: Observe from the dev server: first answer, notifications (iterator and events), active cancel with
// Observe=1.
import test from 'ava';
import type { OutgoingMessage } from 'coap';
import { encode } from '../../src/lwm2m/formats/index.js';
import { ContentFormat, type LwRecord } from '../../src/lwm2m/types.js';
import { startDevServer } from '../../src/devserver/server.js';
import { TypeRegistry } from '../../src/devserver/model.js';
import type { NotifyEvent } from '../../src/devserver/types.js';
import { FakeClient } from '../support/fake-lwm2m-client.js';

const types = new TypeRegistry();
const cbor = (records: LwRecord[]): Buffer => Buffer.from(encode(ContentFormat.SENML_CBOR, records, types.context([])));

test('observe: notifications arrive until cancel; cancel sends Observe=1 with the same token', async (t) => {
  const s = await startDevServer({ requestTimeoutMs: 3000 });
  const c = await FakeClient.start();
  t.teardown(async () => {
    await s.close();
    await c.close();
  });
  await c.register(s.port, 'obs-1');
  let stream: OutgoingMessage | undefined;
  const tokens: string[] = [];
  c.handler = (req, res) => {
    if (req.method !== 'GET' || req.url !== '/3/0/9') return false;
    tokens.push(req._packet.token?.toString('hex') ?? '');
    res.setOption('Content-Format', ContentFormat.SENML_CBOR);
    if (req.headers.Observe === 0) {
      stream = res;
      res.write(cbor([{ path: [3, 0, 9], value: 80 }]));
    } else {
      res.end(cbor([{ path: [3, 0, 9], value: 70 }]));
    }
    return true;
  };
  const events: NotifyEvent[] = [];
  s.on('notify', (e) => events.push(e));
  const obs = await s.observe('obs-1', '/3/0/9');
  t.is(obs.code, '2.05');
  t.deepEqual(obs.records, [{ path: [3, 0, 9], value: 80 }]);
  t.true(obs.active);
  t.is(c.seen[0].from.port, s.port);

  stream!.write(cbor([{ path: [3, 0, 9], value: 79 }]));
  const n1 = await obs.next(3000);
  t.deepEqual(n1.result.records, [{ path: [3, 0, 9], value: 79 }]);
  t.is(typeof n1.observe, 'number');
  stream!.write(cbor([{ path: [3, 0, 9], value: 78 }]));
  const it = obs.notifications[Symbol.asyncIterator]();
  const n2 = await it.next();
  t.false(n2.done);
  t.deepEqual((n2.value as NotifyEvent).result.records, [{ path: [3, 0, 9], value: 78 }]);
  t.is(events.length, 2);
  t.is(events[0].endpoint, 'obs-1');

  await obs.cancel();
  t.false(obs.active);
  const last = c.seen.at(-1)!;
  t.is(last.observe, 1, 'active cancel: GET with Observe=1');
  t.is(tokens[1], tokens[0], 'same token as the observation');
  t.true((await it.next()).done, 'iteration ends on cancel');
  t.is(obs.received.length, 2);
});

test('observe of a resource the client refuses ends at once', async (t) => {
  const s = await startDevServer({ requestTimeoutMs: 3000 });
  const c = await FakeClient.start();
  t.teardown(async () => {
    await s.close();
    await c.close();
  });
  await c.register(s.port, 'obs-2');
  c.handler = (_req, res) => {
    res.code = '4.05';
    res.statusCode = '4.05';
    res.end();
    return true;
  };
  const obs = await s.observe('obs-2', '/3/0/4');
  t.is(obs.code, '4.05');
  t.false(obs.active);
  await obs.cancel();
  t.is(c.seen.length, 1, 'nothing to cancel');
});

test('observe-composite: FETCH with Observe=0 and a SenML path list', async (t) => {
  const s = await startDevServer({ requestTimeoutMs: 3000 });
  const c = await FakeClient.start();
  t.teardown(async () => {
    await s.close();
    await c.close();
  });
  await c.register(s.port, 'obs-3');
  let stream: OutgoingMessage | undefined;
  c.handler = (req, res) => {
    if (req.method !== 'FETCH') return false;
    res.setOption('Content-Format', ContentFormat.SENML_CBOR);
    if (req.headers.Observe === 0) {
      stream = res;
      res.write(
        cbor([
          { path: [3, 0, 9], value: 80 },
          { path: [1, 0, 1], value: 300 },
        ]),
      );
    } else res.end(cbor([]));
    return true;
  };
  const obs = await s.observeComposite('obs-3', ['/3/0/9', '/1/0/1']);
  t.is(obs.code, '2.05');
  t.is(obs.records?.length, 2);
  t.deepEqual(obs.paths, [
    [3, 0, 9],
    [1, 0, 1],
  ]);
  stream!.write(
    cbor([
      { path: [3, 0, 9], value: 50 },
      { path: [1, 0, 1], value: 300 },
    ]),
  );
  const n = await obs.next(3000);
  t.deepEqual(n.result.records?.[0], { path: [3, 0, 9], value: 50 });
  await obs.cancel();
  t.is(c.seen.at(-1)!.method, 'FETCH');
  t.is(c.seen.at(-1)!.observe, 1);
});

test("a new Register or a De-register ends the endpoint's observations on the server side", async (t) => {
  const s = await startDevServer({ requestTimeoutMs: 3000 });
  const c = await FakeClient.start();
  t.teardown(async () => {
    await s.close();
    await c.close();
  });
  await c.register(s.port, 'obs-4');
  c.handler = (_req, res) => {
    res.setOption('Content-Format', ContentFormat.SENML_CBOR);
    res.write(cbor([{ path: [3, 0, 9], value: 1 }]));
    return true;
  };
  const a = await s.observe('obs-4', '/3/0/9');
  t.true(a.active);
  let ended = false;
  a.on('end', () => {
    ended = true;
  });
  await c.register(s.port, 'obs-4');
  t.false(a.active);
  t.true(ended);
  const b = await s.observe('obs-4', '/3/0/9');
  t.true(b.active);
  await c.request(s.port, 'DELETE', s.registrations.get('obs-4')!.location);
  t.false(b.active);
  await b.cancel();
  t.is(c.seen.filter((r) => r.observe === 1).length, 0, 'dropped locally, nothing sent');
});
