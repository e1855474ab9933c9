// drain.test.ts: endpoint.drain(maxMs) on simulated time: waits for a running handler and for the ACK of a separate CON
// response; gives up after maxMs; nothing pending → at once.
import test from 'ava';
import { generate } from 'coap-packet';
import { createEndpoint } from '../../src/coap/endpoint.js';
import { FakeTransport } from './support/fake.js';
import { flush, SimTimers } from '../support/sim-timers.js';

const peer = { address: '10.0.0.6', port: 5683 };
const post = (mid: number): Buffer =>
  generate({
    code: '0.02',
    messageId: mid,
    confirmable: true,
    token: Buffer.from([mid & 0xff]),
    options: [{ name: 'Uri-Path', value: Buffer.from('x') }],
  });

function setup() {
  const timers = new SimTimers();
  const tr = new FakeTransport(() => timers.now());
  const ep = createEndpoint(tr, { timers, random: () => 0, params: { separateResponseAfterMs: 500 } });
  let answer: (() => void) | undefined;
  ep.handle(async () => {
    await new Promise<void>((r) => {
      answer = r;
    });
    return { code: '2.04' };
  });
  let drained = false;
  const drain = (ms: number): void => {
    drained = false;
    void ep.drain(ms).then(() => {
      drained = true;
    });
  };
  return { timers, tr, ep, answer: () => answer?.(), drain, drained: () => drained };
}

test('nothing being answered: drain resolves at once', async (t) => {
  const s = setup();
  s.drain(5000);
  await flush();
  t.true(s.drained());
});

test('a running handler: drain resolves once its piggybacked 2.04 has been sent', async (t) => {
  const s = setup();
  s.tr.deliver(post(1), peer);
  await flush();
  s.drain(5000);
  await s.timers.advance(100);
  t.false(s.drained());
  s.answer();
  await flush();
  t.true(s.drained());
  t.is(s.tr.packets().at(-1)?.code, '2.04');
});

test('a separate CON response: drain waits for its ACK; without one it gives up after maxMs', async (t) => {
  const s = setup();
  s.tr.deliver(post(2), peer);
  await s.timers.advance(500); // empty ACK: the answer will go separately
  s.drain(5000);
  s.answer();
  await flush();
  const res = s.tr.packets().at(-1);
  t.true(res?.confirmable === true && res.code === '2.04');
  t.false(s.drained(), 'sent, not yet acknowledged');
  s.tr.deliver(generate({ code: '0.00', messageId: res?.messageId ?? 0, ack: true }), peer);
  await flush();
  t.true(s.drained());

  s.tr.deliver(post(3), peer);
  await s.timers.advance(500);
  s.drain(3000);
  s.answer();
  await s.timers.advance(2999);
  t.false(s.drained());
  await s.timers.advance(1);
  t.true(s.drained(), 'bounded by maxMs');
});
