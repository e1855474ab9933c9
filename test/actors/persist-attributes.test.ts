// persist-attributes.test.ts: Write-Attributes on /3424/0/1 survive a restart of the object actor (and of socket +
// object); a new Register clears them.
import test from 'ava';
import { cleanupAfter, device, managementClient, stubServer, until } from './persist-helpers.js';
import { ContentFormat } from '../../src/lwm2m/types.js';
import { settle } from '../support/sim-timers.js';
import { quietPeriod } from '../support/poll.js';

const discover = async (mc: ReturnType<typeof managementClient>, port: number): Promise<string> => {
  const r = await mc.call(port, 'GET', '/3424/0/1', { accept: ContentFormat.LINK });
  return r.payload.toString();
};

test('pmin/pmax/gt written by the server hold after the object actor restarts: Discover shows them, notifications follow them', async (t) => {
  const srv = await stubServer();
  const d = await device(srv.port);
  const mc = managementClient();
  cleanupAfter(t, d, mc, srv);
  t.is((await d.register()).code, '2.01');
  await d.reading(1);
  t.is((await mc.call(d.port, 'PUT', '/3424/0/1', { query: 'pmin=10&pmax=60&gt=5' })).code, '2.04');
  t.is(await discover(mc, d.port), '</3424/0/1>;pmin=10;pmax=60;gt=5');

  await d.restartObject();
  t.is(await discover(mc, d.port), '</3424/0/1>;pmin=10;pmax=60;gt=5', 'restored from the store');
  await d.reading(1); // the meter pushes its reading to the restarted object

  // Observe on the simulated clock (object timers): gt=5 makes 1 → 4 insignificant; pmax forces one at 60 s;
  // crossing gt right after that waits for pmin (10 s after the last notification).
  const obs = await mc.observe(d.port, '/3424/0/1');
  t.teardown(() => obs.close());
  await until(() => obs.values.length >= 1);
  t.deepEqual(obs.values, [1]);
  await d.reading(4);
  await d.timers.advance(59_000);
  await quietPeriod(50, 'no notification may cross the loopback socket before pmax');
  t.deepEqual(obs.values, [1], 'no crossing of gt, before pmax: nothing');
  await d.timers.advance(1000);
  await until(() => obs.values.length >= 2);
  t.deepEqual(obs.values, [1, 4], 'pmax');
  await d.timers.advance(1000);
  await d.reading(7);
  await d.timers.advance(8000);
  await quietPeriod(50, 'no notification may cross the loopback socket within pmin');
  t.deepEqual(obs.values, [1, 4], 'crossed gt, but within pmin');
  await d.timers.advance(1000);
  await until(() => obs.values.length >= 3);
  t.deepEqual(obs.values, [1, 4, 7], 'sent at last notification + pmin');

  // the whole device restarts (new UDP port): still there
  await d.restartAll();
  t.is(await discover(mc, d.port), '</3424/0/1>;pmin=10;pmax=60;gt=5');
});

test("a new Register (not an Update) clears the server's attributes, in memory and in the store", async (t) => {
  const srv = await stubServer();
  const d = await device(srv.port);
  const mc = managementClient();
  cleanupAfter(t, d, mc, srv);
  t.is((await d.register()).code, '2.01');
  t.is((await mc.call(d.port, 'PUT', '/3424/0/1', { query: 'pmin=10&pmax=60&gt=5' })).code, '2.04');
  t.is((await mc.call(d.port, 'PUT', '/3424', { query: 'pmax=300' })).code, '2.04');
  t.is((await d.update()).code, '2.04');
  await settle();
  t.is(await discover(mc, d.port), '</3424/0/1>;pmin=10;pmax=60;gt=5', 'an Update keeps them');

  t.is((await d.register()).code, '2.01');
  await settle();
  t.is(await discover(mc, d.port), '</3424/0/1>');
  t.false((await mc.call(d.port, 'GET', '/3424', { accept: ContentFormat.LINK })).payload.toString().includes('pmax'));
  await d.restartObject();
  t.is(await discover(mc, d.port), '</3424/0/1>', 'not restored either');
  t.true(srv.seen.filter((s) => s.startsWith('POST /rd?')).length === 2);
});
