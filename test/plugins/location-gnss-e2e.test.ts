// location-gnss-e2e.test.ts: GNSS through the LwM2M server over UDP loopback, with a fake modem actor answering the
// modem.gnss.* messages: a server's write of /3430/0/26 → modem.gnss.need → /33625 Send → the dev server's assistance
// (nRF Cloud A-GNSS, or an XTRA file) written block-wise into /33625/0/6 → modem.gnss.inject → fix → /6 observed.
import type { ExecutionContext } from 'ava';
import { attachLocationService, type GnssAnswer } from '../../src/devserver/location-service.js';
import { decodeAgnss } from '../../src/devserver/agnss.js';
import { XTRA_DEFAULT_BYTES } from '../../src/devserver/xtra.js';
import { objectActorModule } from '../../src/actors/object.actor.js';
import { CodedError } from '../../src/errors.js';
import type { ActorMessage } from '../../src/runtime/actor-api.js';
import type { GnssFix } from '../../src/modem/gnss/types.js';
import type { DevServer } from '../../src/devserver/index.js';
import { loadLocationPlugin } from './location-plugin.js';
import { pollUntil } from '../support/poll.js';
import { deviceTest, type PluginActor } from '../support/device-test.js';
import type { SimTimers } from '../support/sim-timers.js';

const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);
const FIX: GnssFix = {
  latitude: 63.43049,
  longitude: 10.39506,
  altitudeM: 12,
  accuracyM: 4.5,
  speedMps: 1.25,
  headingDeg: 300.4,
  utcMs: NOW,
  satellites: 9,
};

const plugin = await loadLocationPlugin();
/** What each scenario's fake modem was given to inject. */
const injectedAgnss: Uint8Array[] = [];
const injectedXtra: Uint8Array[] = [];
const config = {
  ...plugin.manifest.config,
  intervalS: 0,
  cellCheckS: 0,
  onRegistered: false,
  gnss: { ...(plugin.manifest.config.gnss as object), onRegistered: false, onLeak: 'off', intervalS: 0 },
};

async function load<T>(file: string): Promise<T> {
  return (await import(new URL(file, new URL('../../../plugins/location-assistance/', import.meta.url)).href)) as T;
}
const assist = await load<{ default: never }>('gnss-assistance.js');
const gnssObject = await load<{ default: never }>('gnss-object.js');

function actors(clock: SimTimers): PluginActor[] {
  const obj = (id: number, spec: never): PluginActor => ({
    name: `object:${id}`,
    module: objectActorModule({ spec, timers: clock }),
    config,
  });
  return [
    obj(33626, plugin.groundFix as never),
    obj(10256, plugin.ecid as never),
    obj(6, plugin.createLocationObject({ now: () => NOW }) as never),
    obj(33625, assist.default),
    obj(3430, gnssObject.default),
    {
      name: 'plugin:location-assistance:controller',
      module: plugin.controllerActorModule({ timers: clock }),
      config,
    },
  ];
}

/** A modem with a receiver that lacks ephemerides and takes `format`; records what was injected. */
function fakeModem(format: 'nrf-cloud-agnss' | 'xtra', injected: Uint8Array[]) {
  return (m: ActorMessage): unknown => {
    switch (m.type) {
      case 'modem.status':
        return { up: true, bearer: 'lte-m', state: 'up', kind: 'simulated' };
      case 'modem.gnss.need':
        return { ephemeris: true, format, rf: format === 'xtra' ? 'exclusive' : 'lte-idle' };
      case 'modem.gnss.inject':
        injected.push(m.data as Uint8Array);
        return { ok: true };
      case 'modem.gnss.fix':
        if (injected.length === 0) return Promise.reject(new CodedError('GNSS_TIMEOUT', 'cold start too slow'));
        return FIX;
      default:
        return { ok: true };
    }
  };
}

