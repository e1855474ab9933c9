// blockwise.test.ts: large writes leave block-wise (Block1), large answers are reassembled (Block2); the client's address may change (NAT).
import test from 'ava';
import { ContentFormat } from '../../src/lwm2m/types.js';
import { startDevServer } from '../../src/devserver/server.js';
import { FakeClient } from './support/fake-client.js';

const blob = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7) & 0xff));

test('a 3000-byte Write goes out in Block1 blocks and arrives whole', async (t) => {
  const s = await startDevServer({ blockSize: 512, requestTimeoutMs: 5000 });
  const c = await FakeClient.start();
  t.teardown(async () => { await s.close(); await c.close(); });
  await c.register(s.port, 'fw-1');
  let got: Buffer | undefined;
  c.handler = (req, res) => { got = req.payload; res.code = '2.04'; res.end(); return true; };
  const r = await s.write('fw-1', '/5/0/0', Uint8Array.from(blob(3000)), { format: ContentFormat.OPAQUE });
  t.is(r.code, '2.04');
  t.deepEqual(got, blob(3000));
  t.is(c.seen.length, 1, 'the handler sees one reassembled request');
  t.true(c.datagrams >= 6, `3000 bytes in 512-byte blocks take 6 datagrams, saw ${c.datagrams}`);
});

test('a 3000-byte Read answer is fetched block by block (Block2)', async (t) => {
  const s = await startDevServer({ requestTimeoutMs: 5000 });
  const c = await FakeClient.start();
  t.teardown(async () => { await s.close(); await c.close(); });
  await c.register(s.port, 'big-1');
  c.handler = (_req, res) => { res.setOption('Content-Format', ContentFormat.OPAQUE); res.end(blob(3000)); return true; };
  const r = await s.read('big-1', '/5/0/0');
  t.is(r.code, '2.05');
  t.deepEqual(Buffer.from(r.payload), blob(3000));
  // node-coap's server (the fake client here) leaves Content-Format off the later blocks, so no records to check.
});

test('after an Update from a new source port (NAT rebinding) requests go to the new port', async (t) => {
  const s = await startDevServer({ requestTimeoutMs: 3000 });
  const a = await FakeClient.start();
  const b = await FakeClient.start();
  t.teardown(async () => { await s.close(); await a.close(); await b.close(); });
  await a.register(s.port, 'nat-1');
  const loc = s.registrations.get('nat-1')!.location;
  t.is((await b.request(s.port, 'POST', loc)).code, '2.04');
  t.is(s.registrations.get('nat-1')!.peer.port, b.port);
  b.handler = (_req, res) => { res.setOption('Content-Format', ContentFormat.TEXT); res.end('hi'); return true; };
  const r = await s.read('nat-1', '/3/0/0');
  t.is(r.code, '2.05');
  t.is(a.seen.length, 0);
  t.is(b.seen.length, 1);
});
