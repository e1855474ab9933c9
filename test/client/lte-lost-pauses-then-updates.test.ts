// lte-lost-pauses-then-updates.test.ts: LTE lost while registered → socket paused, nothing sent; LTE back → resumed
// with an Update.
import test from 'ava';
import { nosecAccount, registeredHarness } from '../support/client-fakes.js';

test('no CoAP traffic during an LTE outage; the client resumes with an Update, not a Register', async (t) => {
  const h = await registeredHarness({
    records: nosecAccount(0, 'coap://10.0.0.1:5683', 1, { lifetime: 600 }),
    config: { lteWaitS: 60 },
  });
  const before = h.requests.length;

  h.setNetwork(false);
  await h.deliver({ type: 'network.down', reason: 'deregistered from cell' });
  t.true(h.paused, 'socket.pause was sent');
  t.true(h.messages.some((m) => m.to === 'socket' && m.msg.type === 'socket.pause' && m.msg.reason === 'lte-down'));
  // a send while the radio is down is buffered, not lost
  const sent = h.client.receive({ type: 'lwm2m.send', records: [{ path: [3, 0, 9], value: 80 }] }) as Promise<{
    code: string;
  }>;

  // a long outage, well past the Update time: still no request on the wire
  await h.advance(20 * 60_000, 5000);
  t.is(h.requests.length, before, 'no coap.send during the outage');
  t.is(h.sentWhilePaused, 0);
  t.true(h.modemReconnects >= 1, 'the modem was asked to reconnect');

  h.setNetwork(true);
  await h.deliver({ type: 'network.up', bearer: 'lte-m' });
  await h.advance(1000);
  t.true(h.isRegistered(), h.state());
  t.false(h.paused);
  t.deepEqual(h.kinds().slice(before), ['update', 'send']);
  t.is(h.count('register'), 1);
  t.deepEqual(await sent, { code: '2.04' });
  await h.client.stop();
});
