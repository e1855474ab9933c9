// registration.test.ts: the ETS Registration Interface cases (int-101…109) against the real device: one device for
// 101–107, one in queue mode for 108–109.
import test from 'ava';
import { StrictServer, CF } from './support/strict-server.js';
import { startDevice, dmServer, CONFIG3, DEVICE_INFO } from './support/device.js';
import { ets } from './support/ets.js';
import type { DeviceProcess } from '../support/device-process.js';
import type { DeviceRequest } from '../support/hostile-server.js';

let s: StrictServer;
let q: StrictServer;
let device: DeviceProcess;
let queued: DeviceProcess | undefined;
const servers = (): StrictServer[] => [s, q];

test.before(async () => {
  [s, q] = await Promise.all([StrictServer.start(), StrictServer.start()]);
  device = startDevice({ servers: [dmServer(s.uri)], client: { updateMarginS: 1 } });
});

test.after.always(async () => {
  await Promise.all([device?.stop(), queued?.stop()]);
  await Promise.all([s?.close(), q?.close()]);
});

const isUpdate =
  (srv: StrictServer) =>
  (r: DeviceRequest): boolean =>
    srv.updates().includes(r);

ets(servers, 101, 'Initial Registration', async (t) => {
  const reg = await s.waitForRegister();
  t.is(reg.request.method, 'POST');
  t.true(reg.request.packet.confirmable, 'Register is a CON');
  t.is(reg.params.ep, device.endpoint);
  t.is(reg.params.lt, String(CONFIG3.lifetime));
  t.is(reg.params.lwm2m, '1.1');
  t.is(reg.params.b, 'U');
  const targets = reg.links.map((l) => l.target);
  for (const must of ['/1/0', '/3/0']) t.true(targets.includes(must), `${must} in ${targets.join(',')}`);
  t.false(
    targets.some((x) => x.startsWith('/0')),
    'Security is never registered',
  );
  const root = reg.links.find((l) => l.target === '/');
  if (root) t.is(root.attrs.rt, 'oma.lwm2m');
  // registered: the device answers the server at once
  t.is((await s.call({ method: 'GET', path: '/3/0/0', accept: CF.text })).text, DEVICE_INFO.manufacturer);
});

ets(servers, 102, 'Registration Update', async (t) => {
  const since = s.raw.requests.length;
  const lt = CONFIG3.lifetime + 10;
  t.is(
    (await s.call({ method: 'PUT', path: '/1/0/1', contentFormat: CF.text, payload: Buffer.from(String(lt)) })).code,
    '2.04',
  );
  const upd = await s.waitForRequest(isUpdate(s), 10_000, 'an Update', since);
  t.deepEqual(upd.query, [`lt=${lt}`], 'only the changed parameter');
  t.is(upd.packet.payload.length, 0, 'no links: the objects did not change');
  t.is(
    (
      await s.call({
        method: 'PUT',
        path: '/1/0/1',
        contentFormat: CF.text,
        payload: Buffer.from(String(CONFIG3.lifetime)),
      })
    ).code,
    '2.04',
  );
  await s.waitForRequest(
    (r) => isUpdate(s)(r) && r.query.includes(`lt=${CONFIG3.lifetime}`),
    10_000,
    'the Update back',
    since,
  );
});

ets(servers, 104, 'Registration Update Trigger', async (t) => {
  const since = s.raw.requests.length;
  t.is((await s.call({ method: 'POST', path: '/1/0/8' })).code, '2.04');
  const upd = await s.waitForRequest(isUpdate(s), 10_000, 'the triggered Update', since);
  t.deepEqual(upd.query, [], 'nothing changed: no parameters');
});

