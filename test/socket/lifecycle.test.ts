// lifecycle.test.ts: the socket actor on the project's own CoAP endpoint and UDP transport: serves node-coap,
// sends coap.send, open/pause/resume/close, network.error.
import test from 'ava';
import { createSocket } from 'node:dgram';
import { generate, parse } from 'coap-packet';
import { testObject } from '../lwm2m/fixture-object.js';
import { Agent, createServer, request, type IncomingMessage, type OutgoingMessage, type Server } from 'coap';
import { InProcessActors } from '../support/in-process-actors.js';
import { objectActorModule } from '../../src/actors/object.actor.js';
import { socketActorModule } from '../../src/actors/socket.actor.js';
import { createDeviceObject } from '../../src/objects/device.js';
import { createUdpTransport, type UdpTransport } from '../../src/coap/transports/udp.js';
import type { CoapIncomingResponse } from '../../src/coap/api.js';
import type { Transport } from '../../src/coap/transport.js';
import { pollUntil, waitFor } from '../support/poll.js';

async function lwm2mServerStub(): Promise<{ server: Server; port: number; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer({ type: 'udp4' });
  server.on('request', (req: IncomingMessage, res: OutgoingMessage) => {
    seen.push(`${req.method} ${req.url}`);
    res.code = '2.01';
    res.setOption('Location-Path', [Buffer.from('rd'), Buffer.from('abc')]);
    res.end();
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve((server as unknown as { _sock: { address(): { port: number } } })._sock.address().port),
    ),
  );
  return { server, port, seen };
}

test('socket actor on the real endpoint: coap.send to the server, serves its reads, pause/resume/close', async (t) => {
  const { server, port, seen } = await lwm2mServerStub();
  const actors = new InProcessActors({ device: { manufacturer: 'ACME' } });
  await actors.start('object:3', objectActorModule({ spec: createDeviceObject({ version: '1.0.0' }) }));
  let transport: UdpTransport | undefined;
  await actors.start(
    'socket',
    socketActorModule({
      transport: (): Transport => (transport = createUdpTransport({ host: '127.0.0.1', port: 0 })),
    }),
    { objects: [3] },
  );
  const socket = actors.get('socket')!;
  const target = { ssid: 101, uri: `coap://127.0.0.1:${port}`, host: '127.0.0.1', port, security: 'nosec' as const };
  t.deepEqual(await socket.receive({ type: 'socket.open', server: target }), { ok: true });
  t.deepEqual(socket.receive({ type: 'socket.state' }), { state: 'open' });

  const reg = (await socket.receive({
    type: 'coap.send',
    req: {
      method: 'POST',
      path: ['rd'],
      query: ['ep=x', 'lt=300'],
      contentFormat: 40,
      payload: new Uint8Array(Buffer.from('</3/0>')),
    },
  })) as CoapIncomingResponse;
  t.is(reg.code, '2.01');
  t.deepEqual(reg.locationPath, ['rd', 'abc']);
  t.is(seen[0], 'POST /rd?ep=x&lt=300');

  // The client resumes before every Update, open or not: an open socket stays as it is and the Update goes through.
  const sameTransport = transport;
  const [resumed, update] = await Promise.all([
    socket.receive({ type: 'socket.resume' }),
    socket.receive({ type: 'coap.send', req: { method: 'POST', path: ['rd', 'abc'] } }),
  ]);
  t.deepEqual(resumed, { ok: true });
  t.is((update as CoapIncomingResponse).code, '2.01');
  t.is(transport, sameTransport, 'no new transport');

  // the server reads /3/0/0 from the client's socket
  const devicePort = transport!.address().port;
  const agent = new Agent({ type: 'udp4' });
  const got = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request({ hostname: '127.0.0.1', port: devicePort, pathname: '/3/0/0', agent });
    req.on('response', resolve);
    req.on('error', reject);
    req.end();
  });
  t.is(got.code, '2.05');
  t.is(got.payload.toString(), 'ACME');
  t.true(actors.captured.some((c) => c.to === 'client' && c.msg.type === 'lwm2m.server-activity'));

  t.deepEqual(await socket.receive({ type: 'socket.pause' }), { ok: true });
  t.deepEqual(socket.receive({ type: 'socket.state' }), { state: 'paused' });
  await t.throwsAsync(
    socket.receive({ type: 'coap.send', req: { method: 'POST', path: ['rd'] } }) as Promise<unknown>,
    { code: 'SOCKET_CLOSED' } as never,
  );
  t.deepEqual(await socket.receive({ type: 'socket.resume' }), { ok: true });
  t.deepEqual(socket.receive({ type: 'socket.state' }), { state: 'open' });
  t.deepEqual(await socket.receive({ type: 'socket.close' }), { ok: true });
  t.deepEqual(socket.receive({ type: 'socket.state' }), { state: 'closed' });
  await actors.stopAll();
  agent.close();
  await new Promise<void>((r) => server.close(() => r()));
});

