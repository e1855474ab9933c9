// observe.test.ts: server-side Observe (RFC 7641): sequence numbers, forced CON, cancel by GET Observe=1, by RST, by
// CON timeout, replacement; large notifications.
import test from 'ava';
import { generate, type ParsedPacket } from 'coap-packet';
import type { ObserveRelation } from '../../src/coap/api.js';
import { createEndpoint } from '../../src/coap/endpoint.js';
import { decodeBlock, getOption, getUint, uintBuf } from '../../src/coap/options.js';
import { FakeTransport } from './support/fake.js';
import { flush, SimTimers } from '../support/sim-timers.js';

const peer = { address: '10.0.0.3', port: 5683 };

function setup(params = {}) {
  const timers = new SimTimers();
  const tr = new FakeTransport(() => timers.now());
  const ep = createEndpoint(tr, { timers, random: () => 0, params });
  const rels: ObserveRelation[] = [];
  const reasons: string[] = [];
  ep.handle((req, ctx) => {
    if (req.observe === 0) {
      const r = ctx.acceptObserve();
      r.onCancel((why) => reasons.push(why));
      rels.push(r);
    }
    return { code: '2.05', payload: Buffer.from('v0') };
  });
  let mid = 100;
  const get = (token: number[], observe?: number, path = 'x'): void => {
    const options: { name: string; value: Buffer }[] = [{ name: 'Uri-Path', value: Buffer.from(path) }];
    if (observe !== undefined) options.push({ name: 'Observe' as const, value: uintBuf(observe) });
    tr.deliver(
      generate({ code: '0.01', messageId: mid++, confirmable: true, token: Buffer.from(token), options }),
      peer,
    );
  };
  const last = (): ParsedPacket => tr.packets().at(-1) as ParsedPacket;
  return { timers, tr, ep, rels, reasons, get, last };
}

test('registration answers with Observe; notifications carry increasing sequence numbers; every 3rd is CON', async (t) => {
  const s = setup({ notifyConEvery: 3 });
  s.get([1, 2], 0);
  await flush();
  const reg = s.last();
  t.is(reg.code, '2.05');
  const seq0 = getUint(reg, 'Observe') as number;
  t.true(seq0 !== undefined);
  const types: boolean[] = [];
  for (let i = 1; i <= 6; i++) {
    void s.rels[0].notify({ code: '2.05', payload: Buffer.from(`v${i}`) }).catch(() => undefined);
    await flush();
    const n = s.last();
    t.deepEqual([...n.token], [1, 2]);
    t.is(getUint(n, 'Observe'), (seq0 + i) & 0xffffff);
    types.push(n.confirmable);
    if (n.confirmable) s.tr.deliver(generate({ code: '0.00', messageId: n.messageId, ack: true }), peer);
  }
  t.deepEqual(types, [false, false, true, false, false, true]);
  t.is(s.ep.stats().relations, 1);
});

test('GET with Observe=1 on the same token cancels (deregister); notify after cancel sends nothing', async (t) => {
  const s = setup();
  s.get([7], 0);
  await flush();
  s.get([7], 1);
  await flush();
  t.deepEqual(s.reasons, ['deregister']);
  t.is(s.last().code, '2.05');
  t.is(getOption(s.last(), 'Observe'), undefined);
  const before = s.tr.sent.length;
  await s.rels[0].notify({ code: '2.05', payload: Buffer.from('late') });
  t.is(s.tr.sent.length, before);
  t.is(s.ep.stats().relations, 0);
});

test('RST to a NON notification cancels (reset); RST to a CON one too', async (t) => {
  const s = setup();
  s.get([1], 0);
  s.get([2], 0);
  await flush();
  void s.rels[0].notify({ code: '2.05', payload: Buffer.from('a') }, { confirmable: false });
  await flush();
  s.tr.deliver(generate({ code: '0.00', messageId: s.last().messageId, reset: true }), peer);
  const p = s.rels[1].notify({ code: '2.05', payload: Buffer.from('b') }, { confirmable: true });
  await flush();
  s.tr.deliver(generate({ code: '0.00', messageId: s.last().messageId, reset: true }), peer);
  const err = await t.throwsAsync(p);
  t.is((err as { code?: string }).code, 'COAP_RESET');
  t.deepEqual(s.reasons, ['reset', 'reset']);
  t.is(s.ep.stats().relations, 0);
});

