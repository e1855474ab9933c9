// fuzz.test.ts: mutated and random datagrams fed to an endpoint (fast-check, fixed seed): nothing throws, nothing
// hangs, it still answers afterwards.
import test from 'ava';
import fc from 'fast-check';
import { generate, parse } from 'coap-packet';
import { createEndpoint } from '../../src/coap/endpoint.js';
import { encodeBlock, uintBuf } from '../../src/coap/options.js';
import { FakeTransport } from './support/fake.js';
import { flush, SimTimers } from '../support/sim-timers.js';

const peer = { address: '10.0.0.2', port: 5683 };

const seeds: Buffer[] = [
  generate({
    code: '0.01',
    messageId: 1,
    confirmable: true,
    token: Buffer.from([1, 2]),
    options: [
      { name: 'Uri-Path', value: Buffer.from('3') },
      { name: 'Observe', value: uintBuf(0) },
    ],
  }),
  generate({
    code: '0.03',
    messageId: 2,
    confirmable: true,
    token: Buffer.from([3]),
    options: [
      { name: 'Uri-Path', value: Buffer.from('5') },
      { name: 'Block1', value: encodeBlock({ num: 0, more: true, size: 16 }) },
      { name: 'Size1', value: uintBuf(40) },
    ],
    payload: Buffer.alloc(16, 7),
  }),
  generate({
    code: '0.01',
    messageId: 3,
    confirmable: false,
    token: Buffer.from([4]),
    options: [
      { name: 'Uri-Path', value: Buffer.from('big') },
      { name: 'Block2', value: encodeBlock({ num: 2, more: false, size: 32 }) },
    ],
  }),
  generate({
    code: '2.05',
    messageId: 4,
    confirmable: true,
    token: Buffer.from([5, 6, 7, 8]),
    options: [{ name: 'Observe', value: uintBuf(9) }],
    payload: Buffer.from('x'),
  }),
  generate({ code: '0.00', messageId: 5, confirmable: true }),
  generate({ code: '0.00', messageId: 6, reset: true }),
];

test('mutated datagrams: no throw escapes, no unhandled rejection, no timers left running forever', async (t) => {
  const timers = new SimTimers();
  const tr = new FakeTransport(() => timers.now());
  const ep = createEndpoint(tr, { timers, params: { separateResponseAfterMs: 5, exchangeLifetimeMs: 1000 } });
  let handled = 0;
  ep.handle((req, ctx) => {
    handled++;
    if (req.observe === 0) ctx.acceptObserve();
    return { code: '2.05', payload: Buffer.alloc(req.path[0] === 'big' ? 3000 : 3, 1) };
  });
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown): void => {
    unhandled.push(e);
  };
  process.on('unhandledRejection', onUnhandled);
  const mutation = fc.record({
    seed: fc.integer({ min: 0, max: seeds.length - 1 }),
    flips: fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { maxLength: 6 }),
    cut: fc.option(fc.nat()),
    extra: fc.uint8Array({ maxLength: 8 }),
  });
  await fc.assert(
    fc.asyncProperty(fc.oneof(mutation, fc.uint8Array({ maxLength: 64 })), async (m) => {
      let data: Buffer;
      if (m instanceof Uint8Array) {
        data = Buffer.from(m);
      } else {
        data = Buffer.concat([seeds[m.seed], Buffer.from(m.extra)]);
        for (const f of m.flips) data[f.at % data.length] = f.byte;
        if (m.cut !== null) data = data.subarray(0, m.cut % (data.length + 1));
      }
      t.notThrows(() => tr.deliver(data, peer));
      await flush();
    }),
    { seed: 42, numRuns: 1500 },
  );
  // Everything the endpoint sent parses, and after the storm it still answers a ping and a request.
  for (const s of tr.sent) t.notThrows(() => parse(s.data));
  tr.sent.length = 0;
  tr.deliver(generate({ code: '0.00', messageId: 999, confirmable: true }), peer);
  tr.deliver(
    generate({
      code: '0.01',
      messageId: 1000,
      confirmable: true,
      token: Buffer.from([0xaa]),
      options: [{ name: 'Uri-Path', value: Buffer.from('ok') }],
    }),
    peer,
  );
  await flush();
  const out = tr.packets();
  t.true(out.some((p) => p.reset && p.messageId === 999));
  t.true(out.some((p) => p.ack && p.messageId === 1000 && p.code === '2.05'));
  await timers.advance(10 * 60_000);
  t.is(timers.pending, 0); // every retransmission and separate-response timer has ended
  await ep.close();
  await flush();
  process.off('unhandledRejection', onUnhandled);
  t.deepEqual(unhandled, []);
  t.true(handled > 0);
});

test('a malformed CON gets RST (readable header), a malformed NON is dropped', async (t) => {
  const tr = new FakeTransport();
  createEndpoint(tr, { timers: new SimTimers() });
  // version 1, CON, token length 9 (format error), MID 0x1234
  tr.deliver(Buffer.from([0x49, 0x01, 0x12, 0x34, 1, 2, 3, 4, 5, 6, 7, 8, 9]), peer);
  tr.deliver(Buffer.from([0x59, 0x01, 0x12, 0x35, 1, 2, 3, 4, 5, 6, 7, 8, 9]), peer);
  tr.deliver(Buffer.from([0x40]), peer);
  await flush();
  const out = tr.packets();
  t.is(out.length, 1);
  t.true(out[0].reset);
  t.is(out[0].messageId, 0x1234);
});

test('an unknown critical option gets 4.02, an unknown method 4.05', async (t) => {
  const tr = new FakeTransport();
  const ep = createEndpoint(tr, { timers: new SimTimers() });
  ep.handle(() => ({ code: '2.05' }));
  tr.deliver(
    generate({
      code: '0.01',
      messageId: 7,
      confirmable: true,
      token: Buffer.from([1]),
      options: [{ name: '2049', value: Buffer.from('x') }],
    }),
    peer,
  );
  tr.deliver(
    generate({
      code: '0.01',
      messageId: 8,
      confirmable: true,
      token: Buffer.from([2]),
      options: [{ name: 'Proxy-Uri', value: Buffer.from('coap://x') }],
    }),
    peer,
  );
  tr.deliver(generate({ code: '0.09', messageId: 9, confirmable: true, token: Buffer.from([3]) }), peer);
  await flush();
  t.deepEqual(
    tr
      .packets()
      .map((p) => [p.messageId, p.code, p.ack])
      .sort((x, y) => Number(x[0]) - Number(y[0])),
    [
      [7, '4.02', true],
      [8, '4.02', true],
      [9, '4.05', true],
    ],
  );
});
