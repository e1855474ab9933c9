// bootstrap-finish-consistency.test.ts: Bootstrap-Finish with no usable server account → 4.06 and no Register; a fixed
// configuration → 2.04 → Register.
import test from 'ava';
import { bootstrapAccount, ClientHarness, nosecAccount } from '../support/client-fakes.js';

test('no server account at boot → client-initiated bootstrap; inconsistent finish → 4.06; consistent → registered', async (t) => {
  const h = new ClientHarness({ records: bootstrapAccount(0, 'coap://10.0.0.9:5683') });
  h.start();
  await h.deliver({ type: 'network.up', bearer: 'lte-m' });
  await h.advance(1000);
  t.deepEqual(h.kinds(), ['bootstrap']);

  // the server wrote a PSK account without a key, and no Server instance
  h.records = [
    ...bootstrapAccount(0, 'coap://10.0.0.9:5683'),
    { path: [0, 1, 0], value: 'coaps://10.0.0.1:5684' },
    { path: [0, 1, 1], value: false },
    { path: [0, 1, 2], value: 0 },
    { path: [0, 1, 10], value: 3 },
  ];
  const bad = (await h.deliver({ type: 'lwm2m.bootstrap-finish' })) as { code: string; message: string };
  t.is(bad.code, '4.06');
  t.regex(bad.message, /PSK mode needs identity/);
  await h.advance(2000);
  t.is(h.count('register'), 0);

  h.records = [...bootstrapAccount(0, 'coap://10.0.0.9:5683'), ...nosecAccount(1, 'coap://10.0.0.1:5683', 3)];
  t.deepEqual(await h.deliver({ type: 'lwm2m.bootstrap-finish' }), { code: '2.04' });
  await h.advance(1000);
  t.true(h.isRegistered(), h.state());
  await h.client.stop();
});

test('no Bootstrap-Finish within the bootstrap timeout → bootstrap again after backoff (hold-off from /0/x/11 honoured)', async (t) => {
  const h = new ClientHarness({
    records: [...bootstrapAccount(0, 'coap://10.0.0.9:5683'), { path: [0, 0, 11], value: 5 }],
    config: { bootstrapTimeoutS: 60, backoffInitialS: 10 },
  });
  h.start();
  await h.deliver({ type: 'network.up', bearer: 'lte-m' });
  await h.advance(4000);
  t.is(h.count('bootstrap'), 0, 'hold-off 5 s not yet over');
  await h.advance(2000);
  t.is(h.count('bootstrap'), 1);
  await h.advance(60_000);
  t.is(h.count('bootstrap'), 1);
  await h.advance(20_000);
  t.is(h.count('bootstrap'), 2, 'retried after timeout + backoff + hold-off');
  await h.client.stop();
});
