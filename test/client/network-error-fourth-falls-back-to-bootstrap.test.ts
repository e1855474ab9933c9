// network-error-fourth-falls-back-to-bootstrap.test.ts: the 4th failed network recovery in a row → bootstrap → Register
// with the new credentials.
import test from 'ava';
import { bootstrapAccount, nosecAccount, pskAccount, registeredHarness } from '../support/client-fakes.js';

test('more than three network errors in a row fall back to bootstrap, then register with the new account', async (t) => {
  const h = await registeredHarness({
    records: [...nosecAccount(0, 'coap://10.0.0.1:5683', 1), ...bootstrapAccount(1, 'coap://10.0.0.9:5683')],
  });
  h.failNext.push('NETWORK_ERROR', 'NETWORK_ERROR', 'NETWORK_ERROR');
  await h.deliver({ type: 'network.error', code: 'NETWORK_ERROR', message: 'gone', source: 'socket' });
  const t0 = h.clock.now();
  await h.advance(33_000);
  t.is(h.modemReconnects, 3, 'three LTE reconnects, the fourth error goes to bootstrap');
  t.deepEqual(
    h.messages.filter((m) => m.msg.type === 'modem.reconnect').map((m) => m.at - t0),
    [0, 10_000, 30_000],
    'growing backoff between them',
  );
  t.is(h.count('bootstrap'), 1, h.kinds().join(','));
  const bsReq = h.requests.find((r) => r.req.path[0] === 'bs');
  t.deepEqual(bsReq?.req.query, ['ep=lwm2m-meter-0001', 'pct=110'], 'pct = client.preferredFormat');
  t.is(bsReq?.server?.uri, 'coap://10.0.0.9:5683', 'the request goes to the bootstrap server');
  t.is(h.store.get('registration'), undefined, 'the old registration is forgotten');
  t.true(h.state().includes('waitFinish'), h.state());

  // the bootstrap server writes a new PSK account and finishes
  const key = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
  h.records = [
    ...pskAccount(0, 'coaps://10.0.0.2:5684', 7, 'meter-7', key),
    ...bootstrapAccount(1, 'coap://10.0.0.9:5683'),
  ];
  const finish = await h.deliver({ type: 'lwm2m.bootstrap-finish' });
  t.deepEqual(finish, { code: '2.04' });
  await h.advance(2000);
  t.true(h.isRegistered(), h.state());
  const last = h.opened.at(-1);
  t.like(last, {
    ssid: 7,
    host: '10.0.0.2',
    port: 5684,
    security: 'psk',
    pskIdentity: 'meter-7',
    pskKey: Buffer.from(key).toString('base64'),
  });
  t.is(h.requests.at(-1)?.server?.uri, 'coaps://10.0.0.2:5684');
  t.is(h.count('register'), 2);
  t.like(h.store.get('registration'), { ssid: 7, serverUri: 'coaps://10.0.0.2:5684' });
  await h.client.stop();
});