/** The server observes /6/0, writes true to /3430/0/26 and waits for the notification carrying the fix. */
async function fixOnDemand(t: ExecutionContext, s: DevServer, ep: string): Promise<GnssAnswer> {
  const svc = attachLocationService(s, { now: () => NOW });
  t.teardown(() => svc.detach());
  const answered = new Promise<GnssAnswer>((resolve) => svc.once('gnss', resolve));
  const obs = await s.observe(ep, '/6/0', { format: 112 });
  t.is(obs.result.code, '2.05');
  const notified = s.waitFor(
    'notify',
    (n) =>
      n.endpoint === ep &&
      (n.result.records ?? []).some((r) => r.path.join('/') === '6/0/0' && r.value === FIX.latitude),
    10_000,
  );
  t.is((await s.write(ep, '/3430/0/26', true)).code, '2.04');
  const a = await answered;
  t.is(a.writeCode, '2.04');
  t.is(a.resultCode, 0);
  const n = await notified;
  const v = new Map((n.result.records ?? []).map((r) => [r.path.join('/'), r.value]));
  t.is(v.get('6/0/1'), FIX.longitude);
  t.is(v.get('6/0/2'), 12);
  t.is(v.get('6/0/3'), 4.5);
  t.is(v.get('6/0/5'), NOW / 1000);
  t.is(v.get('6/0/6'), 1.25);
  // TS 23.032 Horizontal Velocity: bearing 300 (0x12c), 4.5 km/h → 5.
  t.is(Buffer.from(v.get('6/0/4') as Uint8Array).toString('hex'), '012c0005');
  const g = await pollUntil(
    () => s.read(ep, '/3430/0', { format: 112 }),
    (r) => (r.records ?? []).some((x) => x.path.join('/') === '3430/0/26' && x.value === false),
    5000,
    10,
  );
  const gv = new Map((g.records ?? []).map((r) => [r.path.join('/'), r.value]));
  t.is(gv.get('3430/0/13'), 1, 'Fix type 1: autonomous GNSS fix');
  t.is(gv.get('3430/0/28'), 'A');
  t.is(gv.get('3430/0/15'), 9);
  return a;
}

deviceTest(
  'nRF91-style receiver: A-GNSS (schema v1) written block-wise into /33625/0/6 reaches the modem unchanged; the fix fills /6 and notifies',
  {
    objects: [0, 1, 3, 4],
    modem: fakeModem('nrf-cloud-agnss', injectedAgnss),
    plugins: actors,
  },
  async ({ t, device, server: s }) => {
    const injected = injectedAgnss;
    await device.registered;
    await device.untilRegistered();
    const a = await fixOnDemand(t, s, device.endpoint);
    t.is(a.request.kind, 'agps');
    t.is(injected.length, 1);
    t.deepEqual(injected[0], a.data, 'the bytes the server wrote are the bytes injected');
    t.true(a.bytes > 1024, `${a.bytes} bytes: more than one block`);
    const d = decodeAgnss(injected[0]);
    t.is(d.version, 1);
    t.is(d.rest, 0);
    t.is(d.arrays.find((x) => x.type === 2)?.items.length, 31, '31 ephemerides');
  },
);

deviceTest(
  'BG95 / SIM7080-style receiver: assistance type 2, a 40 KiB XTRA file written block-wise and injected whole',
  {
    objects: [0, 1, 3, 4],
    modem: fakeModem('xtra', injectedXtra),
    plugins: actors,
  },
  async ({ t, device, server: s }) => {
    const injected = injectedXtra;
    await device.untilRegistered();
    const sent = s.waitFor('send', (e) => e.endpoint === device.endpoint && e.records.some((r) => r.path[0] === 33625));
    const a = await fixOnDemand(t, s, device.endpoint);
    t.deepEqual(
      (await sent).records.map((r) => [r.path.join('/'), r.value]),
      [['33625/0/0', 2]],
    );
    t.like(a, { request: { kind: 'xtra' }, bytes: XTRA_DEFAULT_BYTES });
    t.is(injected[0].length, XTRA_DEFAULT_BYTES);
    t.deepEqual(injected[0], a.data);
  },
);
