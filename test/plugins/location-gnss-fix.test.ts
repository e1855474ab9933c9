// location-gnss-fix.test.ts: the GNSS fix policy on a simulated clock against a fake modem actor (the messages of
// src/messages/modem.ts): need → assistance through /33625 → inject → fix → /6; failures, fallback, triggers.
import test from 'ava';
import { CodedError } from '../../src/errors.js';
import { log } from '../../src/runtime/log.js';
import type { ActorMessage } from '../../src/runtime/actor-api.js';
import type { GnssFix, GnssNeed } from '../../src/modem/gnss/types.js';
import { SimTimers, flush } from '../support/sim-timers.js';
import { loadLocationPlugin, type Controller } from './location-plugin.js';

const FIX: GnssFix = {
  latitude: 59.91273,
  longitude: 10.74609,
  altitudeM: 23.5,
  accuracyM: 6.2,
  speedMps: 1.25,
  headingDeg: 300.4,
  utcMs: Date.UTC(2026, 11, 6, 12, 0, 0),
  satellites: 8,
};

interface FakeModem {
  need: GnssNeed & { format: 'nrf-cloud-agnss' | 'xtra'; rf: 'lte-idle' | 'exclusive' };
  needError?: string;
  fixError?: string;
  injectError?: string | undefined;
  /** What the fake server writes back for an assistance request (undefined: nothing comes). */
  serverCode?: number | undefined;
  leak: boolean;
}

async function setup(gnss: Record<string, unknown>, modem: Partial<FakeModem> = {}) {
  const plugin = await loadLocationPlugin();
  const timers = new SimTimers();
  const m: FakeModem = {
    need: { ephemeris: true, format: 'nrf-cloud-agnss', rf: 'lte-idle' },
    serverCode: 0,
    leak: false,
    ...modem,
  };
  const modemCalls: ActorMessage[] = [];
  const sends: { at: number; paths: number[][] }[] = [];
  const toObjects: { to: string; msg: ActorMessage }[] = [];
  const injected: Uint8Array[] = [];
  const ref: { ctl?: Controller } = {};
  const assistanceData = (kind: string): Uint8Array => new Uint8Array(kind === 'xtra' ? 4000 : 2900).fill(7);
  const ctx = {
    config: {
      ...plugin.manifest.config,
      intervalS: 0,
      cellCheckS: 0,
      gnss: { ...(plugin.manifest.config.gnss as object), ...gnss },
    },
    log,
    send: (to: string, msg: ActorMessage) => toObjects.push({ to, msg }),
    request: async <R>(to: string, msg: ActorMessage): Promise<R> => {
      if (to === 'modem') {
        modemCalls.push(msg);
        if (msg.type === 'modem.gnss.need') {
          if (m.needError) throw new CodedError(m.needError, 'no');
          return m.need as R;
        }
        if (msg.type === 'modem.gnss.inject') {
          if (m.injectError) throw new CodedError(m.injectError, 'the modem refused the data');
          injected.push(msg.data as Uint8Array);
          return { ok: true } as R;
        }
        if (msg.type === 'modem.gnss.fix') {
          if (m.fixError) throw new CodedError(m.fixError, 'no fix');
          return FIX as R;
        }
        if (msg.type === 'modem.cell-measurements')
          return { serving: { ci: 1, lac: 2, mcc: 242, mnc: 1, dbm: -90 }, neighbours: [] } as R;
      }
      if (to === 'meter') return { snapshot: { flags: { leakDetected: m.leak, leakSuspected: m.leak } } } as R;
      if (to === 'client' && msg.type === 'client.state') return { registered: false } as R;
      if (to === 'client' && msg.type === 'lwm2m.send') {
        const paths = msg.paths as number[][];
        sends.push({ at: timers.now(), paths });
        const a = toObjects.findLast((x) => x.to === 'object:33625');
        if (paths[0]?.[0] === 33625 && m.serverCode !== undefined && a) {
          const type = (a.msg.values as Record<number, number>)[0];
          const kind = type === 2 ? 'xtra' : 'agps';
          const code = m.serverCode;
          // The server's Write arrives after the Send's answer: the data, then the result code (as object 33625 emits).
          setImmediate(() => {
            if (code === 0) void ref.ctl?.receive({ type: 'gnss.data', kind, bytes: 1, data: assistanceData(kind) });
            void ref.ctl?.receive({ type: 'location.result', code, service: 'gnss' });
          });
        }
        return { code: '2.04' } as R;
      }
      toObjects.push({ to, msg });
      return { ok: true } as R;
    },
  };
  const c = plugin.createController(ctx, { timers });
  ref.ctl = c;
  const status = () => (c.receive({ type: 'location.status' }) as { gnss: Record<string, unknown> }).gnss;
  return { timers, ctl: c, modemCalls, sends, toObjects, injected, m, status };
}

