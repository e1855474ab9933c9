// objects.test.ts: the socket actor and object actors in-process answering a real node-coap client over UDP
// loopback.
import test from 'ava';
import { createSocket } from 'node:dgram';
import { generate, parse } from 'coap-packet';
import { Agent, request, type IncomingMessage, type OutgoingMessage } from 'coap';
import type { CoapMethod } from '../../src/coap/api.js';
import { InProcessActors } from '../support/in-process-actors.js';
import { nodeCoapEndpoint, nullTransport } from '../support/node-coap-endpoint.js';
import { SimTimers } from '../support/sim-timers.js';
import { objectActorModule } from '../../src/actors/object.actor.js';
import { socketActorModule } from '../../src/actors/socket.actor.js';
import { createDeviceObject } from '../../src/objects/device.js';
import { testObject } from '../lwm2m/fixture-object.js';
import { ContentFormat } from '../../src/lwm2m/types.js';
import { decode, untypedContext } from '../../src/lwm2m/formats/index.js';
import { quietPeriod, waitFor } from '../support/poll.js';

const FORMATS: Record<string, number> = {
  'text/plain': 0,
  'application/link-format': 40,
  'application/octet-stream': 42,
  'application/senml+json': 110,
  'application/senml+cbor': 112,
  'application/vnd.oma.lwm2m+tlv': 11542,
  'application/vnd.oma.lwm2m+cbor': 11544,
};

interface Reply {
  code: string;
  payload: Buffer;
  format?: number;
  location: string[];
}

async function setup() {
  const timers = new SimTimers();
  const actors = new InProcessActors({ device: { manufacturer: 'ACME', model: 'WM-1', serial: 'S42' } });
  actors.stub('client', (m) => (m.type === 'lwm2m.bootstrap-finish' ? { code: '2.04' } : undefined));
  await actors.start('object:3', objectActorModule({ spec: createDeviceObject({ version: '9.9.9' }), timers }));
  await actors.start('object:3442', objectActorModule({ spec: testObject(), timers }));
  const { endpoint, ready } = nodeCoapEndpoint();
  await actors.start('socket', socketActorModule({ transport: () => nullTransport(), endpoint: () => endpoint }), {
    objects: [3, 3442],
  });
  await actors.get('socket')!.receive({
    type: 'socket.open',
    server: { ssid: 101, uri: 'coap://127.0.0.1:5683', host: '127.0.0.1', port: 5683, security: 'nosec' },
  });
  const port = await ready;
  const agent = new Agent({ type: 'udp4' });
  const call = (
    method: CoapMethod,
    path: string,
    o: { accept?: number; format?: number; payload?: Buffer | string; query?: string } = {},
  ): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const req: OutgoingMessage = request({
        hostname: '127.0.0.1',
        port,
        method,
        pathname: path,
        query: o.query ?? '',
        agent,
        confirmable: true,
      });
      if (o.accept !== undefined) req.setOption('Accept', o.accept);
      if (o.format !== undefined) req.setOption('Content-Format', o.format);
      req.on('response', (res: IncomingMessage) => {
        const loc = (res as unknown as { options: { name: string; value: Buffer }[] }).options
          .filter((x) => x.name === 'Location-Path')
          .map((x) => x.value.toString());
        const cf = (res.headers as Record<string, unknown>)['Content-Format'];
        const format = typeof cf === 'string' ? FORMATS[cf.split(';')[0]] : typeof cf === 'number' ? cf : undefined;
        resolve({ code: res.code, payload: res.payload, ...(format !== undefined ? { format } : {}), location: loc });
      });
      req.on('error', reject);
      req.end(o.payload);
    });
  return { actors, timers, call, port, agent };
}

