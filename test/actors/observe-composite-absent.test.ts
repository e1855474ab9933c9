// observe-composite-absent.test.ts: an Observe-Composite path whose instance is absent stays observed and joins the
// notifications once the instance is created (again).
import test from 'ava';
import { createSocket } from 'node:dgram';
import { generate, parse, type ParsedPacket } from 'coap-packet';
import { InProcessActors } from '../support/in-process-actors.js';
import { pollUntil } from '../support/poll.js';
import { objectActorModule } from '../../src/actors/object.actor.js';
import { socketActorModule } from '../../src/actors/socket.actor.js';
import type { ObjectNotify } from '../../src/messages/index.js';
import { createUdpTransport, type UdpTransport } from '../../src/coap/transports/udp.js';
import { encode, untypedContext } from '../../src/lwm2m/formats/index.js';
import { ContentFormat } from '../../src/lwm2m/types.js';
import { testObject } from '../lwm2m/fixture-object.js';

const createOne = (iid: number, name: string) =>
  encode(ContentFormat.SENML_JSON, [{ path: [3442, iid, 0], value: name }], untypedContext([3442]));

test('object actor: a whileAbsent part answers no records, reports its instance once created, 4.04 on Delete without ending, and again after a new Create', async (t) => {
  const actors = new InProcessActors({});
  t.teardown(() => actors.stopAll());
  const obj = await actors.start('object:3442', objectActorModule({ spec: testObject() }));
  const notes: ObjectNotify[] = [];
  actors.stub('sink', (m) => {
    notes.push(m as unknown as ObjectNotify);
  });
  const observe = (id: string, whileAbsent: boolean) =>
    obj.receive({
      type: 'object.observe',
      observationId: id,
      path: [3442, 1],
      mode: 'records',
      notifyTo: 'sink',
      whileAbsent,
    });
  t.deepEqual(
    await observe('plain', false),
    { code: '4.04' },
    'without whileAbsent an absent path is refused as before',
  );
  t.deepEqual(await observe('part', true), { code: '2.05', records: [] });
  t.deepEqual(await obj.receive({ type: 'object.observations' }), { ids: ['part'] });
  const request = (op: string, path: number[], extra: Record<string, unknown> = {}) =>
    obj.receive({ type: 'object.request', op, path, ...extra }) as Promise<{ code: string }>;
  const seen = async (n: number): Promise<ObjectNotify[]> =>
    pollUntil(
      () => Promise.resolve(notes),
      (l) => l.length >= n,
      5000,
    );

  t.is(
    (await request('create', [3442], { format: ContentFormat.SENML_JSON, payload: createOne(1, 'beta') })).code,
    '2.01',
  );
  const afterCreate = (await seen(1))[0];
  t.is(afterCreate?.code, '2.05');
  t.true(
    afterCreate?.records?.some((r) => r.path.join('/') === '3442/1/0' && r.value === 'beta'),
    JSON.stringify(afterCreate),
  );

  t.is((await request('delete', [3442, 1])).code, '2.02');
  t.is((await seen(2))[1]?.code, '4.04');
  t.deepEqual(await obj.receive({ type: 'object.observations' }), { ids: ['part'] }, 'the part outlives the Delete');

  t.is(
    (await request('create', [3442], { format: ContentFormat.SENML_JSON, payload: createOne(1, 'gamma') })).code,
    '2.01',
  );
  const again = (await seen(3))[2];
  t.true(
    again?.records?.some((r) => r.path.join('/') === '3442/1/0' && r.value === 'gamma'),
    JSON.stringify(again),
  );
});

test('Observe-Composite over CoAP: an absent instance joins the notifications once created; only absent paths are 4.04 and leave nothing observed', async (t) => {
  const actors = new InProcessActors({});
  t.teardown(() => actors.stopAll());
  await actors.start('object:3442', objectActorModule({ spec: testObject() }));
  let transport: UdpTransport | undefined;
  await actors.start(
    'socket',
    socketActorModule({ transport: () => (transport = createUdpTransport({ host: '127.0.0.1', port: 0 })) }),
    { objects: [3442] },
  );
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  t.teardown(() => sock.close());
  // the server is this socket: notifications go to it
  const me = sock.address().port;
  await actors.get('socket')!.receive({
    type: 'socket.open',
    server: { ssid: 101, uri: `coap://127.0.0.1:${me}`, host: '127.0.0.1', port: me, security: 'nosec' },
  });
  const port = transport!.address().port;
  const got: ParsedPacket[] = [];
  sock.on('message', (b) => {
    const p = parse(b);
    got.push(p);
    if (p.confirmable) sock.send(generate({ messageId: p.messageId, code: '0.00', ack: true }), port, '127.0.0.1');
  });
  let mid = 0;
  const call = async (
    code: string,
    url: string,
    payload: Buffer,
    options: { name: string; value: Buffer }[],
  ): Promise<ParsedPacket> => {
    const id = ++mid;
    const at = got.length;
    const segs = url
      .split('/')
      .filter(Boolean)
      .map((s) => ({ name: 'Uri-Path', value: Buffer.from(s) }));
    sock.send(
      generate({
        messageId: id,
        token: Buffer.from([id]),
        code,
        confirmable: true,
        payload,
        options: [...segs, ...options],
      }),
      port,
      '127.0.0.1',
    );
    const l = await pollUntil(
      () => Promise.resolve(got.slice(at)),
      (x) => x.some((p) => p.messageId === id && p.ack),
      5000,
    );
    return l.find((p) => p.messageId === id && p.ack)!;
  };
  const observe = (paths: string[]) =>
    call('FETCH', '', Buffer.from(JSON.stringify(paths.map((n) => ({ n })))), [
      { name: 'Observe', value: Buffer.alloc(0) },
      { name: 'Content-Format', value: Buffer.from([110]) },
      { name: 'Accept', value: Buffer.from([110]) },
    ]);
  const names = (p: ParsedPacket | undefined): string[] => {
    let bn = ''; // a base name holds for the records after it (RFC 8428)
    return (JSON.parse(p?.payload.toString() || '[]') as { bn?: string; n?: string }[]).map(
      (r) => (bn = r.bn ?? bn) + (r.n ?? ''),
    );
  };

  const none = await observe(['/3442/1', '/3442/2']);
  t.is(none.code, '4.04');
  t.deepEqual(await actors.get('object:3442')!.receive({ type: 'object.observations' }), { ids: [] });

  const first = await observe(['/3442/0', '/3442/1']);
  t.is(first.code, '2.05');
  t.false(
    names(first).some((n) => n.startsWith('/3442/1/')),
    names(first).join(','),
  );
  const token = first.token.toString('hex');
  const at = got.length;
  const created = await call('POST', '/3442', Buffer.from(createOne(1, 'beta')), [
    { name: 'Content-Format', value: Buffer.from([110]) },
  ]);
  t.is(created.code, '2.01');
  const notes = await pollUntil(
    () => Promise.resolve(got.slice(at).filter((p) => p.token.toString('hex') === token && p.code === '2.05')),
    (l) => l.some((p) => names(p).includes('/3442/1/0')),
    5000,
  );
  const n = notes.find((p) => names(p).includes('/3442/1/0'));
  t.truthy(n, 'a notification holds the created instance');
  t.true(names(n).includes('/3442/0/0'), 'and the instance that was there');
});
