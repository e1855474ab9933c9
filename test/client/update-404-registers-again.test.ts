// update-404-registers-again.test.ts: the server forgot the client (4.04 on Update) → a new Register, new location
// used.
import test from 'ava';
import type { CoapOutgoingRequest } from '../../src/coap/api.js';
import { lwm2mServer, nosecAccount, registeredHarness } from '../support/client-fakes.js';

test('4.04 on Update → Register again, later Updates go to the new location', async (t) => {
  const base = lwm2mServer();
  let forgotten = false;
  const h = await registeredHarness({
    records: nosecAccount(0, 'coap://10.0.0.1:5683', 1, { lifetime: 100 }),
    server: (req: CoapOutgoingRequest, s) =>
      forgotten && req.method === 'POST' && req.path.join('/') === 'rd/r1' ? { code: '4.04' } : base(req, s),
  });
  forgotten = true;
  await h.advance(91_000);
  t.deepEqual(h.kinds(), ['register', 'update', 'register']);
  t.true(h.isRegistered(), h.state());
  t.like(h.store.get('registration'), { location: ['rd', 'r2'] });
  await h.advance(90_000);
  t.deepEqual(h.requests.at(-1)?.req.path, ['rd', 'r2']);
  t.is(h.count('register'), 2);
  await h.client.stop();
});
