// network-error-lte-reconnect.test.ts: a network error (×1..3 in a row) → LTE reconnect (modem.reconnect, repeated ones
// after a growing backoff) → registered again, no bootstrap.
import test from 'ava';
import { bootstrapAccount, nosecAccount, registeredHarness } from '../support/client-fakes.js';

for (const n of [1, 2, 3]) {
  test(`${n} consecutive network error(s): LTE reconnect each time, then registered again`, async (t) => {
    const h = await registeredHarness({
      records: [...nosecAccount(0, 'coap://10.0.0.1:5683', 1), ...bootstrapAccount(1, 'coap://10.0.0.9:5683')],
    });
    // the first error comes from the socket; the next n-1 recoveries fail on their Update
    for (let i = 1; i < n; i++) h.failNext.push('NETWORK_ERROR');
    await h.deliver({ type: 'network.error', code: 'NETWORK_ERROR', message: 'sendto ENETUNREACH', source: 'socket' });
    const t0 = h.clock.now();
    await h.advance(35_000);
    t.true(h.isRegistered(), h.state());
    t.is(h.modemReconnects, n);
    // the first reconnect at once, the next ones after backoffInitialS (10 s) × 2^(k-1)
    const at = h.messages.filter((m) => m.msg.type === 'modem.reconnect').map((m) => m.at - t0);
    t.deepEqual(at, [0, 10_000, 30_000].slice(0, n));
    t.is(h.count('bootstrap'), 0);
    t.is(h.count('register'), 1, 'the registration is kept: recovery uses Update');
    t.is(h.client.actor.getSnapshot().context.networkFailures, 0, 'counter resets once registered');
    t.true(h.opened.length >= n + 1, 'the transport is re-opened after each LTE reconnect');
    await h.client.stop();
  });
}