ets(servers, 105, 'Discarded Register Update', async (t) => {
  const since = s.raw.requests.length;
  s.raw.onRequest((r) => (isUpdate(s)(r) ? { code: '4.04' } : undefined));
  try {
    t.is((await s.call({ method: 'POST', path: '/1/0/8' })).code, '2.04');
    await s.waitForRequest(isUpdate(s), 10_000, 'the Update', since);
  } finally {
    s.raw.onRequest(undefined);
  }
  const reg = await s.waitForRequest(
    (r) => r.method === 'POST' && r.path === '/rd',
    15_000,
    'a new Register after 4.04',
    since,
  );
  t.is(new URLSearchParams(reg.query.join('&')).get('ep'), device.endpoint);
});

ets(servers, 107, 'Extending the lifetime of a registration', async (t) => {
  const since = s.raw.requests.length;
  t.is(
    (await s.call({ method: 'PUT', path: '/1/0/1', contentFormat: CF.text, payload: Buffer.from('4') })).code,
    '2.04',
  );
  const first = await s.waitForRequest(
    (r) => isUpdate(s)(r) && r.query.includes('lt=4'),
    10_000,
    'the Update with lt=4',
    since,
  );
  // the next Update comes before the 4 s lifetime runs out
  const next = await s.waitForRequest(isUpdate(s), 8_000, 'a periodic Update', s.raw.requests.indexOf(first) + 1);
  t.true(next.at - first.at < 4000, `Update after ${next.at - first.at} ms`);
  t.is(
    (
      await s.call({
        method: 'PUT',
        path: '/1/0/1',
        contentFormat: CF.text,
        payload: Buffer.from(String(CONFIG3.lifetime)),
      })
    ).code,
    '2.04',
  );
});

ets(servers, 103, 'Deregistration', async (t) => {
  const since = s.raw.requests.length;
  t.is(
    (await s.call({ method: 'PUT', path: '/1/0/5', contentFormat: CF.text, payload: Buffer.from('1') })).code,
    '2.04',
  );
  t.is((await s.call({ method: 'POST', path: '/1/0/4' })).code, '2.04', 'Disable');
  const del = await s.waitForRequest((r) => r.method === 'DELETE', 10_000, 'the De-register', since);
  t.regex(del.path, /^\/rd\/h\d+$/);
  t.true(del.packet.confirmable);
  // after the disable timeout the device registers again
  await s.waitForRequest(
    (r) => r.method === 'POST' && r.path === '/rd',
    15_000,
    'the Register after the disable timeout',
    since,
  );
  t.is(
    (
      await s.call({
        method: 'PUT',
        path: '/1/0/5',
        contentFormat: CF.text,
        payload: Buffer.from(String(CONFIG3.disableTimeout)),
      })
    ).code,
    '2.04',
  );
});

ets(servers, 108, 'Turn on Queue Mode', async (t) => {
  queued = startDevice({
    servers: [dmServer(q.uri, { lifetime: 4 })],
    client: { queueMode: true, queueAwakeS: 1, updateMarginS: 1 },
  });
  const reg = await q.waitForRegister();
  t.true('Q' in reg.params, `Q in ${reg.request.query.join('&')}`);
  t.is(reg.params.b, 'U');
  t.is((await q.call({ method: 'GET', path: '/3/0/0', accept: CF.text })).code, '2.05', 'awake right after Register');
});

ets(servers, 109, 'Behavior in Queue Mode', async (t) => {
  const since = q.raw.requests.length;
  // asleep after the awake window: requests go unanswered
  await queued!.waitForLog((l) => l.msg === 'client state' && JSON.stringify(l.state).includes('asleep'), 10_000);
  const asleep = await q.call({ method: 'GET', path: '/3/0/0', accept: CF.text, timeoutMs: 1000 }).then(
    () => 'answered',
    () => 'no answer',
  );
  t.is(asleep, 'no answer');
  // the server holds its request until the device shows up with an Update, then it is answered
  await q.waitForRequest(isUpdate(q), 10_000, 'the Update that wakes the device', since);
  t.is((await q.call({ method: 'GET', path: '/3/0/0', accept: CF.text })).text, DEVICE_INFO.manufacturer);
});
