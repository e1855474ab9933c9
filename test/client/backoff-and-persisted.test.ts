// backoff-and-persisted.test.ts: backoff growth and cap, jitter bounds, stored registration validity, Update timing,
// bounded buffer.
import test from 'ava';
import fc from 'fast-check';
import { backoffMs } from '../../src/client/backoff.js';
import { isResumable, parsePersisted, updateDueMs } from '../../src/client/persisted.js';
import { enqueue, without } from '../../src/client/queue-buffer.js';

const p = { backoffInitialS: 10, backoffFactor: 2, backoffMaxS: 300, backoffJitter: 0 };

test('backoff grows by the factor and stops at the cap', (t) => {
  t.deepEqual(
    [1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n, p)),
    [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000],
  );
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 50 }), fc.double({ min: 0, max: 0.999, noNaN: true }), (n, r) => {
      const d = backoffMs(n, { ...p, backoffJitter: 0.2 }, () => r);
      const base = Math.min(300, 10 * 2 ** (n - 1)) * 1000;
      return d >= base * 0.8 - 1 && d <= base * 1.2 + 1;
    }),
  );
});

test('a stored registration resumes only for the same server and before it expires', (t) => {
  const reg = parsePersisted({
    ssid: 1,
    serverUri: 'coap://a',
    location: ['rd', 'x'],
    lifetime: 100,
    refreshedAt: 1000,
    lwm2mVersion: '1.1',
    binding: 'U',
  });
  t.truthy(reg);
  t.true(isResumable(reg, { ssid: 1, uri: 'coap://a' }, 50_000));
  t.false(isResumable(reg, { ssid: 1, uri: 'coap://a' }, 101_000));
  t.false(isResumable(reg, { ssid: 2, uri: 'coap://a' }, 2000));
  t.is(parsePersisted({ location: [] }), undefined);
  t.is(parsePersisted('garbage'), undefined);
});

test('Update is due at the ratio, never later than the margin before expiry', (t) => {
  t.is(updateDueMs(300, 0.9, 30), 270_000);
  t.is(updateDueMs(86400, 0.9, 60), 77_760_000);
  t.is(updateDueMs(1000, 1, 100), 900_000);
  t.is(updateDueMs(60, 0.9, 120), 54_000, 'margin larger than the lifetime: the ratio rules');
});

test('the buffer keeps order and drops the oldest beyond its limit', (t) => {
  let buf = enqueue([], { id: 1, item: 'a' }, 2).buffer;
  buf = enqueue(buf, { id: 2, item: 'b' }, 2).buffer;
  const r = enqueue(buf, { id: 3, item: 'c' }, 2);
  t.deepEqual(
    r.buffer.map((e) => e.id),
    [2, 3],
  );
  t.deepEqual(
    r.dropped.map((e) => e.id),
    [1],
  );
  t.deepEqual(
    without(r.buffer, [2]).map((e) => e.item),
    ['c'],
  );
});
