// multi-server-register-both.test.ts: the real runtime with two LwM2M servers (ssid 101, 102): registers with both,
// each reads /3/0, Access Control is enforced, Disable on 102 leaves 101 registered.
import test from 'ava';
import { pollUntil } from '../support/poll.js';
import { startDevServer, type DevServer } from '../../src/devserver/index.js';
import { RuntimeChild } from '../plugins/support/child.js';

type ClientState = { registered: boolean; state: unknown };

async function twoServers(
  t: { teardown(f: () => Promise<void>): void },
  endpoint: string,
): Promise<{ s1: DevServer; s2: DevServer; rt: RuntimeChild }> {
  const s1 = await startDevServer({ port: 0 });
  const s2 = await startDevServer({ port: 0 });
  const rt = new RuntimeChild({
    endpoint,
    client: {
      servers: [
        { uri: `coap://127.0.0.1:${s1.port}`, ssid: 101 },
        { uri: `coap://127.0.0.1:${s2.port}`, ssid: 102 },
      ],
    },
  });
  t.teardown(async () => {
    await rt.stop();
    await s1.close();
    await s2.close();
  });
  return { s1, s2, rt };
}

test('two servers: registers with both, each reads /3/0; Access Control enforced (102 may read but not write /3/0, and does not see /1/0)', async (t) => {
  const ep = 'multi-1';
  const { s1, s2, rt } = await twoServers(t, ep);
  const [r1, r2] = await rt.explain(
    Promise.all([
      s1.waitFor('register', (r) => r.endpoint === ep, 30_000),
      s2.waitFor('register', (r) => r.endpoint === ep, 30_000),
    ]),
  );
  t.true(r1.links.some((l) => l.target === '/3/0'));
  t.true(r2.links.some((l) => l.target === '/3/0'));
  t.true(
    r1.links.some((l) => l.target === '/2'),
    'object 2 announced',
  );

  const read1 = await s1.read(ep, '/3/0');
  const read2 = await s2.read(ep, '/3/0');
  t.is(read1.code, '2.05');
  t.is(read2.code, '2.05');
  t.true(
    (read2.records ?? []).some((r) => r.path.join('/') === '3/0/0'),
    'manufacturer read by 102',
  );

  // ACL seeding: /3/0 owned by the first account (101), entry 0 = R for the others
  t.is((await s2.write(ep, '/3/0/14', '+02:00')).code, '4.01');
  t.is((await s1.write(ep, '/3/0/14', '+02:00')).code, '2.04');
  // each /1/x is owned by its own server: 102 sees its instance, not 101's
  t.is((await s2.read(ep, '/1/0')).code, '4.04');
  const own = await s2.read(ep, '/1/1/0');
  t.is(own.code, '2.05');
  t.is(own.records?.[0]?.value, 102);
  t.is((await s1.read(ep, '/1/0/0')).records?.[0]?.value, 101);

  // the client actors: one per server
  t.like(await rt.request<{ registered: boolean }>('client', { type: 'client.state' }), { registered: true });
  t.like(await rt.request<{ registered: boolean }>('client:102', { type: 'client.state' }), { registered: true });
});

test('Disable on server 102 (/1/1/4) de-registers from 102 only; 101 stays registered and reachable', async (t) => {
  const ep = 'multi-2';
  const { s1, s2, rt } = await twoServers(t, ep);
  await rt.explain(
    Promise.all([
      s1.waitFor('register', (r) => r.endpoint === ep, 30_000),
      s2.waitFor('register', (r) => r.endpoint === ep, 30_000),
    ]),
  );
  const gone = s2.waitFor('deregister', (r) => r.endpoint === ep, 15_000);
  t.is((await s2.execute(ep, '/1/1/4')).code, '2.04');
  await rt.explain(gone);
  t.like(
    await pollUntil(
      () => rt.request<ClientState>('client:102', { type: 'client.state' }),
      (v) => v.state === 'disabled',
    ),
    { registered: false, state: 'disabled' },
  );
  // (the primary may be in the middle of an Update: registered again once it is done)
  t.like(
    await pollUntil(
      () => rt.request<ClientState>('client', { type: 'client.state' }),
      (v) => v.registered,
    ),
    { registered: true },
  );
  t.is(s1.count('deregister', ep), 0);
  t.is((await s1.read(ep, '/3/0/0')).code, '2.05');
  // a Registration Update Trigger from 101 goes to 101's client: an Update reaches server 1, none reaches server 2
  const updatesAt2 = s2.count('update', ep);
  const upd = s1.waitFor('update', (r) => r.endpoint === ep, 15_000);
  t.is((await s1.execute(ep, '/1/0/8')).code, '2.04');
  await rt.explain(upd);
  t.is(s2.count('update', ep), updatesAt2);
});