test('read /3/0 and /3/0/0, write, execute, create/delete, discover over UDP', async (t) => {
  const { actors, call } = await setup();
  const r0 = await call('GET', '/3/0/0');
  t.is(r0.code, '2.05');
  t.is(r0.payload.toString(), 'ACME');
  const inst = await call('GET', '/3/0', { accept: ContentFormat.SENML_JSON });
  t.is(inst.code, '2.05');
  t.is(inst.format, ContentFormat.SENML_JSON);
  const recs = decode(ContentFormat.SENML_JSON, new Uint8Array(inst.payload), untypedContext([3, 0]));
  t.true(recs.some((r) => r.path.join('/') === '3/0/3' && r.value === '9.9.9'));
  t.is((await call('GET', '/3/0', { accept: ContentFormat.TLV })).code, '2.05');
  t.is((await call('GET', '/3/0/0', { accept: 1234 })).code, '4.06');
  t.is((await call('GET', '/77/0')).code, '4.04');

  t.is((await call('PUT', '/3442/0/1', { format: ContentFormat.TEXT, payload: '33' })).code, '2.04');
  t.is((await call('GET', '/3442/0/1')).payload.toString(), '33');
  t.is((await call('PUT', '/3442/0/1', { format: ContentFormat.TEXT, payload: 'x' })).code, '4.00');
  t.is((await call('PUT', '/3/0/0', { format: ContentFormat.TEXT, payload: 'x' })).code, '4.05');

  t.is((await call('POST', '/3/0/4')).code, '2.04');
  await waitFor(() => actors.captured.some((c) => c.to === 'runtime' && c.msg.type === 'device.reboot'), {
    timeoutMs: 2000,
    what: 'device.reboot',
  });
  t.true(
    actors.captured.some((c) => c.to === 'client' && c.msg.type === 'lwm2m.server-activity' && c.msg.ssid === 101),
  );
  t.is((await call('POST', '/3442/0/5', { payload: 'bad args' })).code, '4.00');

  const created = await call('POST', '/3442', {
    format: ContentFormat.SENML_JSON,
    payload: JSON.stringify([{ bn: '/3442/', n: '4/0', vs: 'hi' }]),
  });
  t.is(created.code, '2.01');
  t.deepEqual(created.location, ['3442', '4']);
  t.is((await call('DELETE', '/3442/4')).code, '2.02');
  t.is((await call('DELETE', '/3442/4')).code, '4.04');

  const disc = await call('GET', '/3/0', { accept: ContentFormat.LINK });
  t.is(disc.code, '2.05');
  t.true(disc.payload.toString().startsWith('</3/0>,</3/0/0>,'), disc.payload.toString());
  t.true(disc.payload.toString().includes('</3/0/11>;dim=1'));
  await actors.stopAll();
});

test('write-attributes then observe: pmax forces, pmin holds back, cancel stops', async (t) => {
  const { actors, timers, call, port } = await setup();
  t.is((await call('PUT', '/3442/0/1', { query: 'pmin=2&pmax=10' })).code, '2.04');
  t.is((await call('PUT', '/3442/0/1', { query: 'lt=5&gt=2' })).code, '4.00');
  // Observe from a raw UDP socket (coap-packet codec), so that the cancel is a real GET Observe=1 with the same token
  // from the same port.
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const values: string[] = [];
  sock.on('message', (buf) => {
    const p = parse(buf);
    if (p.confirmable) sock.send(generate({ messageId: p.messageId, ack: true, code: '0.00' }), port, '127.0.0.1');
    if (p.code === '2.05') values.push(p.payload.toString());
  });
  const token = Buffer.from([1, 2, 3, 4]);
  const get = (observe: number, mid: number): void => {
    sock.send(
      generate({
        messageId: mid,
        token,
        code: 'GET',
        confirmable: true,
        options: [
          { name: 'Observe', value: Buffer.from(observe === 0 ? [] : [observe]) },
          { name: 'Uri-Path', value: Buffer.from('3442') },
          { name: 'Uri-Path', value: Buffer.from('0') },
          { name: 'Uri-Path', value: Buffer.from('1') },
        ],
      }),
      port,
      '127.0.0.1',
    );
  };
  const notifications = (n: number): Promise<void> =>
    waitFor(() => values.length >= n, { timeoutMs: 2000, what: `${n} notifications` });
  get(0, 100);
  await notifications(1);
  t.deepEqual(values, ['5']);
  await timers.advance(10_000); // pmax
  await notifications(2);
  t.deepEqual(values, ['5', '5']);
  // two quick writes within pmin → one notification with the last value at pmin
  t.is((await call('PUT', '/3442/0/1', { format: ContentFormat.TEXT, payload: '6' })).code, '2.04');
  t.is((await call('PUT', '/3442/0/1', { format: ContentFormat.TEXT, payload: '7' })).code, '2.04');
  await quietPeriod(30, 'pmin holds the change back: nothing may cross the loopback socket');
  t.is(values.length, 2, 'pmin holds the change back');
  await timers.advance(2000);
  await notifications(3);
  t.deepEqual(values, ['5', '5', '7']);
  get(1, 101); // deregister
  await notifications(4);
  await waitFor(
    async () =>
      ((await actors.get('object:3442')!.receive({ type: 'object.observations' })) as { ids: string[] }).ids.length ===
      0,
    { timeoutMs: 1000, what: 'the relation gone' },
  );
  const left = (await actors.get('object:3442')!.receive({ type: 'object.observations' })) as { ids: string[] };
  t.deepEqual(left.ids, []);
  t.is(values.length, 4, 'the deregistering GET is answered once');
  await timers.advance(30_000);
  await quietPeriod(30, 'no notification may cross the loopback socket after the cancel');
  t.is(values.length, 4, 'no notifications after cancel');
  sock.close();
  await actors.stopAll();
});

