// server-separate.test.ts: server side on simulated time: empty ACK after separateResponseAfterMs, the answer as its
// own CON, duplicates answered from cache, handler called once.
import test from 'ava';
import { generate } from 'coap-packet';
import { coapConfigSchema, paramsFromConfig } from '../../src/coap/config-schema.js';
import { createEndpoint } from '../../src/coap/endpoint.js';
import { DEFAULT_PARAMS } from '../../src/coap/params.js';
import { FakeTransport } from './support/fake.js';
import { flush, SimTimers } from '../support/sim-timers.js';

const peer = { address: '10.0.0.5', port: 5683 };
const req = (mid: number, con = true): Buffer =>
  generate({
    code: '0.01',
    messageId: mid,
    confirmable: con,
    token: Buffer.from([0xab, mid & 0xff]),
    options: [{ name: 'Uri-Path', value: Buffer.from('r') }],
  });

test('slow handler: empty ACK, then a CON response retransmitted until ACKed; duplicates get the empty ACK again', async (t) => {
  const timers = new SimTimers();
  const tr = new FakeTransport(() => timers.now());
  const ep = createEndpoint(tr, { timers, random: () => 0, params: { separateResponseAfterMs: 500 } });
  let calls = 0;
  let answer: (() => void) | undefined;
  ep.handle(async () => {
    calls++;
    await new Promise<void>((r) => {
      answer = r;
    });
    return { code: '2.05', payload: Buffer.from('done') };
  });
  tr.deliver(req(10), peer);
  await timers.advance(499);
  t.is(tr.sent.length, 0);
  await timers.advance(1);
  const ack = tr.packets()[0];
  t.true(ack.ack && ack.code === '0.00' && ack.messageId === 10);
  tr.deliver(req(10), peer); // duplicate while the handler runs
  await flush();
  t.is(tr.packets()[1].messageId, 10);
  t.true(tr.packets()[1].ack);
  answer?.();
  await flush();
  const res = tr.packets()[2];
  t.true(res.confirmable);
  t.is(res.code, '2.05');
  t.deepEqual([...res.token], [0xab, 10]);
  await timers.advance(2000); // not ACKed: retransmitted once
  t.is(tr.packets().filter((p) => p.messageId === res.messageId).length, 2);
  tr.deliver(generate({ code: '0.00', messageId: res.messageId, ack: true }), peer);
  await timers.advance(60_000);
  t.is(tr.packets().filter((p) => p.messageId === res.messageId).length, 2);
  t.is(calls, 1);
});

test('fast handler: piggybacked; duplicate CON and NON get the cached response; after EXCHANGE_LIFETIME it is new', async (t) => {
  const timers = new SimTimers();
  const tr = new FakeTransport(() => timers.now());
  const ep = createEndpoint(tr, { timers, params: { exchangeLifetimeMs: 10_000 } });
  let calls = 0;
  ep.handle(() => ({ code: '2.05', payload: Buffer.from(String(++calls)) }));
  tr.deliver(req(20), peer);
  tr.deliver(req(21, false), peer);
  await flush();
  tr.deliver(req(20), peer);
  tr.deliver(req(21, false), peer);
  await flush();
  const out = tr.packets();
  t.is(calls, 2);
  t.deepEqual(
    out.map((p) => [p.ack, p.payload.toString()]),
    [
      [true, '1'],
      [false, '2'],
      [true, '1'],
      [false, '2'],
    ],
  );
  await timers.advance(10_001);
  tr.deliver(req(20), peer);
  await flush();
  t.is(calls, 3);
});

test('config schema: defaults match DEFAULT_PARAMS; bad values are refused with the key', (t) => {
  const c = coapConfigSchema.parse(undefined);
  t.deepEqual(paramsFromConfig(c), DEFAULT_PARAMS);
  t.is(coapConfigSchema.parse({ ackTimeoutMs: 10_000 }).ackTimeoutMs, 10_000);
  const bad = coapConfigSchema.safeParse({ blockSize: 100 });
  t.false(bad.success);
  t.deepEqual(bad.error?.issues[0].path, ['blockSize']);
  t.false(coapConfigSchema.safeParse({ nope: 1 }).success);
});