const fixNow = (ctl: Controller, reason = 'request') =>
  ctl.receive({ type: 'location.gnss-fix', reason }) as Promise<{ fixed: boolean; assisted?: boolean; why?: string }>;

test('ephemeris needed (nRF91): A-GPS request through /33625, the data written back injected, then the fix into /6 with velocity inputs, then a Send of /6/0', async (t) => {
  const { ctl, modemCalls, sends, toObjects, injected, status } = await setup({});
  t.teardown(() => ctl.stop());
  t.like(await fixNow(ctl), { fixed: true, assisted: true });
  t.deepEqual(
    modemCalls.map((x) => x.type),
    ['modem.gnss.need', 'modem.gnss.inject', 'modem.gnss.fix'],
  );
  t.like(modemCalls[2], { timeoutMs: 120_000, accuracyM: 50 });
  t.is(injected[0].length, 2900);
  t.deepEqual(sends[0].paths.slice(0, 2), [
    [33625, 0, 0],
    [33625, 0, 1],
  ]);
  t.deepEqual(sends[0].paths.at(-1), [33625, 0, 8], 'filtered: the elevation mask sent');
  t.deepEqual(toObjects.find((x) => x.to === 'object:33625')?.msg.values, { 0: 0, 1: 0x1ff, 8: 5 });
  const upd = toObjects.find((x) => x.to === 'object:6');
  t.deepEqual(upd?.msg, {
    type: 'location.update',
    values: { 0: FIX.latitude, 1: FIX.longitude, 2: 23.5, 3: 6.2, 5: FIX.utcMs / 1000, 6: 1.25 },
    source: 'gnss',
    headingDeg: 300.4,
    satellites: 8,
  });
  t.deepEqual(sends.at(-1)?.paths, [[6, 0]], 'the position reported with a Send');
  // The receiver shows on in 3430 while the attempt runs, off after.
  t.deepEqual(
    toObjects.filter((x) => x.to === 'object:3430').map((x) => x.msg.on),
    [true, false],
  );
  t.like(status(), { results: [0], fix: { attempts: 1, fixes: 1, assisted: 1, injected: 1 } });
});

test('XTRA receiver (BG95 / SIM7080): assistance type 2, the type alone in the Send, the file injected', async (t) => {
  const { ctl, sends, toObjects, injected } = await setup(
    {},
    { need: { ephemeris: true, format: 'xtra', rf: 'exclusive' } },
  );
  t.teardown(() => ctl.stop());
  t.like(await fixNow(ctl), { fixed: true, assisted: true });
  t.deepEqual(toObjects.find((x) => x.to === 'object:33625')?.msg.values, { 0: 2 });
  t.deepEqual(sends[0].paths, [[33625, 0, 0]]);
  t.is(injected[0].length, 4000);
});

test('assistance still valid: no request, straight to the fix; expired (validUntilMs past): requested', async (t) => {
  const { ctl, timers, sends, modemCalls, m } = await setup({ minIntervalS: 0 });
  t.teardown(() => ctl.stop());
  m.need = { ephemeris: false, validUntilMs: 3_600_000, format: 'nrf-cloud-agnss', rf: 'lte-idle' };
  t.like(await fixNow(ctl), { fixed: true, assisted: false });
  t.deepEqual(
    modemCalls.map((x) => x.type),
    ['modem.gnss.need', 'modem.gnss.fix'],
  );
  t.is(sends.filter((s) => s.paths[0][0] === 33625).length, 0);
  await timers.advance(3_600_000);
  t.like(await fixNow(ctl), { fixed: true, assisted: true });
  t.is(sends.filter((s) => s.paths[0][0] === 33625).length, 1);
});

