// blockwise.test.ts: large writes leave block-wise (Block1, timed and reported per block), large answers are
// reassembled (Block2); the client's address may change (NAT).
import test from 'ava';
import { createSocket } from 'node:dgram';
import { generate, parse } from 'coap-packet';
import { ContentFormat } from '../../src/lwm2m/types.js';
import { startDevServer } from '../../src/devserver/server.js';
import { FakeClient } from '../support/fake-lwm2m-client.js';

const blob = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7) & 0xff));

test('a 3000-byte Write goes out in Block1 blocks and arrives whole', async (t) => {
  const s = await startDevServer({ blockSize: 512, requestTimeoutMs: 5000 });
  const c = await FakeClient.start();
  t.teardown(async () => {
    await s.close();
    await c.close();
  });
  await c.register(s.port, 'fw-1');
  let got: Buffer | undefined;
  c.handler = (req, res) => {
    got = req.payload;
    res.code = '2.04';
    res.end();
    return true;
  };
  const r = await s.write('fw-1', '/5/0/0', Uint8Array.from(blob(3000)), { format: ContentFormat.OPAQUE });
  t.is(r.code, '2.04');
  t.deepEqual(got, blob(3000));
  t.is(c.seen.length, 1, 'the handler sees one reassembled request');
  t.true(c.datagrams >= 6, `3000 bytes in 512-byte blocks take 6 datagrams, saw ${c.datagrams}`);
});

test('a 3000-byte Read answer is fetched block by block (Block2)', async (t) => {
  const s = await startDevServer({ requestTimeoutMs: 5000 });
  const c = await FakeClient.start();
  t.teardown(async () => {
    await s.close();
    await c.close();
  });
  await c.register(s.port, 'big-1');
  c.handler = (_req, res) => {
    res.setOption('Content-Format', ContentFormat.OPAQUE);
    res.end(blob(3000));
    return true;
  };
  const r = await s.read('big-1', '/5/0/0');
  t.is(r.code, '2.05');
  t.deepEqual(Buffer.from(r.payload), blob(3000));
  // node-coap's server (the fake client here) leaves Content-Format off the later blocks, so no records to check.
});

test('after an Update from a new source port (NAT rebinding) requests go to the new port', async (t) => {
  const s = await startDevServer({ requestTimeoutMs: 3000 });
  const a = await FakeClient.start();
  const b = await FakeClient.start();
  t.teardown(async () => {
    await s.close();
    await a.close();
    await b.close();
  });
  await a.register(s.port, 'nat-1');
  const loc = s.registrations.get('nat-1')!.location;
  t.is((await b.request(s.port, 'POST', loc)).code, '2.04');
  t.is(s.registrations.get('nat-1')!.peer.port, b.port);
  b.handler = (_req, res) => {
    res.setOption('Content-Format', ContentFormat.TEXT);
    res.end('hi');
    return true;
  };
  const r = await s.read('nat-1', '/3/0/0');
  t.is(r.code, '2.05');
  t.is(a.seen.length, 0);
  t.is(b.seen.length, 1);
});

test('a Block1 write longer than requestTimeoutMs in all goes through when each block is acknowledged in time; progress per block', async (t) => {
  const s = await startDevServer({ blockSize: 256, requestTimeoutMs: 400 });
  const sock = createSocket('udp4');
  t.teardown(async () => {
    sock.close();
    await s.close();
  });
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  const got: Buffer[] = [];
  // a slow client on a raw socket: each block acknowledged 150 ms after it arrives (2.31 Continue, the last 2.04)
  sock.on('message', (data) => {
    const p = parse(data);
    if (p.code !== '0.03') return; // PUT
    const b1 = p.options.find((o) => o.name === 'Block1')!.value;
    const more = (b1[b1.length - 1] & 0x08) !== 0;
    got.push(p.payload);
    setTimeout(
      () =>
        sock.send(
          generate({
            messageId: p.messageId,
            token: p.token,
            ack: true,
            code: more ? '2.31' : '2.04',
            options: [{ name: 'Block1', value: b1 }],
          }),
          s.port,
          '127.0.0.1',
        ),
      150,
    );
  });
  const registered = s.waitFor('register', (r) => r.endpoint === 'slow-1');
  sock.send(
    generate({
      messageId: 1,
      token: Buffer.from([1]),
      confirmable: true,
      code: 'POST',
      options: [
        { name: 'Uri-Path', value: Buffer.from('rd') },
        { name: 'Uri-Query', value: Buffer.from('ep=slow-1') },
        { name: 'Uri-Query', value: Buffer.from('lwm2m=1.1') },
      ],
      payload: Buffer.from('</5/0>'),
    }),
    s.port,
    '127.0.0.1',
  );
  await registered;
  const progress: number[] = [];
  const r = await s.write('slow-1', '/5/0/0', Uint8Array.from(blob(1500)), {
    format: ContentFormat.OPAQUE,
    onProgress: (sent) => progress.push(sent),
  });
  t.is(r.code, '2.04', '6 blocks × 150 ms = 900 ms, over the 400 ms limit as a whole');
  t.deepEqual(Buffer.concat(got), blob(1500));
  t.deepEqual(progress, [256, 512, 768, 1024, 1280, 1500]);
});
