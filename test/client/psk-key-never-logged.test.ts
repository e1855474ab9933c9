// psk-key-never-logged.test.ts: a whole PSK session (refusals, bootstrap, Register) logs states and servers but never
// the key.
import test from 'ava';
import { bootstrapAccount, ClientHarness, pskAccount } from '../support/client-fakes.js';

test('the PSK key (and identity) never reach the log', async (t) => {
  const lines: string[] = [];
  const key = new Uint8Array(Buffer.from('sup3r-s3cret-k3y'));
  const h = new ClientHarness({
    records: [
      ...pskAccount(0, 'coaps://10.0.0.1:5684', 1, 'meter-identity', key),
      ...bootstrapAccount(1, 'coap://10.0.0.9:5683'),
    ],
    logLines: lines,
  });
  let refuse = true;
  h.openFailure = (s) => (refuse && s.security === 'psk' ? 'DTLS_HANDSHAKE_FAILED' : undefined);
  h.start();
  await h.deliver({ type: 'network.up', bearer: 'lte-m' });
  await h.advance(120_000);
  refuse = false;
  await h.deliver({ type: 'lwm2m.bootstrap-finish' });
  await h.advance(2000);
  t.true(h.isRegistered(), h.state());
  t.true(
    h.opened.some((o) => o.pskKey === Buffer.from(key).toString('base64')),
    'the socket got the key',
  );
  const all = lines.join('\n');
  t.true(lines.length > 5, 'something was logged');
  t.true(all.includes('coaps://10.0.0.1:5684'));
  for (const secret of [Buffer.from(key).toString('base64'), 'sup3r-s3cret-k3y', 'meter-identity'])
    t.false(all.includes(secret), secret);
  await h.client.stop();
});
