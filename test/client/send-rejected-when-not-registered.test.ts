// send-rejected-when-not-registered.test.ts: lwm2m.send before the first registration rejects with NOT_REGISTERED;
// after it, POST /dp with the server's code.
import test from 'ava';
import { CodedError } from '../../src/errors.js';
import { ClientHarness, lwm2mServer, nosecAccount } from '../support/client-fakes.js';

test('Send before registration → NOT_REGISTERED; when registered → POST /dp (SenML CBOR) answered with the server code', async (t) => {
  const base = lwm2mServer();
  const h = new ClientHarness({
    records: nosecAccount(0, 'coap://10.0.0.1:5683', 1),
    server: (req, s) => (req.path[0] === 'dp' ? { code: '2.04' } : base(req, s)),
  });
  h.start();
  const early = h.client.receive({ type: 'lwm2m.send', records: [{ path: [3, 0, 9], value: 50 }] }) as Promise<unknown>;
  const err = await t.throwsAsync(early);
  t.true(err instanceof CodedError && err.code === 'NOT_REGISTERED');

  await h.deliver({ type: 'network.up', bearer: 'lte-m' });
  await h.advance(1000);
  const sent = h.client.receive({ type: 'lwm2m.send', paths: [[1, 0, 1]] }) as Promise<unknown>;
  await h.flush();
  t.deepEqual(await sent, { code: '2.04' });
  const dp = h.requests.at(-1)?.req;
  t.is(dp?.contentFormat, 112);
  t.is(dp?.method, 'POST');
  await h.client.stop();
});
