// limits.test.ts: what a peer can make the endpoint hold is capped: Observe relations (beyond maxObservations a plain
// answer without Observe, freed on cancel) and requests in progress (5.03 beyond maxPendingRequests).
import test from 'ava';
import { generate } from 'coap-packet';
import { createEndpoint } from '../../src/coap/endpoint.js';
import { encodeBlock, uintBuf } from '../../src/coap/options.js';
import { FakeTransport } from './support/fake.js';
import { flush, SimTimers } from '../support/sim-timers.js';

const peer = { address: '10.0.0.2', port: 5683 };
let mid = 100;
const observe = (token: number, value = 0): Buffer =>
  generate({
    code: '0.01',
    messageId: mid++,
    confirmable: true,
    token: Buffer.from([token]),
    options: [
      { name: 'Observe', value: uintBuf(value) },
      { name: 'Uri-Path', value: Buffer.from('3') },
    ],
  });
const hasObserve = (p: { options: { name: string | number }[] }): boolean =>
  p.options.some((o) => o.name === 'Observe');

test('maxObservations: registrations beyond the cap (in flight ones counted) get a plain 2.05; a cancel frees a slot', async (t) => {
  const timers = new SimTimers();
  const tr = new FakeTransport(() => timers.now());
  const ep = createEndpoint(tr, { timers, params: { maxObservations: 3 } });
  const observed: (number | undefined)[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  ep.handle(async (req, ctx) => {
    observed.push(req.observe);
    if (req.observe === 0) {
      ctx.acceptObserve();
      await gate;
    }
    return { code: '2.05' };
  });
  for (let i = 1; i <= 5; i++) tr.deliver(observe(i), peer);
  await flush();
  t.deepEqual(observed, [0, 0, 0, undefined, undefined]); // three registrations still running hold the three slots
  release();
  await flush();
  const first = tr.packets();
  t.deepEqual(first.map(hasObserve).sort(), [false, false, true, true, true]);
  t.is(ep.stats().relations, 3);
  // A re-registration with a held token takes no new slot.
  tr.sent.length = 0;
  tr.deliver(observe(1), peer);
  await flush();
  t.true(hasObserve(tr.packets()[0]));
  t.is(ep.stats().relations, 3);
  // Cancel one (GET Observe=1, same token): the next registration is accepted.
  tr.deliver(observe(2, 1), peer);
  tr.deliver(observe(9), peer);
  await flush();
  t.is(ep.stats().relations, 3);
  t.true(hasObserve(tr.packets().at(-1)!));
  await ep.close();
});

test('maxPendingRequests: requests beyond the cap get 5.03 without reaching the handler; answered ones free their slots', async (t) => {
  const timers = new SimTimers();
  const tr = new FakeTransport(() => timers.now());
  const ep = createEndpoint(tr, { timers, params: { maxPendingRequests: 2, separateResponseAfterMs: 60_000 } });
  let calls = 0;
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  ep.handle(async () => {
    calls++;
    await gate;
    return { code: '2.05' };
  });
  const get = (token: number): Buffer =>
    generate({
      code: '0.01',
      messageId: mid++,
      confirmable: true,
      token: Buffer.from([token]),
      options: [{ name: 'Uri-Path', value: Buffer.from('3') }],
    });
  for (let i = 1; i <= 4; i++) tr.deliver(get(i), peer);
  await flush();
  t.is(calls, 2);
  t.deepEqual(
    tr.packets().map((p) => p.code),
    ['5.03', '5.03'],
  );
  release();
  await flush();
  tr.sent.length = 0;
  tr.deliver(get(5), peer);
  await flush();
  t.is(calls, 3);
  t.deepEqual(
    tr.packets().map((p) => p.code),
    ['2.05'],
  );
  await ep.close();
});

test('Block1 transfers in progress share one maxBodyBytes budget: the block that would exceed it gets 5.03', async (t) => {
  const timers = new SimTimers();
  const tr = new FakeTransport(() => timers.now());
  const ep = createEndpoint(tr, { timers, params: { maxBodyBytes: 100, blockSize: 16 } });
  ep.handle(() => ({ code: '2.04' }));
  const put = (path: string, num: number): Buffer =>
    generate({
      code: '0.03',
      messageId: mid++,
      confirmable: true,
      token: Buffer.from([num]),
      options: [
        { name: 'Uri-Path', value: Buffer.from(path) },
        { name: 'Block1', value: encodeBlock({ num, more: true, size: 16 }) },
      ],
      payload: Buffer.alloc(16, 1),
    });
  for (let n = 0; n < 5; n++) tr.deliver(put('a', n), peer); // 80 bytes held for /a
  tr.deliver(put('b', 0), peer); // 96
  tr.deliver(put('b', 1), peer); // 112 > 100
  await flush();
  t.deepEqual(
    tr.packets().map((p) => p.code),
    ['2.31', '2.31', '2.31', '2.31', '2.31', '2.31', '5.03'],
  );
  await ep.close();
});
