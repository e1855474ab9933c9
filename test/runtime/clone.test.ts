// clone.test.ts: cloneMessage (in-thread actor delivery) gives what structuredClone gives, shares nothing with the
// original, and refuses what structuredClone refuses.
import test from 'ava';
import { cloneMessage } from '../../src/runtime/clone.js';

const samples: unknown[] = [
  { type: 'object.request', op: 'read', path: [3, 0, 0] },
  {
    ok: true,
    records: [
      { path: [3, 0, 0], value: 'ACME' },
      { path: [3, 0, 9], value: 87 },
      { path: [3, 0, 13], value: { time: 1_700_000_000 } },
    ],
  },
  {
    type: 'coap.send',
    req: {
      method: 'POST',
      path: ['dp'],
      payload: Buffer.from([1, 2, 3]),
      contentFormat: 112,
      token: new Uint8Array([9, 8]),
    },
  },
  { nested: { a: [1, [2, [3, { b: null, c: undefined, d: -0, e: NaN, f: 10n }]]] } },
  { when: new Date(5), map: new Map([[1, 'a']]), set: new Set([1]), f64: new Float64Array([1.5]) },
  Object.assign(Object.create(null) as object, { bare: 1 }),
  'text',
  42,
  null,
  undefined,
  true,
];

test('same result as structuredClone for the messages actors send (Buffers come out as Uint8Arrays)', (t) => {
  for (const s of samples) t.deepEqual(cloneMessage(s), structuredClone(s));
  const out = cloneMessage({ p: Buffer.from('ab') });
  t.is(Object.getPrototypeOf(out.p), Uint8Array.prototype);
});

test('the copy shares nothing: mutating it leaves the original as it was', (t) => {
  const orig = { records: [{ path: [3, 0, 0], value: 'ACME' }], bytes: new Uint8Array([1, 2]) };
  const c = cloneMessage(orig);
  c.records[0].path.push(99);
  c.records.push({ path: [], value: 'x' });
  c.bytes[0] = 7;
  t.deepEqual(orig, { records: [{ path: [3, 0, 0], value: 'ACME' }], bytes: new Uint8Array([1, 2]) });
});

test('class instances lose their prototype, cycles survive, functions are refused — as with structuredClone', (t) => {
  class Point {
    constructor(public x: number) {}
  }
  t.deepEqual(cloneMessage({ p: new Point(1) }), { p: { x: 1 } });
  const cyc: { self?: unknown; n: number } = { n: 1 };
  cyc.self = cyc;
  const c = cloneMessage(cyc);
  t.is(c.self, c);
  t.not(c, cyc);
  const nameOf = (f: () => unknown): string => {
    try {
      f();
      return 'no throw';
    } catch (e) {
      return (e as { name: string }).name;
    }
  };
  t.is(
    nameOf(() => cloneMessage({ f: () => 1 })),
    'DataCloneError',
  );
  t.is(
    nameOf(() => cloneMessage({ f: () => 1 })),
    nameOf(() => structuredClone({ f: () => 1 })),
  );
});