test('read-composite and write-composite fan out over objects', async (t) => {
  const { actors, call } = await setup();
  const body = JSON.stringify([{ n: '/3/0/0' }, { n: '/3442/0/0' }]);
  const r = await call('FETCH', '/', {
    format: ContentFormat.SENML_JSON,
    accept: ContentFormat.SENML_JSON,
    payload: body,
  });
  t.is(r.code, '2.05');
  const recs = decode(ContentFormat.SENML_JSON, new Uint8Array(r.payload), untypedContext([]));
  t.deepEqual(
    recs.map((x) => [x.path.join('/'), x.value]),
    [
      ['3/0/0', 'ACME'],
      ['3442/0/0', 'alpha'],
    ],
  );
  const w = await call('iPATCH', '/', {
    format: ContentFormat.SENML_JSON,
    payload: JSON.stringify([
      { n: '/3442/0/0', vs: 'gamma' },
      { n: '/3442/0/1', v: 9 },
    ]),
  });
  t.is(w.code, '2.04');
  t.is((await call('GET', '/3442/0/0')).payload.toString(), 'gamma');
  await actors.stopAll();
});

test('observe-composite merges parts and notifies on a change of one of them', async (t) => {
  const { actors, call, port } = await setup();
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const got: string[] = [];
  sock.on('message', (buf) => {
    const p = parse(buf);
    if (p.confirmable) sock.send(generate({ messageId: p.messageId, ack: true, code: '0.00' }), port, '127.0.0.1');
    if (p.code === '2.05') got.push(p.payload.toString());
  });
  const body = Buffer.from(JSON.stringify([{ n: '/3/0/0' }, { n: '/3442/0/1' }]));
  sock.send(
    generate({
      messageId: 7,
      token: Buffer.from([9, 9]),
      code: 'FETCH',
      confirmable: true,
      payload: body,
      options: [
        { name: 'Observe', value: Buffer.alloc(0) },
        { name: 'Content-Format', value: Buffer.from([110]) },
        { name: 'Accept', value: Buffer.from([110]) },
      ],
    }),
    port,
    '127.0.0.1',
  );
  await waitFor(() => got.length >= 1, { timeoutMs: 2000, what: 'the first composite notification' });
  t.deepEqual(JSON.parse(got[0]), [
    { bn: '/', n: '3/0/0', vs: 'ACME' },
    { n: '3442/0/1', v: 5 },
  ]);
  t.is((await call('PUT', '/3442/0/1', { format: ContentFormat.TEXT, payload: '8' })).code, '2.04');
  await waitFor(() => got.length >= 2, { timeoutMs: 2000, what: 'the second composite notification' });
  t.deepEqual(JSON.parse(got[1]), [
    { bn: '/', n: '3/0/0', vs: 'ACME' },
    { n: '3442/0/1', v: 8 },
  ]);
  sock.close();
  await actors.stopAll();
});
