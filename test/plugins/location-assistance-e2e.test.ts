// location-assistance-e2e.test.ts: ground fix end to end over UDP loopback: simulated modem cells → /4/0 + /10256 →
// Send → dev server location service → Write /33626/0 → /6/0 read by the server.
import { attachLocationService, type LocationAnswer } from '../../src/devserver/location-service.js';
import { objectActorModule } from '../../src/actors/object.actor.js';
import { SIMULATED_NEIGHBOURS } from '../../src/modem/simulated.js';
import { loadLocationPlugin, type Controller } from './location-plugin.js';
import { pollUntil, quietPeriod, waitFor } from '../support/poll.js';
import { deviceTest } from '../support/device-test.js';

const FIX_TIME_MS = Date.UTC(2026, 10, 25, 12, 0, 0);

const until = (cond: () => boolean, ms = 5000): Promise<void> => waitFor(cond, { timeoutMs: ms, everyMs: 5 });

const plugin = await loadLocationPlugin();
// The ground fix alone (GNSS off: the simulated modem has a receiver, whose fix would come first).
const pluginConfig = {
  ...plugin.manifest.config,
  gnss: { ...(plugin.manifest.config.gnss as object), enabled: false },
};

deviceTest(
  'ground fix: measurements sent, answer written back, location readable from object 6; a second request within the minimum interval is not sent',
  {
    objects: [0, 1, 3, 4],
    plugins: (clock) => [
      { name: 'object:33626', module: objectActorModule({ spec: plugin.groundFix }), config: pluginConfig },
      { name: 'object:10256', module: objectActorModule({ spec: plugin.ecid }), config: pluginConfig },
      {
        name: 'object:6',
        module: objectActorModule({ spec: plugin.createLocationObject({ now: () => FIX_TIME_MS }) }),
        config: pluginConfig,
      },
      {
        name: 'plugin:location-assistance:controller',
        module: plugin.controllerActorModule({ timers: clock }),
        config: pluginConfig,
      },
    ],
  },
  async ({ t, device, server: s, clock: timers }) => {
    t.deepEqual(
      plugin.manifest.objects.map((o) => o.id),
      [33626, 10256, 6, 33625, 3430],
    );
    const svc = attachLocationService(s);
    t.teardown(() => svc.detach());
    const ep = device.endpoint;
    const ctl = device.get('plugin:location-assistance:controller') as Controller;
    const sent = s.waitFor('send', (e) => e.endpoint === ep);
    const answered = new Promise<LocationAnswer>((resolve) => svc.once('answer', resolve));
    const reg = await device.registered;
    t.true(
      reg.links.some((l) => l.target === '/33626/0'),
      JSON.stringify(reg.links),
    );
    t.true(reg.links.some((l) => l.target === '/6/0'));

    // The Send: the SDK's ground fix paths, in order, with the simulated serving cell and its three neighbours.
    const ev = await sent;
    const v = new Map(ev.records.map((r) => [r.path.join('/'), r.value]));
    t.is(v.get('33626/0/0'), true);
    t.is(v.get('4/0/8'), 0x01a2d001);
    t.is(v.get('4/0/9'), 1);
    t.is(v.get('4/0/10'), 1);
    t.is(v.get('4/0/12'), 0x1a2d);
    t.is(typeof v.get('4/0/2'), 'number');
    const order = [...new Set(ev.records.map((r) => r.path.slice(0, r.path[0] === 10256 ? 1 : 3).join('/')))];
    t.deepEqual(order, ['33626/0/0', '4/0/8', '4/0/9', '4/0/10', '4/0/2', '4/0/12', '10256']);
    SIMULATED_NEIGHBOURS.forEach((c, i) => {
      t.is(v.get(`10256/${i}/0`), c.pci);
      t.is(v.get(`10256/${i}/2`), c.earfcn);
      t.is(v.get(`10256/${i}/3`), c.rsrpDbm);
      t.is(v.get(`10256/${i}/4`), c.rsrqDb);
    });
    // Unused slots are zeroed, as the SDK does (all maxNeighbours instances exist from the start: no registration
    // Update).
    for (let i = SIMULATED_NEIGHBOURS.length; i < 8; i++) t.is(v.get(`10256/${i}/0`), 0);
    t.false(ev.records.some((r) => r.path[0] === 10256 && r.path[1] >= 8));
    t.is(s.count('update', ep), 0);

    // The location service's answer, written back into /33626/0.
    const a = await answered;
    t.is(a.writeCode, '2.04');
    t.is(a.resultCode, 0);
    t.deepEqual(a.location, { lat: 63.4215, lon: 10.4381, accuracy: 400 });

    // Object 6, read by the server.
    await until(() => svc.answers.length > 0);
    const loc = await pollUntil(
      () => s.read(ep, '/6/0', { format: 112 }),
      (l) => (l.records ?? []).some((r) => r.path.join('/') === '6/0/3' && r.value === 400),
      1000,
      10,
    );
    t.is(loc.code, '2.05');
    const lv = new Map((loc.records ?? []).map((r) => [r.path.join('/'), r.value]));
    t.is(lv.get('6/0/0'), 63.4215);
    t.is(lv.get('6/0/1'), 10.4381);
    t.is(lv.get('6/0/3'), 400);
    t.is(lv.get('6/0/5'), FIX_TIME_MS / 1000);
    t.like(ctl.receive({ type: 'location.status' }), {
      registered: true,
      requests: 1,
      results: [0],
      tempError: false,
      permanentError: false,
    });

    // Rate limit: an on-demand request right away (within minIntervalS = 60 s on the controller's clock) is not sent.
    const sendsBefore = s.count('send', ep);
    const r2 = await (ctl.receive({ type: 'location.request' }) as Promise<{ sent: boolean; why?: string }>);
    t.like(r2, { sent: false, why: 'rate-limited' });
    await quietPeriod(50, 'a rate-limited request must not reach the dev server');
    t.is(s.count('send', ep), sendsBefore);
    // Once the interval has passed (simulated), the deferred request goes out: a second Send, a second answer.
    const second = new Promise<LocationAnswer>((resolve) => svc.once('answer', resolve));
    await timers.advance(60_000);
    t.is((await second).writeCode, '2.04');
    t.is(s.count('send', ep), sendsBefore + 1);
  },
);
