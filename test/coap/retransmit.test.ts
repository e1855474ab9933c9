// retransmit.test.ts: CON retransmission timing on simulated time (ACK_TIMEOUT, random factor, backoff,
// MAX_RETRANSMIT), NSTART queueing, empty ACK then separate response.
import test from 'ava';
import { generate } from 'coap-packet';
import { pino } from 'pino';
import { createEndpoint } from '../../src/coap/endpoint.js';
import { FakeTransport } from './support/fake.js';
import { flush, SimTimers } from '../support/sim-timers.js';

const peer = { address: '10.0.0.1', port: 5683 };

test('retransmits at 2, 6, 14, 30 s and fails with COAP_TIMEOUT at 62 s (random = 0)', async (t) => {
  const timers = new SimTimers();
  const tr = new FakeTransport(() => timers.now());
  const ep = createEndpoint(tr, { timers, random: () => 0 });
  let err: unknown;
  ep.request(peer, { method: 'GET', path: ['x'] }).catch((e: unknown) => {
    err = e;
  });
  await timers.advance(61_999);
  t.deepEqual(
    tr.sent.map((s) => s.at),
    [0, 2000, 6000, 14000, 30000],
  );
  t.is(new Set(tr.packets().map((p) => p.messageId)).size, 1); // same message ID every time
  t.is(err, undefined);
  await timers.advance(1);
  t.is((err as { code?: string }).code, 'COAP_TIMEOUT');
  t.is(timers.pending, 0);
});

test('the random factor scales the first timeout (random = 0.999 → ~3 s)', async (t) => {
  const timers = new SimTimers();
  const tr = new FakeTransport(() => timers.now());
  const ep = createEndpoint(tr, { timers, random: () => 0.999, params: { maxRetransmit: 1 } });
  ep.request(peer, { method: 'GET', path: ['x'] }).catch(() => undefined);
  await timers.advance(10_000);
  t.is(tr.sent.length, 2);
  t.true(tr.sent[1].at >= 2990 && tr.sent[1].at <= 3000);
});

test('NSTART 1: the second request waits for the first; empty ACK then separate CON response', async (t) => {
  const timers = new SimTimers();
  const tr = new FakeTransport(() => timers.now());
  const ep = createEndpoint(tr, { timers, random: () => 0 });
  const results: string[] = [];
  const r1 = ep.request(peer, { method: 'GET', path: ['a'] }).then((r) => results.push(`a:${r.code}`));
  const r2 = ep.request(peer, { method: 'GET', path: ['b'] }).then((r) => results.push(`b:${r.code}`));
  await flush();
  t.is(tr.sent.length, 1);
  const first = tr.packets()[0];
  tr.deliver(generate({ messageId: first.messageId, ack: true, code: '0.00' }), peer); // empty ACK
  await timers.advance(10_000);
  t.is(tr.sent.length, 1); // no retransmission after the empty ACK, and b still waits
  tr.deliver(
    generate({ messageId: 777, confirmable: true, code: '2.05', token: first.token, payload: Buffer.from('A') }),
    peer,
  );
  await flush();
  const ack = tr.packets()[1];
  t.true(ack.ack);
  t.is(ack.messageId, 777);
  t.is(tr.sent.length, 3); // our ACK, then b's request
  const second = tr.packets()[2];
  tr.deliver(generate({ messageId: second.messageId, ack: true, code: '2.05', token: second.token }), peer);
  await Promise.all([r1, r2]);
  t.deepEqual(results, ['a:2.05', 'b:2.05']);
  // A repeat of the separate response is acknowledged again and not delivered twice.
  tr.deliver(
    generate({ messageId: 777, confirmable: true, code: '2.05', token: first.token, payload: Buffer.from('A') }),
    peer,
  );
  await flush();
  const last = tr.packets().at(-1);
  t.true(last?.ack === true && last.messageId === 777);
});

test('RST to our CON fails the request with COAP_RESET; unknown CON response gets RST', async (t) => {
  const timers = new SimTimers();
  const tr = new FakeTransport(() => timers.now());
  const ep = createEndpoint(tr, { timers, random: () => 0 });
  const p = ep.request(peer, { method: 'GET', path: ['a'] });
  await flush();
  tr.deliver(generate({ messageId: tr.packets()[0].messageId, reset: true, code: '0.00' }), peer);
  const err = await t.throwsAsync(p);
  t.is((err as { code?: string }).code, 'COAP_RESET');
  tr.deliver(generate({ messageId: 4242, confirmable: true, code: '2.05', token: Buffer.from([9, 9]) }), peer);
  await flush();
  const rst = tr.packets().at(-1);
  t.true(rst?.reset === true && rst.messageId === 4242);
});

test('the retransmission warning names the scheme of the transport: coap:// over UDP, coaps:// over DTLS', async (t) => {
  for (const [kind, scheme] of [
    ['udp', 'coap'],
    ['dtls', 'coaps'],
  ] as const) {
    const timers = new SimTimers();
    const lines: { code?: string; msg?: string }[] = [];
    const log = pino({ level: 'warn' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    const ep = createEndpoint(new FakeTransport(() => timers.now(), kind), { timers, random: () => 0, log });
    ep.request(peer, { method: 'GET', path: ['x'] }).catch(() => undefined);
    await timers.advance(2_000);
    const warn = lines.find((l) => l.code === 'COAP_NO_ANSWER');
    t.regex(String(warn?.msg), new RegExp(`^no answer from ${scheme}://10\\.0\\.0\\.1:5683 in 2\\.0 s`), kind);
  }
});