test('a transport that cannot open → failed, network.error published, open rejects with its code', async (t) => {
  const actors = new InProcessActors();
  const failing: Transport = {
    kind: 'udp',
    mtu: 1152,
    send: () => Promise.resolve(),
    close: () => Promise.resolve(),
    onEvent: () => undefined,
    open: () => Promise.reject(Object.assign(new Error('no route'), { code: 'NETWORK_ERROR' })),
  };
  await actors.start('socket', socketActorModule({ transport: () => failing }), { objects: [] });
  const socket = actors.get('socket')!;
  await t.throwsAsync(
    socket.receive({
      type: 'socket.open',
      server: { ssid: 1, uri: 'coap://127.0.0.1:1', host: '127.0.0.1', port: 1, security: 'nosec' },
    }) as Promise<unknown>,
    { code: 'NETWORK_ERROR' } as never,
  );
  t.deepEqual(socket.receive({ type: 'socket.state' }), { state: 'failed' });
  t.true(
    actors.captured.some((c) => c.kind === 'publish' && c.msg.type === 'network.error' && c.msg.source === 'socket'),
  );
  await actors.stopAll();
});

test('object actor loads a spec module by config path (as the runtime starts it)', async (t) => {
  const actors = new InProcessActors({ device: { manufacturer: 'FromConfig' } });
  const { default: mod } = await import('../../src/actors/object.actor.js');
  await actors.start('object:3', mod, { spec: 'objects/device.js' });
  const r = (await actors.get('object:3')!.receive({ type: 'object.request', op: 'read', path: [3, 0, 0] })) as {
    code: string;
    payload: Uint8Array;
  };
  t.is(r.code, '2.05');
  t.is(Buffer.from(r.payload).toString(), 'FromConfig');
  await t.throwsAsync(actors.start('object:9', mod, { spec: 'objects/nope.js' }));
  await actors.stopAll();
});

test('observe through the real endpoint: notification on change, deregister by GET Observe=1', async (t) => {
  const actors = new InProcessActors();
  await actors.start('object:3442', objectActorModule({ spec: testObject() }));
  let transport: UdpTransport | undefined;
  await actors.start(
    'socket',
    socketActorModule({ transport: (): Transport => (transport = createUdpTransport({ host: '127.0.0.1', port: 0 })) }),
    { objects: [3442] },
  );
  const socket = actors.get('socket')!;
  await socket.receive({
    type: 'socket.open',
    server: { ssid: 101, uri: 'coap://127.0.0.1:9', host: '127.0.0.1', port: 9, security: 'nosec' },
  });
  const port = transport!.address().port;
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const got: string[] = [];
  sock.on('message', (buf) => {
    const p = parse(buf);
    if (p.confirmable) sock.send(generate({ messageId: p.messageId, ack: true, code: '0.00' }), port, '127.0.0.1');
    if (p.code === '2.05') got.push(p.payload.toString());
  });
  const get = (observe: number, mid: number): void => {
    sock.send(
      generate({
        messageId: mid,
        token: Buffer.from([5, 6]),
        code: 'GET',
        confirmable: true,
        options: [
          { name: 'Observe', value: Buffer.from(observe === 0 ? [] : [observe]) },
          ...['3442', '0', '1'].map((s) => ({ name: 'Uri-Path', value: Buffer.from(s) })),
        ],
      }),
      port,
      '127.0.0.1',
    );
  };
  const answers = (n: number): Promise<void> =>
    waitFor(() => got.length >= n, { timeoutMs: 2000, what: `${n} answers` });
  get(0, 1);
  await answers(1);
  t.deepEqual(got, ['5']);
  await actors.get('object:3442')!.receive({
    type: 'object.request',
    op: 'write',
    path: [3442, 0, 1],
    format: 0,
    payload: new Uint8Array(Buffer.from('6')),
  });
  await answers(2);
  t.deepEqual(got, ['5', '6']);
  get(1, 2);
  await answers(3);
  const ids = await pollUntil(
    async () => ((await actors.get('object:3442')!.receive({ type: 'object.observations' })) as { ids: string[] }).ids,
    (x) => x.length === 0,
    1000,
    10,
  );
  t.deepEqual(ids, []);
  sock.close();
  await actors.stopAll();
});
