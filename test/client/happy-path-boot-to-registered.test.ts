// happy-path-boot-to-registered.test.ts: boot → LTE up → Register over NoSec → registered, Update before lifetime
// expiry.
import test from 'ava';
import { ClientHarness, nosecAccount } from '../support/client-fakes.js';

test('boot waits for LTE, registers, and updates before the lifetime ends', async (t) => {
  const h = new ClientHarness({
    records: nosecAccount(0, 'coap://127.0.0.1:5683', 101, { lifetime: 300 }),
    config: { endpoint: 'meter-1' },
  });
  h.start();
  await h.advance(5000);
  t.is(h.state(), '"lteConnecting"');
  t.is(h.requests.length, 0, 'nothing is sent before the network is up');

  await h.deliver({ type: 'network.up', bearer: 'lte-m' });
  await h.advance(1000);
  t.true(h.isRegistered(), h.state());
  t.deepEqual(h.opened[0], {
    ssid: 101,
    uri: 'coap://127.0.0.1:5683',
    host: '127.0.0.1',
    port: 5683,
    security: 'nosec',
  });
  const reg = h.requests[0].req;
  t.deepEqual(reg.query, ['ep=meter-1', 'lt=300', 'lwm2m=1.2', 'b=U']);
  const links = Buffer.from(reg.payload ?? []).toString();
  t.true(links.includes('</1/0>'), links);
  t.true(links.includes('</3/0>'), links);
  t.false(links.includes('</0'), 'object 0 is never listed');
  t.like(h.store.get('registration'), { ssid: 101, location: ['rd', 'r1'], lifetime: 300 });

  // Update at 90 % of the lifetime (270 s), not before
  await h.advance(260_000);
  t.is(h.count('update'), 0);
  await h.advance(15_000);
  t.is(h.count('update'), 1);
  t.deepEqual(h.requests.at(-1)?.req.path, ['rd', 'r1']);
  t.true(h.isRegistered());
  // and again one period later; never a second Register
  await h.advance(275_000);
  t.is(h.count('update'), 2);
  t.is(h.count('register'), 1);
  await h.client.stop();
});
