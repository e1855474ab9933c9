// persist-observe.test.ts: an observation survives a restart of the socket + object actors when the registration
// resumes with an Update (same token, fresh sequence number); a new Register drops it.
import test from 'ava';
import { cleanupAfter, device, managementClient, stubServer, until } from './persist-helpers.js';
import { OBSERVATIONS_KEY, type JournalEntry } from '../../src/socket/observe-journal.js';
import type { InProcessActors } from '../support/in-process-actors.js';
import { quietPeriod, waitFor } from '../support/poll.js';

/** The socket actor's stored observations (InProcessActors keeps one store per actor name). */
const stored = (actors: InProcessActors): JournalEntry[] =>
  ((actors as unknown as { stores: Map<string, Map<string, unknown>> }).stores.get('socket')?.get(OBSERVATIONS_KEY) as
    JournalEntry[] | undefined) ?? [];

const observations = async (actors: InProcessActors): Promise<string[]> =>
  ((await actors.get('object:3424')!.receive({ type: 'object.observations' })) as { ids: string[] }).ids;

test('observe, kill and restart socket + object actors, Update: the next notification reaches the same observer (same token)', async (t) => {
  const srv = await stubServer();
  const d = await device(srv.port);
  const mc = managementClient();
  cleanupAfter(t, d, mc, srv);
  t.is((await d.register()).code, '2.01');
  const obs = await mc.observe(d.port, '/3424/0/1');
  t.teardown(() => obs.close());
  await until(() => obs.values.length >= 1);
  await d.reading(2);
  await until(() => obs.values.length >= 2);
  t.deepEqual(obs.values, [0, 2]);
  const before = stored(d.actors);
  t.is(before.length, 1);
  t.is(before[0].token, obs.token.toString('hex'));
  t.deepEqual(before[0].path, [3424, 0, 1]);
  const oldPort = d.port;

  await d.restartAll();
  t.deepEqual(await observations(d.actors), [], 'nothing observed before the registration is resumed');
  await d.reading(3); // the meter's reading while the registration is not resumed yet
  await quietPeriod(50, 'no notification may cross the loopback socket before the Update resumes the relation');
  t.deepEqual(obs.values, [0, 2]);
  t.is((await d.update()).code, '2.04');
  t.is((await observations(d.actors)).length, 1, 'the Update resumed it');
  await until(() => obs.values.length >= 3);
  t.deepEqual(
    obs.values,
    [0, 2, 3],
    'the current value right after the Update, on the old token; node-coap took the sequence number as fresh',
  );
  await d.reading(5);
  await until(() => obs.values.length >= 4);
  t.deepEqual(obs.values, [0, 2, 3, 5], 'and the next change');
  const after = stored(d.actors);
  t.is(after.length, 1);
  t.is(after[0].token, obs.token.toString('hex'));
  t.not(after[0].id, before[0].id, 'journalled under the resumed relation');
  t.log(`device port ${oldPort} → ${d.port}`);

  // a second Update does not resume it twice
  t.is((await d.update()).code, '2.04');
  t.is((await observations(d.actors)).length, 1);
  await d.reading(6);
  await until(() => obs.values.length >= 5);
  await quietPeriod(50, 'a duplicate relation would send a second notification');
  t.deepEqual(obs.values, [0, 2, 3, 5, 6], 'no duplicate relation');
});

test('after a restart, a new Register (registration not resumed) drops the stored observations', async (t) => {
  const srv = await stubServer();
  const d = await device(srv.port);
  const mc = managementClient();
  cleanupAfter(t, d, mc, srv);
  t.is((await d.register()).code, '2.01');
  const obs = await mc.observe(d.port, '/3424/0/1');
  t.teardown(() => obs.close());
  await until(() => obs.values.length >= 1);
  t.is(stored(d.actors).length, 1);

  await d.restartAll();
  t.is((await d.register()).code, '2.01');
  t.deepEqual(stored(d.actors), []);
  t.is((await d.update()).code, '2.04');
  t.deepEqual(await observations(d.actors), [], 'nothing to resume');
  await d.reading(9);
  await quietPeriod(100, 'a dropped relation sends nothing over the loopback socket');
  t.deepEqual(obs.values, [0]);
});

test('De-register forgets the stored observations', async (t) => {
  const srv = await stubServer();
  const d = await device(srv.port);
  const mc = managementClient();
  cleanupAfter(t, d, mc, srv);
  t.is((await d.register()).code, '2.01');
  const obs = await mc.observe(d.port, '/3424/0/1');
  t.teardown(() => obs.close());
  await until(() => obs.values.length >= 1);
  t.is(stored(d.actors).length, 1);
  const r = (await d.actors
    .get('socket')!
    .receive({ type: 'coap.send', req: { method: 'DELETE', path: ['rd', 'abc'] } })) as { code: string };
  t.is(r.code, '2.02');
  t.deepEqual(stored(d.actors), []);
});

test('only the object actor restarts (supervisor): the live relation is observed again, same token and sequence', async (t) => {
  const srv = await stubServer();
  const d = await device(srv.port);
  const mc = managementClient();
  cleanupAfter(t, d, mc, srv);
  t.is((await d.register()).code, '2.01');
  const obs = await mc.observe(d.port, '/3424/0/1');
  t.teardown(() => obs.close());
  await until(() => obs.values.length >= 1);
  await d.reading(2);
  await until(() => obs.values.length >= 2);
  const id = stored(d.actors)[0].id;

  await d.restartObject();
  await waitFor(async () => (await observations(d.actors)).length > 0, {
    timeoutMs: 2000,
    what: 'the relation observed again',
  });
  t.deepEqual(await observations(d.actors), [id], 'observed again under the relation id');
  await quietPeriod(50, 'the re-attach itself must send no notification');
  t.deepEqual(obs.values, [0, 2], 'no notification for the re-attach itself');
  await d.reading(4);
  await until(() => obs.values.length >= 3);
  t.deepEqual(obs.values, [0, 2, 4]);
});
