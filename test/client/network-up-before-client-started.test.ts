// network-up-before-client-started.test.ts: the modem published network.up before the client existed: modem.status at
// boot, register at once, publish lwm2m.registered.
import test from 'ava';
import { ClientHarness, nosecAccount } from '../support/client-fakes.js';

test('network already up at boot (modem.status) → registers without waiting; lwm2m.registered is published', async (t) => {
  const h = new ClientHarness({ records: nosecAccount(0, 'coap://10.0.0.1:5683', 1) });
  h.modemUpAtBoot = true;
  h.start();
  await h.advance(1000);
  t.true(h.isRegistered(), h.state());
  t.is(h.modemReconnects, 0);
  t.true(h.messages.some((m) => m.to === 'modem' && m.msg.type === 'modem.status'));
  t.deepEqual(
    h.published.filter((m) => m.type === 'lwm2m.registered'),
    [{ type: 'lwm2m.registered', ssid: 1, location: ['rd', 'r1'] }],
  );
  await h.client.stop();
});

test('network down at boot and no network.up within lteWaitS → the client asks the modem to reconnect', async (t) => {
  const h = new ClientHarness({ records: nosecAccount(0, 'coap://10.0.0.1:5683', 1), config: { lteWaitS: 60 } });
  h.start();
  await h.advance(59_000);
  t.is(h.modemReconnects, 0);
  await h.advance(2000);
  t.is(h.modemReconnects, 1);
  t.true(h.isRegistered(), h.state());
  await h.client.stop();
});
