// credentials-removed-bootstrap-recovers.test.ts: PSK rejected (DTLS handshake fails, or 4.03) → after
// maxRegisterFailures → bootstrap → registered.
import test from 'ava';
import type { ServerTarget } from '../../src/messages/index.js';
import { bootstrapAccount, ClientHarness, lwm2mServer, pskAccount } from '../support/client-fakes.js';

const oldKey = new Uint8Array([9, 9, 9, 9]);
const newKey = new Uint8Array([1, 2, 3, 4]);

test('DTLS handshake failures with removed credentials → bootstrap → new credentials work', async (t) => {
  const h = new ClientHarness({
    records: [
      ...pskAccount(0, 'coaps://10.0.0.1:5684', 1, 'old-id', oldKey),
      ...bootstrapAccount(1, 'coap://10.0.0.9:5683'),
    ],
    config: { maxRegisterFailures: 3, backoffInitialS: 10 },
  });
  h.openFailure = (s: ServerTarget) => (s.pskIdentity === 'old-id' ? 'DTLS_HANDSHAKE_FAILED' : undefined);
  h.start();
  await h.deliver({ type: 'network.up', bearer: 'lte-m' });
  await h.advance(60_000);
  t.is(h.opened.filter((o) => o.pskIdentity === 'old-id').length, 3, 'three handshakes, with backoff between');
  t.is(h.count('bootstrap'), 1);
  t.is(h.modemReconnects, 0);
  h.records = [
    ...pskAccount(0, 'coaps://10.0.0.1:5684', 1, 'new-id', newKey),
    ...bootstrapAccount(1, 'coap://10.0.0.9:5683'),
  ];
  t.deepEqual(await h.deliver({ type: 'lwm2m.bootstrap-finish' }), { code: '2.04' });
  await h.advance(2000);
  t.true(h.isRegistered(), h.state());
  t.like(h.opened.at(-1), { pskIdentity: 'new-id', security: 'psk' });
  await h.client.stop();
});

test('4.03 on Register (server deleted the account) → bootstrap after three refusals', async (t) => {
  const base = lwm2mServer();
  let refuse = true;
  const h = new ClientHarness({
    records: [
      ...pskAccount(0, 'coaps://10.0.0.1:5684', 1, 'old-id', oldKey),
      ...bootstrapAccount(1, 'coap://10.0.0.9:5683'),
    ],
    server: (req, s) => (refuse && req.path.join('/') === 'rd' ? { code: '4.03' } : base(req, s)),
  });
  h.start();
  await h.deliver({ type: 'network.up', bearer: 'lte-m' });
  await h.advance(120_000);
  t.is(h.count('register'), 3);
  t.is(h.count('bootstrap'), 1);
  refuse = false;
  h.records = [
    ...pskAccount(0, 'coaps://10.0.0.1:5684', 1, 'new-id', newKey),
    ...bootstrapAccount(1, 'coap://10.0.0.9:5683'),
  ];
  await h.deliver({ type: 'lwm2m.bootstrap-finish' });
  await h.advance(2000);
  t.true(h.isRegistered(), h.state());
  t.is(h.count('register'), 4);
  await h.client.stop();
});
