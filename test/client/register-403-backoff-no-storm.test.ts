// register-403-backoff-no-storm.test.ts: Register refused (4.03) without a bootstrap server → growing backoff; few
// requests per simulated hour.
import test from 'ava';
import { ClientHarness, nosecAccount } from '../support/client-fakes.js';

test('4.03 on Register backs off with growing delays: no request storm over an hour', async (t) => {
  const h = new ClientHarness({
    records: nosecAccount(0, 'coap://10.0.0.1:5683', 1),
    server: () => ({ code: '4.03' }),
    config: { backoffInitialS: 10, backoffFactor: 2, backoffMaxS: 3600 },
  });
  h.start();
  await h.deliver({ type: 'network.up', bearer: 'lte-m' });
  await h.advance(3600_000, 1000);
  const times = h.requests.map((r) => r.at);
  t.true(h.requests.every((r) => r.req.path.join('/') === 'rd'));
  // 0, 10, 30, 70, 150, 310, 630, 1270, 2550 s → 9 Registers in the first hour
  t.is(times.length, 9, times.join(','));
  const gaps = times.slice(1).map((x, i) => x - times[i]);
  for (let i = 1; i < gaps.length; i++) t.true(gaps[i] > gaps[i - 1], `gap ${i} grows: ${gaps.join(',')}`);
  t.false(h.isRegistered());
  t.is(h.modemReconnects, 0, 'a refusal is not a network error');
  t.is(h.client.actor.getSnapshot().context.lastError, '4.03');
  await h.client.stop();
});