test('GNSS_INJECT_FAILED counts as a failure: result 0 seen as 1, the request retried after 675 s; the fix goes on unassisted', async (t) => {
  const { ctl, timers, sends, m, status } = await setup({}, { injectError: 'GNSS_INJECT_FAILED' });
  t.teardown(() => ctl.stop());
  t.like(await fixNow(ctl), { fixed: true, assisted: false });
  t.like(status(), { results: [1], tempError: true, fix: { injectFailures: 1 } });
  const assists = () => sends.filter((s) => s.paths[0][0] === 33625).length;
  t.is(assists(), 1);
  m.injectError = undefined;
  await timers.advance(674_999);
  t.is(assists(), 1);
  await timers.advance(1);
  await flush();
  t.is(assists(), 2, 'retried with the backoff');
  t.like(status(), { results: [1, 0], tempError: false, fix: { injected: 1 } });
});

test('result code 1 from the server: the fix is not held up, the request is retried with the backoff', async (t) => {
  const { ctl, status } = await setup({}, { serverCode: 1 });
  t.teardown(() => ctl.stop());
  t.like(await fixNow(ctl), { fixed: true, assisted: false });
  t.like(status(), { results: [1], tempError: true, retryS: 1350 });
});

test('no assistance within assistanceWaitS: fixes without it', async (t) => {
  const { ctl, timers, modemCalls } = await setup({ assistanceWaitS: 30 }, { serverCode: undefined });
  t.teardown(() => ctl.stop());
  const p = fixNow(ctl);
  await flush();
  t.false(
    modemCalls.some((x) => x.type === 'modem.gnss.fix'),
    'waits for the assistance',
  );
  await timers.advance(30_000);
  t.like(await p, { fixed: true, assisted: false });
});

test('no fix within the timeout (GNSS_TIMEOUT) or no receiver (MODEM_NO_GNSS): the ground fix instead', async (t) => {
  const { ctl, sends, m, status } = await setup({ minIntervalS: 0 }, { fixError: 'GNSS_TIMEOUT' });
  t.teardown(() => ctl.stop());
  t.like(await fixNow(ctl), { fixed: false, why: 'GNSS_TIMEOUT', fallback: true });
  t.deepEqual(sends.at(-1)?.paths[0], [33626, 0, 0], 'a ground fix request went out');
  m.needError = 'MODEM_NO_GNSS';
  const before = sends.length;
  t.like(await fixNow(ctl), { fixed: false, why: 'MODEM_NO_GNSS' });
  t.is(sends.length, before, 'the second ground fix is within its own minimum interval: deferred, not sent now');
  t.like(status(), { fix: { attempts: 2, fallbacks: 2 } });
});

test('triggers: the first registration (instead of the ground fix), every intervalS, a meter leak (rising edge)', async (t) => {
  const { ctl, timers, modemCalls, m } = await setup(
    { intervalS: 86_400, eventPollS: 60, minIntervalS: 0 },
    {
      need: { ephemeris: false, format: 'nrf-cloud-agnss', rf: 'lte-idle' },
    },
  );
  t.teardown(() => ctl.stop());
  const fixes = () => modemCalls.filter((x) => x.type === 'modem.gnss.fix').length;
  await (ctl.receive({ type: 'lwm2m.registered', ssid: 1 }) as Promise<unknown>);
  t.is(fixes(), 1);
  t.false(
    modemCalls.some((x) => x.type === 'modem.cell-measurements'),
    'no ground fix beside it',
  );
  m.leak = true;
  await timers.advance(60_000);
  t.is(fixes(), 2, 'leak detected → a fix');
  await timers.advance(600_000);
  t.is(fixes(), 2, 'the same leak: no more');
  m.leak = false;
  await timers.advance(60_000);
  m.leak = true;
  await timers.advance(60_000);
  t.is(fixes(), 3, 'a new leak → a fix');
  await timers.advance(86_400_000 - timers.now());
  t.is(fixes(), 4, 'the daily fix');
});

test('limits and switches: a second request while one runs is refused; the rate limit; enabled false', async (t) => {
  const { ctl } = await setup({ minIntervalS: 60 });
  t.teardown(() => ctl.stop());
  const first = fixNow(ctl);
  t.like(await fixNow(ctl), { fixed: false, why: 'in-flight' });
  await first;
  t.like(await fixNow(ctl), { fixed: false, why: 'rate-limited' });
  const off = await setup({ enabled: false });
  t.teardown(() => off.ctl.stop());
  t.like(await fixNow(off.ctl), { fixed: false, why: 'disabled' });
  t.is(off.modemCalls.length, 0);
});
