// multi-server-from-bootstrap.test.ts: the real runtime configured with a bootstrap server only; the bootstrap server
// provisions two LwM2M servers (101, 102); the device registers with both (client:102 / socket:102 started at run
// time), and with both again after a restart.
import test from 'ava';
import { startDevServer } from '../../src/devserver/index.js';
import { RuntimeChild } from '../plugins/support/child.js';
import { pollUntil } from '../support/poll.js';

test('bootstrap provisions servers 101 and 102: registrations with both; after a restart, with both again and no new bootstrap', async (t) => {
  const s1 = await startDevServer({ port: 0 });
  const s2 = await startDevServer({ port: 0 });
  const bs = await startDevServer({
    port: 0,
    bootstrap: {
      default: [
        { serverUri: `coap://127.0.0.1:${s1.port}`, shortServerId: 101, lifetime: 300 },
        { serverUri: `coap://127.0.0.1:${s2.port}`, shortServerId: 102, lifetime: 300 },
      ],
    },
  });
  const ep = 'bs-multi-1';
  const config = { endpoint: ep, client: { servers: [{ uri: `coap://127.0.0.1:${bs.port}`, bootstrap: true }] } };
  let rt = new RuntimeChild(config);
  const stateDir = rt.stateDir;
  t.teardown(async () => {
    await rt.stop();
    await Promise.all([s1.close(), s2.close(), bs.close()]);
  });
  const [r1, r2] = await rt.explain(
    Promise.all([
      s1.waitFor('register', (r) => r.endpoint === ep, 30_000),
      s2.waitFor('register', (r) => r.endpoint === ep, 30_000),
    ]),
  );
  t.true(r1.links.some((l) => l.target === '/3/0'));
  t.true(r2.links.some((l) => l.target === '/3/0'));
  t.is(bs.count('bootstrap-request', ep), 1);
  t.like(
    await pollUntil(
      () => rt.request<{ registered: boolean }>('client:102', { type: 'client.state' }),
      (v) => v.registered,
    ),
    { registered: true },
  );
  // each server reads the device
  t.is((await s1.read(ep, '/3/0/0')).code, '2.05');
  t.is((await s2.read(ep, '/3/0/0')).code, '2.05');

  // a clean stop de-registers from both; a restart on the same state registers with both again from the stored
  // accounts (client:102 is started again at run time), with no second bootstrap
  await rt.stop();
  t.is(s1.count('deregister', ep), 1);
  t.is(s2.count('deregister', ep), 1);
  const again1 = s1.waitFor('register', (r) => r.endpoint === ep && s1.count('register', ep) === 2, 30_000);
  const again2 = s2.waitFor('register', (r) => r.endpoint === ep && s2.count('register', ep) === 2, 30_000);
  rt = new RuntimeChild({ ...config, stateDir });
  await rt.explain(Promise.all([again1, again2]));
  t.is(bs.count('bootstrap-request', ep), 1, 'no second bootstrap');
});
