// shutdown-deregisters.test.ts: stop() sends De-register (DELETE of the location) and forgets the stored registration.
import test from 'ava';
import { nosecAccount, registeredHarness } from '../support/client-fakes.js';

test('stop() de-registers and clears the stored registration', async (t) => {
  const h = await registeredHarness({ records: nosecAccount(0, 'coap://10.0.0.1:5683', 1) });
  t.truthy(h.store.get('registration'));
  await h.client.stop();
  await h.flush();
  t.deepEqual(h.kinds(), ['register', 'deregister']);
  t.deepEqual(h.requests.at(-1)?.req.path, ['rd', 'r1']);
  t.is(h.store.get('registration'), undefined);
  t.true(h.messages.some((m) => m.msg.type === 'socket.close'));
});

test('stop() while the network is down keeps the registration for the next start', async (t) => {
  const h = await registeredHarness({ records: nosecAccount(0, 'coap://10.0.0.1:5683', 1) });
  h.failNext.push('NETWORK_ERROR');
  await h.client.stop();
  await h.flush();
  t.truthy(h.store.get('registration'));
});
