// queue-mode.test.ts: requests to a queue-mode client that has gone to sleep wait for its next Update (injected clock).
import test from 'ava';
import { ContentFormat } from '../../src/lwm2m/types.js';
import { startDevServer } from '../../src/devserver/server.js';
import { FakeClient } from '../support/fake-lwm2m-client.js';
import { quietPeriod } from '../support/poll.js';

test('a sleeping queue-mode client gets the held Read right after its Update', async (t) => {
  let now = 5_000_000;
  const s = await startDevServer({ now: () => now, requestTimeoutMs: 3000 });
  const c = await FakeClient.start();
  t.teardown(async () => {
    await s.close();
    await c.close();
  });
  await c.register(s.port, 'sleepy', '</3/0>', 'lt=3600&lwm2m=1.1&b=U&Q');
  t.true(s.registrations.get('sleepy')!.queueMode);
  c.handler = (_req, res) => {
    res.setOption('Content-Format', ContentFormat.TEXT);
    res.end('Acme');
    return true;
  };
  now += 10_000;
  t.false(s.asleep('sleepy'));
  t.is((await s.read('sleepy', '/3/0/0')).code, '2.05', 'awake: sent at once');
  now += 94_000;
  t.true(s.asleep('sleepy'));
  const held = s.read('sleepy', '/3/0/0');
  await quietPeriod(100, 'the held Read must not reach the sleeping client');
  t.is(c.seen.length, 1, 'not sent while asleep');
  t.is((await c.request(s.port, 'POST', s.registrations.get('sleepy')!.location)).code, '2.04');
  const r = await held;
  t.is(r.code, '2.05');
  t.is(c.seen.length, 2);
});

test('a held request fails when the client deregisters or the server closes', async (t) => {
  let now = 5_000_000;
  const s = await startDevServer({ now: () => now, queueAwakeMs: 1000 });
  const c = await FakeClient.start();
  t.teardown(() => c.close());
  await c.register(s.port, 'q', '</3/0>', 'lt=3600&lwm2m=1.1&Q');
  now += 2000;
  const outcome = (p: Promise<unknown>): Promise<string> =>
    p.then(
      () => 'answered',
      (e: Error) => e.message,
    );
  const held = outcome(s.read('q', '/3/0/0'));
  await c.request(s.port, 'DELETE', s.registrations.get('q')!.location);
  t.regex(await held, /deregistered/);
  await c.register(s.port, 'q', '</3/0>', 'lt=3600&lwm2m=1.1&Q');
  now += 2000;
  const held2 = outcome(s.read('q', '/3/0/0'));
  await s.close();
  t.regex(await held2, /closed/);
});
