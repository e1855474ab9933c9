// restart-resumes-with-update.test.ts: a restart with a stored, unexpired registration resumes with an Update (no
// Register, no bootstrap).
import test from 'ava';
import { bootstrapAccount, ClientHarness, EPOCH, nosecAccount } from '../support/client-fakes.js';

const records = [
  ...nosecAccount(0, 'coap://10.0.0.1:5683', 1, { lifetime: 3600 }),
  ...bootstrapAccount(1, 'coap://10.0.0.9:5683'),
];

test('stored registration still valid → Update to the stored location', async (t) => {
  const h = new ClientHarness({
    records,
    stored: {
      ssid: 1,
      serverUri: 'coap://10.0.0.1:5683',
      location: ['rd', 'kept'],
      lifetime: 3600,
      refreshedAt: EPOCH - 600_000,
      lwm2mVersion: '1.2',
      binding: 'U',
    },
  });
  h.start();
  await h.deliver({ type: 'network.up', bearer: 'lte-m' });
  await h.advance(1000);
  t.true(h.isRegistered(), h.state());
  t.deepEqual(h.kinds(), ['update']);
  t.deepEqual(h.requests[0].req.path, ['rd', 'kept']);
  t.like(h.store.get('registration'), { location: ['rd', 'kept'], refreshedAt: EPOCH });
  await h.client.stop();
});

test('stored registration expired → a new Register', async (t) => {
  const h = new ClientHarness({
    records,
    stored: {
      ssid: 1,
      serverUri: 'coap://10.0.0.1:5683',
      location: ['rd', 'old'],
      lifetime: 3600,
      refreshedAt: EPOCH - 4000_000,
      lwm2mVersion: '1.2',
      binding: 'U',
    },
  });
  h.start();
  await h.deliver({ type: 'network.up', bearer: 'lte-m' });
  await h.advance(1000);
  t.true(h.isRegistered(), h.state());
  t.deepEqual(h.kinds(), ['register']);
  await h.client.stop();
});
