// firmware-update-reconnects.test.ts: firmware.updating → preparing (quiet, sends buffered) → firmware.done → fresh
// transport and a new Register.
import test from 'ava';
import { nosecAccount, registeredHarness } from '../support/client-fakes.js';

test('firmware update: preparing, then reconnect with a new Register, buffered sends flushed after', async (t) => {
  const h = await registeredHarness({ records: nosecAccount(0, 'coap://10.0.0.1:5683', 1) });
  await h.deliver({ type: 'firmware.updating', pkgName: 'fw', pkgVersion: '2.0' });
  t.true(h.state().includes('firmwarePreparing'));
  const sent = h.client.receive({ type: 'lwm2m.send', records: [{ path: [3424, 0, 1], value: 7 }] }) as Promise<{
    code: string;
  }>;
  await h.advance(10_000);
  t.deepEqual(h.kinds(), ['register']);
  await h.deliver({ type: 'firmware.done', result: 1, success: true, version: '2.0' });
  await h.advance(1000);
  t.true(h.isRegistered(), h.state());
  t.deepEqual(h.kinds(), ['register', 'register', 'send']);
  t.deepEqual(await sent, { code: '2.04' });
  await h.client.stop();
});
