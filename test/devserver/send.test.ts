// send.test.ts: Send (POST /dp) decoded into 'send' events; 5.03 / drop overrides to test the client's resend rules.
import test from 'ava';
import { createSocket } from 'node:dgram';
import { generate, parse } from 'coap-packet';
import { encode } from '../../src/lwm2m/formats/index.js';
import { ContentFormat, type LwRecord } from '../../src/lwm2m/types.js';
import { startDevServer } from '../../src/devserver/server.js';
import { TypeRegistry } from '../../src/devserver/model.js';
import { FakeClient } from '../support/fake-lwm2m-client.js';
import { quietPeriod, waitFor } from '../support/poll.js';

const types = new TypeRegistry();
const readings: LwRecord[] = [
  { path: [3, 0, 9], value: 77, time: 1_700_000_000 },
  { path: [3, 0, 9], value: 76, time: 1_700_000_060 },
];

for (const format of [ContentFormat.SENML_CBOR, ContentFormat.SENML_JSON, ContentFormat.LWM2M_CBOR]) {
  test(`Send in format ${format} becomes a 'send' event`, async (t) => {
    const s = await startDevServer({});
    const c = await FakeClient.start();
    t.teardown(async () => {
      await s.close();
      await c.close();
    });
    await c.register(s.port, 'sender');
    const got = s.waitFor('send');
    const records = format === ContentFormat.LWM2M_CBOR ? [{ path: [3, 0, 9], value: 77 }] : readings;
    const a = await c.request(
      s.port,
      'POST',
      '/dp',
      undefined,
      Buffer.from(encode(format, records, types.context([]))),
      format,
    );
    t.is(a.code, '2.04');
    const ev = await got;
    t.is(ev.endpoint, 'sender');
    t.is(ev.contentFormat, format);
    t.deepEqual(ev.records, records);
  });
}

test('Send from an unregistered peer gets 4.04; garbage gets 4.00', async (t) => {
  const s = await startDevServer({});
  const c = await FakeClient.start();
  t.teardown(async () => {
    await s.close();
    await c.close();
  });
  const body = Buffer.from(encode(ContentFormat.SENML_CBOR, readings, types.context([])));
  t.is((await c.request(s.port, 'POST', '/dp', undefined, body, ContentFormat.SENML_CBOR)).code, '4.04');
  await c.register(s.port, 'sender');
  t.is(
    (await c.request(s.port, 'POST', '/dp', undefined, Buffer.from([0xff, 0x00, 0x13]), ContentFormat.SENML_CBOR)).code,
    '4.00',
  );
  t.is((await c.request(s.port, 'POST', '/dp', undefined, body)).code, '4.00', 'no content format');
});

test('Send answered 5.03 on demand, then accepted again', async (t) => {
  const s = await startDevServer({});
  const c = await FakeClient.start();
  t.teardown(async () => {
    await s.close();
    await c.close();
  });
  await c.register(s.port, 'sender');
  const body = Buffer.from(encode(ContentFormat.SENML_CBOR, readings, types.context([])));
  let events = 0;
  s.on('send', () => {
    events++;
  });
  s.setBehaviour('send', { code: '5.03' });
  t.is((await c.request(s.port, 'POST', '/dp', undefined, body, ContentFormat.SENML_CBOR)).code, '5.03');
  s.setBehaviour('send', undefined);
  t.is((await c.request(s.port, 'POST', '/dp', undefined, body, ContentFormat.SENML_CBOR)).code, '2.04');
  t.is(events, 1);
  t.is(s.count('send', 'sender'), 2);
});

test('dropped requests get no answer at all (not even an empty ACK); a retransmission counts once', async (t) => {
  const s = await startDevServer({});
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  t.teardown(async () => {
    await s.close();
    sock.close();
  });
  const got: Buffer[] = [];
  sock.on('message', (m) => got.push(m));
  s.setBehaviour('register', { drop: true });
  const pkt = generate({
    code: '0.02',
    confirmable: true,
    messageId: 4242,
    token: Buffer.from([1, 2]),
    options: [
      { name: 'Uri-Path', value: Buffer.from('rd') },
      { name: 'Uri-Query', value: Buffer.from('ep=quiet') },
    ],
    payload: Buffer.from('</3/0>'),
  });
  const registers = (): number => s.requests.filter((r) => r.kind === 'register').length;
  sock.send(pkt, s.port, '127.0.0.1');
  await waitFor(() => registers() >= 1, { timeoutMs: 2000, what: 'the dropped Register in the log' });
  sock.send(pkt, s.port, '127.0.0.1');
  await waitFor(() => registers() >= 2, { timeoutMs: 2000, what: 'the retransmission in the log' });
  await quietPeriod(100, 'a dropped request gets no answer, not even an empty ACK');
  t.is(got.length, 0);
  t.is(s.count('register', 'quiet'), 1);
  t.is(s.requests.filter((r) => r.kind === 'register').length, 2, 'both datagrams are in the log');
  s.setBehaviour('register', undefined);
  sock.send(
    generate({
      code: '0.02',
      confirmable: true,
      messageId: 4243,
      token: Buffer.from([3]),
      options: [
        { name: 'Uri-Path', value: Buffer.from('rd') },
        { name: 'Uri-Query', value: Buffer.from('ep=quiet') },
      ],
      payload: Buffer.from('</3/0>'),
    }),
    s.port,
    '127.0.0.1',
  );
  await waitFor(() => got.length >= 1, { timeoutMs: 2000, what: 'the answer to the Register' });
  t.is(got.length, 1);
  t.is(parse(got[0]).code, '2.01');
});

test('malformed datagrams are ignored and the server keeps serving', async (t) => {
  const s = await startDevServer({});
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  t.teardown(async () => {
    await s.close();
    sock.close();
  });
  for (const junk of [
    Buffer.from([]),
    Buffer.from([0xff]),
    Buffer.from('hello world'),
    Buffer.from([0x40, 0x02, 0x00]),
  ])
    sock.send(junk, s.port, '127.0.0.1');
  const c = await FakeClient.start();
  t.teardown(() => c.close());
  t.is((await c.register(s.port, 'after-junk')).code, '2.01');
});

test('a CoAP ping (empty CON) gets exactly one RST', async (t) => {
  const s = await startDevServer({});
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  t.teardown(async () => {
    await s.close();
    sock.close();
  });
  const got: Buffer[] = [];
  sock.on('message', (m) => got.push(m));
  sock.send(generate({ code: '0.00', confirmable: true, messageId: 777 }), s.port, '127.0.0.1');
  await waitFor(() => got.length >= 1, { timeoutMs: 2000, what: 'the RST' });
  await quietPeriod(100, 'exactly one RST: a second answer would arrive now');
  t.is(got.length, 1);
  const p = parse(got[0]);
  t.true(p.reset);
  t.is(p.messageId, 777);
});
