// location-assistance-runtime.test.ts: the shipped plugin loaded by the real runtime (child process, simulated modem)
// against the dev server playing the location service.
import test from 'ava';
import { startDevServer } from '../../src/devserver/index.js';
import { attachLocationService, type GnssAnswer, type LocationAnswer } from '../../src/devserver/location-service.js';
import { decodeAgnss } from '../../src/devserver/agnss.js';
import { RuntimeChild } from './support/child.js';
import { pollUntil } from '../support/poll.js';

test("runtime + plugins.enabled [location-assistance], GNSS off: ground fix Send from the simulated modem's cells, answer written back, /6/0 readable", async (t) => {
  const s = await startDevServer({ port: 0 });
  const svc = attachLocationService(s);
  const ep = 'loc-rt';
  const answered = new Promise<LocationAnswer>((resolve) => svc.once('answer', resolve));
  const rt = new RuntimeChild({
    endpoint: ep,
    server: `coap://127.0.0.1:${s.port}`,
    modem: { kind: 'simulated', simulated: { attachDelayMs: 50 } },
    plugins: {
      enabled: ['location-assistance'],
      config: { 'location-assistance': { intervalS: 0, gnss: { enabled: false } } },
    },
  });
  t.teardown(async () => {
    await rt.stop();
    svc.detach();
    await s.close();
  });
  const reg = await s.waitFor('register', (r) => r.endpoint === ep, 30_000);
  const targets = reg.links.map((l) => l.target);
  for (const p of ['/6/0', '/10256/0', '/33626/0']) t.true(targets.includes(p), targets.join(','));

  const ev = await s.waitFor(
    'send',
    (e) => e.endpoint === ep && e.records.some((r) => r.path.join('/') === '33626/0/0'),
    30_000,
  );
  const v = new Map(ev.records.map((r) => [r.path.join('/'), r.value]));
  t.is(v.get('4/0/8'), 0x01a2d001);
  t.is(v.get('4/0/12'), 0x1a2d);
  t.is(v.get('10256/0/0'), 332);
  t.is(v.get('10256/2/2'), 1350);

  const a = await answered;
  t.is(a.writeCode, '2.04');
  t.is(a.cells.neighbours.length, 3);
  const lat = await pollUntil(
    async () => (await s.read(ep, '/6/0/0', { format: 112 })).records?.[0]?.value,
    (v) => v === 63.4215,
    2000,
    20,
  );
  t.is(lat, 63.4215);
  const loc = await s.read(ep, '/6/0', { format: 112 });
  const lv = new Map((loc.records ?? []).map((r) => [r.path.join('/'), r.value]));
  t.is(lv.get('6/0/1'), 10.4381);
  t.is(lv.get('6/0/3'), 400);
  t.true(typeof lv.get('6/0/5') === 'number' && (lv.get('6/0/5') as number) > 1_700_000_000);
  const st = await rt.request<{ requests: number; results: number[] }>('plugin:location-assistance:controller', {
    type: 'location.status',
  });
  t.like(st, { requests: 1, results: [0] });
  t.true(rt.logs().some((l) => l.msg === 'ground fix request sent'));

  // GNSS assistance on demand: A-GPS request Send, nRF Cloud A-GNSS data written back block-wise into /33625/0/6 and
  // injected into the simulated modem, which checks it as an nRF91 would (GNSS_BAD_ASSISTANCE would make it result 1).
  const gnss = new Promise<GnssAnswer>((resolve) => svc.once('gnss', resolve));
  t.like(await rt.request('plugin:location-assistance:controller', { type: 'location.agps-request', mask: 0x3f }), {
    sent: true,
    code: '2.04',
  });
  const g = await gnss;
  t.like(g, { request: { kind: 'agps', mask: 0x3f }, resultCode: 0, writeCode: '2.04' });
  t.like(decodeAgnss(g.data ?? new Uint8Array(0)), { version: 1, rest: 0 });
  type Status = { gnss: { results: number[]; dataBytes: number } };
  const gs = await pollUntil(
    () => rt.request<Status>('plugin:location-assistance:controller', { type: 'location.status' }),
    (cur) => cur.gnss.results.length > 0,
    2000,
    20,
  );
  t.like(gs, { gnss: { results: [0], dataBytes: g.bytes } });
});

test('runtime, GNSS on (default): the registration takes a fix on the simulated modem — need, A-GNSS through /33625 injected, assisted fix in /6/0, 3430 Fix type 1, a Send of /6/0', async (t) => {
  const s = await startDevServer({ port: 0 });
  const svc = attachLocationService(s);
  const ep = 'loc-rt-gnss';
  const gnss = new Promise<GnssAnswer>((resolve) => svc.once('gnss', resolve));
  const rt = new RuntimeChild({
    endpoint: ep,
    server: `coap://127.0.0.1:${s.port}`,
    modem: { kind: 'simulated', simulated: { attachDelayMs: 50 } },
    plugins: { enabled: ['location-assistance'], config: { 'location-assistance': { intervalS: 0, cellCheckS: 0 } } },
  });
  t.teardown(async () => {
    await rt.stop();
    svc.detach();
    await s.close();
  });
  const g = await gnss;
  t.like(g, { request: { kind: 'agps' }, resultCode: 0, writeCode: '2.04' });
  // The fix's Send of /6/0: the simulated sky's position (src/modem/emulator/sky.ts), not the ground fix's cell.
  const sent = await s.waitFor(
    'send',
    (e) => e.endpoint === ep && e.records.some((r) => r.path.join('/') === '6/0/0'),
    30_000,
  );
  const v = new Map(sent.records.map((r) => [r.path.join('/'), r.value]));
  t.is(v.get('6/0/0'), 52.52);
  t.is(v.get('6/0/1'), 13.405);
  t.is(v.get('6/0/3'), 8);
  t.is((v.get('6/0/4') as Uint8Array).length, 4, 'Velocity, TS 23.032');
  const src = await s.read(ep, '/3430/0/13', { format: 112 });
  t.is(src.records?.[0]?.value, 1, 'Fix type 1: GNSS');
  type Status = {
    gnss: { results: number[]; fix: { fixes: number; assisted: number; injected: number; fallbacks: number } };
  };
  const st = await rt.request<Status>('plugin:location-assistance:controller', { type: 'location.status' });
  t.like(st.gnss, { results: [0], fix: { fixes: 1, assisted: 1, injected: 1, fallbacks: 0 } });
  t.is(s.count('send', ep), 2, 'the A-GPS request and the position: no ground fix beside them');
});
