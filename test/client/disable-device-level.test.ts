// disable-device-level.test.ts: Disable from the server (/1/0/5 then Execute /1/0/4) on the whole device: De-register,
// silent for the disable timeout (simulated), then Register again.
import { deviceTest } from '../support/device-test.js';

deviceTest(
  'Disable → De-register, silent for the disable timeout, then Register',
  { modem: 'stub' },
  async ({ t, device, server, clock }) => {
    const ep = device.endpoint;
    await device.registered;
    await device.untilRegistered();
    const kinds = (): string[] =>
      server.requests.filter((r) => r.endpoint === ep && r.kind !== 'other').map((r) => r.kind);
    t.is((await server.write(ep, '/1/0/5', 120)).code, '2.04', 'disable timeout 120 s');
    const gone = server.waitFor('deregister', (r) => r.endpoint === ep);
    t.is((await server.execute(ep, '/1/0/4')).code, '2.04');
    await gone;
    t.deepEqual(kinds(), ['register', 'deregister']);
    await clock.advance(119_000);
    t.false(device.client.actor.getSnapshot().matches({ connected: 'registered' }));
    t.deepEqual(kinds(), ['register', 'deregister'], 'silent for the disable timeout');
    const again = server.waitFor('register', (r) => r.endpoint === ep);
    await clock.advance(2000);
    await again;
    await device.untilRegistered();
    t.deepEqual(kinds(), ['register', 'deregister', 'register']);
  },
);
