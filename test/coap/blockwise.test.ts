// blockwise.test.ts: block-wise between our endpoints and against node-coap: Block1 upload, size renegotiation, Block2
// download, streaming download, 4.08 / 4.13.
import test from 'ava';
import { createServer } from 'coap';
import { generate } from 'coap-packet';
import { createEndpoint } from '../../src/coap/endpoint.js';
import { decodeBlock, encodeBlock, getOption, getUint, uintBuf } from '../../src/coap/options.js';
import { FakeTransport } from './support/fake.js';
import { flush, SimTimers } from '../support/sim-timers.js';
import { bytes, closeNode, udpNode } from './support/pair.js';

test('Block1 upload and Block2 download between our endpoints; the server asks for smaller blocks', async (t) => {
  const server = await udpNode({ params: { blockSize: 128 } });
  const client = await udpNode({ params: { blockSize: 1024 } });
  const up = bytes(5000, 1);
  const down = bytes(9000, 2);
  let got: Uint8Array | undefined;
  let calls = 0;
  server.endpoint.handle((req) => {
    calls++;
    if (req.method === 'POST') {
      got = req.payload;
      return { code: '2.04' };
    }
    return { code: '2.05', contentFormat: 42, payload: down };
  });
  const r = await client.endpoint.request(server.addr, {
    method: 'POST',
    path: ['fw'],
    payload: up,
    contentFormat: 42,
  });
  t.is(r.code, '2.04');
  t.deepEqual(Buffer.from(got ?? []), Buffer.from(up));
  const g = await client.endpoint.request(server.addr, { method: 'GET', path: ['fw'] });
  t.is(g.contentFormat, 42);
  t.deepEqual(Buffer.from(g.payload), Buffer.from(down));
  t.is(calls, 2);
  // Streaming: blocks arrive one by one, in order, and the whole is never returned.
  const sizes: number[] = [];
  const parts: Buffer[] = [];
  const last = await client.endpoint.download(
    server.addr,
    { method: 'GET', path: ['fw'], blockSize: 64 },
    (p, info) => {
      sizes.push(info.num);
      parts.push(Buffer.from(p));
      t.is(info.total, 9000);
    },
  );
  t.is(last.code, '2.05');
  t.is(sizes.length, Math.ceil(9000 / 64));
  t.deepEqual(
    sizes,
    sizes.map((_, i) => i),
  );
  t.deepEqual(Buffer.concat(parts), Buffer.from(down));
  // Resuming at block 100 (of 64 bytes) yields the rest from byte 6400.
  const rest: Buffer[] = [];
  const firstNums: number[] = [];
  await client.endpoint.download(
    server.addr,
    { method: 'GET', path: ['fw'], blockSize: 64, block2Start: 100 },
    (p, info) => {
      firstNums.push(info.num);
      rest.push(Buffer.from(p));
    },
  );
  t.is(firstNums[0], 100);
  t.deepEqual(Buffer.concat(rest), Buffer.from(down).subarray(6400));
  await closeNode(server);
  await closeNode(client);
});

test('our client against node-coap: large GET (Block2) and large PUT (Block1)', async (t) => {
  const big = Buffer.from(bytes(4000, 4));
  let put: Buffer | undefined;
  const srv = createServer({ type: 'udp4' }, (req, res) => {
    if (req.method === 'PUT') {
      put = req.payload;
      res.code = '2.04';
      res.end();
      return;
    }
    res.end(big);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv as unknown as { _sock: { address(): { port: number } } })._sock.address().port;
  const c = await udpNode();
  const g = await c.endpoint.request({ address: '127.0.0.1', port }, { method: 'GET', path: ['big'] });
  t.is(g.code, '2.05');
  t.deepEqual(Buffer.from(g.payload), big);
  const p = await c.endpoint.request(
    { address: '127.0.0.1', port },
    { method: 'PUT', path: ['up'], payload: bytes(3000, 5), blockSize: 256 },
  );
  t.is(p.code, '2.04');
  t.deepEqual(put, Buffer.from(bytes(3000, 5)));
  await closeNode(c);
  await new Promise<void>((r) => srv.close(() => r()));
});

test('Block1 out of order gets 4.08; too large gets 4.13 with Size1; a changed token per block still assembles', async (t) => {
  const tr = new FakeTransport();
  const ep = createEndpoint(tr, { timers: new SimTimers(), params: { maxBodyBytes: 1024 } });
  const bodies: number[] = [];
  ep.handle((req) => {
    bodies.push(req.payload.length);
    return { code: '2.04' };
  });
  const peer = { address: '10.0.0.4', port: 5683 };
  let mid = 1;
  const put = (
    num: number,
    more: boolean,
    size: number,
    len: number,
    extra: { name: string; value: Buffer }[] = [],
  ): void => {
    tr.deliver(
      generate({
        code: '0.03',
        messageId: mid++,
        confirmable: true,
        token: Buffer.from([mid & 0xff]),
        options: [
          { name: 'Uri-Path', value: Buffer.from('f') },
          { name: 'Block1', value: encodeBlock({ num, more, size }) },
          ...extra,
        ],
        payload: Buffer.alloc(len, num),
      }),
      peer,
    );
  };
  put(1, true, 64, 64); // no transfer started
  await flush();
  t.is(tr.packets().at(-1)?.code, '4.08');
  put(0, true, 64, 64);
  put(1, true, 64, 64);
  put(1, true, 64, 64); // repeat with a new MID and token: acknowledged again
  put(3, true, 64, 64); // gap
  await flush();
  t.deepEqual(
    tr
      .packets()
      .slice(-4)
      .map((p) => p.code),
    ['2.31', '2.31', '2.31', '4.08'],
  );
  put(0, true, 64, 64);
  put(1, true, 64, 64);
  put(2, false, 64, 10);
  await flush();
  const fin = tr.packets().at(-1);
  t.is(fin?.code, '2.04');
  t.deepEqual(decodeBlock(getOption(fin ?? {}, 'Block1')), { num: 2, more: false, size: 64 });
  t.deepEqual(bodies, [138]);
  put(0, true, 64, 64, [{ name: 'Size1', value: uintBuf(5000) }]);
  await flush();
  t.is(tr.packets().at(-1)?.code, '4.13');
  t.is(getUint(tr.packets().at(-1) ?? {}, 'Size1'), 1024);
  for (let i = 0; i < 17; i++) put(i, true, 64, 64);
  await flush();
  t.is(tr.packets().at(-1)?.code, '4.13');
});
