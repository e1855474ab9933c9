// version-fallback-1-1.test.ts: a server that refuses lwm2m=1.2 (4.12 or 4.00) gets one retry with lwm2m=1.1.
import test from 'ava';
import { ClientHarness, lwm2mServer, nosecAccount } from '../support/client-fakes.js';

for (const refusal of ['4.12', '4.00']) {
  test(`Register refused with ${refusal} for 1.2 → retried once with 1.1`, async (t) => {
    const base = lwm2mServer();
    const h = new ClientHarness({
      records: nosecAccount(0, 'coap://10.0.0.1:5683', 1),
      server: (req, s) => (req.query?.includes('lwm2m=1.2') ? { code: refusal } : base(req, s)),
    });
    h.start();
    await h.deliver({ type: 'network.up', bearer: 'lte-m' });
    await h.advance(1000);
    t.true(h.isRegistered(), h.state());
    t.deepEqual(
      h.requests.map((r) => r.req.query?.find((q) => q.startsWith('lwm2m='))),
      ['lwm2m=1.2', 'lwm2m=1.1'],
    );
    t.like(h.store.get('registration'), { lwm2mVersion: '1.1' });
    await h.client.stop();
  });
}

test('a server refusing 1.1 too is not asked again and again at once (backoff)', async (t) => {
  const h = new ClientHarness({
    records: nosecAccount(0, 'coap://10.0.0.1:5683', 1),
    server: () => ({ code: '4.00' }),
  });
  h.start();
  await h.deliver({ type: 'network.up', bearer: 'lte-m' });
  await h.advance(5000);
  t.is(h.count('register'), 2);
  await h.client.stop();
});