test('an unacknowledged CON notification times out and cancels (timeout)', async (t) => {
  const s = setup({ ackTimeoutMs: 100, maxRetransmit: 2 });
  s.get([3], 0);
  await flush();
  const p = s.rels[0].notify({ code: '2.05', payload: Buffer.from('c') }, { confirmable: true });
  p.catch(() => undefined);
  await s.timers.advance(1000);
  const err = await t.throwsAsync(p);
  t.is((err as { code?: string }).code, 'COAP_TIMEOUT');
  t.deepEqual(s.reasons, ['timeout']);
});

test('a new registration with the same token replaces the old relation; a 4.04 answer makes none', async (t) => {
  const s = setup();
  s.get([5], 0);
  await flush();
  s.get([5], 0);
  await flush();
  t.deepEqual(s.reasons, ['replaced']);
  t.is(s.ep.stats().relations, 1);
  s.ep.handle((_req, ctx) => {
    ctx.acceptObserve();
    return { code: '4.04' };
  });
  s.get([6], 0, 'missing');
  await flush();
  t.is(s.last().code, '4.04');
  t.is(getOption(s.last(), 'Observe'), undefined);
  t.is(s.ep.stats().relations, 1);
});

test('server-side cancel sends a final response without Observe; a large notification sends block 0 and serves the rest', async (t) => {
  const s = setup({ blockSize: 64 });
  s.get([8], 0);
  await flush();
  const big = Buffer.alloc(150, 3);
  void s.rels[0].notify({ code: '2.05', payload: big }, { confirmable: false });
  await flush();
  const n = s.last();
  t.deepEqual(decodeBlock(getOption(n, 'Block2')), { num: 0, more: true, size: 64 });
  t.is(getUint(n, 'Size2'), 150);
  t.is(n.payload.length, 64);
  s.tr.deliver(
    generate({
      code: '0.01',
      messageId: 900,
      confirmable: true,
      token: Buffer.from([9]),
      options: [
        { name: 'Uri-Path', value: Buffer.from('x') },
        { name: 'Block2', value: Buffer.from([0x22]) },
      ],
    }),
    peer,
  );
  await flush();
  t.deepEqual(decodeBlock(getOption(s.last(), 'Block2')), { num: 2, more: false, size: 64 });
  t.is(s.last().payload.length, 22);
  s.rels[0].cancel({ code: '4.04' });
  await flush();
  t.is(s.last().code, '4.04');
  t.is(getOption(s.last(), 'Observe'), undefined);
  t.is(s.ep.stats().relations, 0);
});

test('a newer CON notification replaces one still in flight (RFC 7641 §4.5.2)', async (t) => {
  const s = setup({ ackTimeoutMs: 1000 });
  s.get([4], 0);
  await flush();
  const p1 = s.rels[0].notify({ code: '2.05', payload: Buffer.from('1') }, { confirmable: true });
  await flush();
  const first = s.last();
  const p2 = s.rels[0].notify({ code: '2.05', payload: Buffer.from('2') }, { confirmable: true });
  await p1; // superseded: settled without an ACK
  await flush();
  const second = s.last();
  t.not(second.messageId, first.messageId);
  await s.timers.advance(1500);
  // Only the newer one is retransmitted.
  const resent = s.tr.packets().filter((p) => p.messageId === first.messageId);
  t.is(resent.length, 1);
  t.is(s.tr.packets().filter((p) => p.messageId === second.messageId).length, 2);
  s.tr.deliver(generate({ code: '0.00', messageId: second.messageId, ack: true }), peer);
  await p2;
  t.is(s.ep.stats().pendingCon, 0);
});
