// lossy.test.ts: retransmission and duplicate detection under loss: a seeded lossy relay (drop, duplicate, reorder)
// between two of our endpoints.
import test from 'ava';
import { LossyRelay } from './support/lossy-relay.js';
import { bytes, closeNode, str, text, udpNode } from './support/pair.js';
import { quietPeriod } from '../support/poll.js';

const params = { ackTimeoutMs: 15, maxRetransmit: 12, separateResponseAfterMs: 5 };

for (const seed of [1, 2, 3]) {
  test(`seed ${seed}: every CON exchange completes exactly once, both directions, with slow handlers and block-wise`, async (t) => {
    const a = await udpNode({ params });
    const b = await udpNode({ params: { ...params, blockSize: 64 } });
    const relay = new LossyRelay(a.addr, b.addr, { drop: 0.2, duplicate: 0.15, reorder: 0.25, seed });
    await relay.start();
    const callsA = new Map<string, number>();
    const callsB = new Map<string, number>();
    const count = (m: Map<string, number>, k: string): void => {
      m.set(k, (m.get(k) ?? 0) + 1);
    };
    a.endpoint.handle(async (req) => {
      count(callsA, str(req.payload));
      return { code: '2.04', payload: text(`A:${str(req.payload)}`) };
    });
    b.endpoint.handle(async (req) => {
      const id = req.method === 'PUT' ? `big${req.payload.length}` : str(req.payload);
      count(callsB, id);
      if (id.endsWith('slow')) await quietPeriod(20, 'slower than separateResponseAfterMs: the separate response path');
      return { code: '2.05', payload: req.path[0] === 'big' ? bytes(700, 3) : text(`B:${id}`) };
    });
    const n = 25;
    const fromA = Array.from({ length: n }, (_, i) =>
      a.endpoint.request(relay.forA, {
        method: 'POST',
        path: ['x'],
        payload: text(`a${i}${i % 5 === 0 ? 'slow' : ''}`),
      }),
    );
    const fromB = Array.from({ length: n }, (_, i) =>
      b.endpoint.request(relay.forB, { method: 'POST', path: ['y'], payload: text(`b${i}`) }),
    );
    const big = a.endpoint.request(relay.forA, { method: 'PUT', path: ['big'], payload: bytes(500, 5), blockSize: 64 });
    const ra = await Promise.all(fromA);
    const rb = await Promise.all(fromB);
    const rbig = await big;
    ra.forEach((r, i) => t.is(str(r.payload), `B:a${i}${i % 5 === 0 ? 'slow' : ''}`));
    rb.forEach((r, i) => t.is(str(r.payload), `A:b${i}`));
    t.deepEqual(Buffer.from(rbig.payload), Buffer.from(bytes(700, 3)));
    t.is(callsB.size, n + 1);
    t.true(
      [...callsB.values()].every((c) => c === 1),
      JSON.stringify([...callsB]),
    );
    t.is(callsA.size, n);
    t.true([...callsA.values()].every((c) => c === 1));
    t.true(relay.stats.dropped > 0 && relay.stats.duplicated > 0 && relay.stats.delayed > 0);
    t.log(relay.stats);
    await relay.stop();
    await closeNode(a);
    await closeNode(b);
  });
}
