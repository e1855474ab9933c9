// location-rate-limit.test.ts: the ground fix controller on a simulated clock: minimum interval, hourly cap, not-sent
// attempts, SDK result-code backoff, cell-change and periodic triggers.
import test from 'ava';
import { CodedError } from '../../src/errors.js';
import { log } from '../../src/runtime/log.js';
import type { ActorMessage } from '../../src/runtime/actor-api.js';
import { SimTimers } from '../support/sim-timers.js';
import { pollUntil } from '../support/poll.js';
import { loadLocationPlugin, type Controller } from './location-plugin.js';

interface Cell {
  ci: number;
  lac: number;
  mcc: number;
  mnc: number;
  dbm: number;
  pci: number;
  earfcn: number;
}

async function setup(
  config: Record<string, unknown>,
  o: { notRegistered?: () => boolean; registeredAtStart?: boolean } = {},
) {
  const plugin = await loadLocationPlugin();
  const timers = new SimTimers();
  const sends: { at: number; paths: unknown }[] = [];
  const toObjects: { to: string; msg: ActorMessage }[] = [];
  const radio: { cell: Cell } = { cell: { ci: 100, lac: 7, mcc: 242, mnc: 1, dbm: -90, pci: 12, earfcn: 6300 } };
  const ctx = {
    config: { ...plugin.manifest.config, ...config },
    log,
    request: <R>(to: string, msg: ActorMessage): Promise<R> => {
      if (to === 'modem' && msg.type === 'modem.cell-measurements')
        return Promise.resolve({
          serving: { mode: 'lte-m', ...radio.cell },
          neighbours: [{ pci: 5, earfcn: 6300, rsrpDbm: -100, rsrqDb: -11, timeDiff: 0 }],
        } as R);
      if (to === 'modem' && msg.type === 'modem.status')
        return Promise.resolve({ up: true, cell: { ...radio.cell } } as R);
      if (to === 'client' && msg.type === 'client.state')
        return Promise.resolve({ registered: o.registeredAtStart === true } as R);
      if (to === 'client' && msg.type === 'lwm2m.send') {
        if (o.notRegistered?.())
          return Promise.reject(new CodedError('NOT_REGISTERED', 'the client is not registered'));
        sends.push({ at: timers.now(), paths: msg.paths });
        return Promise.resolve({ code: '2.04' } as R);
      }
      toObjects.push({ to, msg });
      return Promise.resolve({ ok: true } as R);
    },
  };
  const ctl: Controller = plugin.createController(ctx, { timers });
  return { plugin, timers, sends, toObjects, radio, ctl };
}

test('minimum interval: a request within minIntervalS is not sent; triggers in the window coalesce into one, sent when it ends', async (t) => {
  const { timers, sends, ctl, toObjects, plugin } = await setup({ minIntervalS: 60, intervalS: 0, cellCheckS: 0 });
  t.teardown(() => ctl.stop());
  t.like(await ctl.trigger('request'), { sent: true, code: '2.04' });
  t.is(sends.length, 1);
  t.deepEqual(sends[0].paths, plugin.GROUND_FIX_SEND_PATHS);
  // Before the Send: the serving cell into /4/0 (8 ECI, 9 MNC, 10 MCC, 2 RSRP, 12 LAC), the neighbours into /10256.
  t.deepEqual(
    toObjects.map((x) => x.to),
    ['object:4', 'object:10256'],
  );
  t.deepEqual(toObjects[0].msg.values, { 8: 100, 9: 1, 10: 242, 2: -90, 12: 7 });
  t.deepEqual(toObjects[1].msg.cells, [{ pci: 5, earfcn: 6300, rsrpDbm: -100, rsrqDb: -11, timeDiff: 0 }]);

  await timers.advance(10_000);
  t.like(await ctl.trigger('cell-change'), { sent: false, why: 'rate-limited', at: 60_000 });
  await timers.advance(20_000);
  t.like(await ctl.trigger('request'), { sent: false, why: 'rate-limited' });
  await timers.advance(29_999);
  t.is(sends.length, 1, 'nothing sent within the minimum interval');
  await timers.advance(1);
  t.is(sends.length, 2, 'one deferred request when the interval ends');
  t.is(sends[1].at, 60_000);
  await timers.advance(600_000);
  t.is(sends.length, 2, 'the coalesced triggers gave one request, not two');
});

test("started after the registration (its lwm2m.registered missed): the client's state at start triggers the one registration request", async (t) => {
  const { sends, ctl } = await setup({ intervalS: 0, cellCheckS: 0 }, { registeredAtStart: true });
  t.teardown(() => ctl.stop());
  await pollUntil(
    async () => sends.length,
    (n) => n === 1,
    2000,
    5,
  );
  t.is(sends.length, 1);
  await ctl.receive({ type: 'lwm2m.registered', ssid: 1, location: ['rd', 'x'] });
  t.is(sends.length, 1, 'the event arriving late does not ask again');
});

test('hourly cap: at most maxPerHour requests in any sliding hour', async (t) => {
  const { timers, sends, ctl } = await setup({ minIntervalS: 1, maxPerHour: 3, intervalS: 0, cellCheckS: 0 });
  t.teardown(() => ctl.stop());
  for (let i = 0; i < 3; i++) {
    t.like(await ctl.trigger('request'), { sent: true });
    await timers.advance(2_000);
  }
  t.like(await ctl.trigger('request'), { sent: false, why: 'rate-limited', at: 3_600_000 });
  await timers.advance(3_600_000 - timers.now() - 1);
  t.is(sends.length, 3);
  await timers.advance(1);
  t.is(sends.length, 4);
});

test('an attempt that never left (not registered) does not count against the rate limit', async (t) => {
  let registered = false;
  const { sends, ctl } = await setup(
    { minIntervalS: 60, intervalS: 0, cellCheckS: 0 },
    { notRegistered: () => !registered },
  );
  t.teardown(() => ctl.stop());
  t.like(await ctl.trigger('request'), { sent: false, why: 'NOT_REGISTERED' });
  registered = true;
  t.like(await ctl.trigger('request'), { sent: true });
  t.is(sends.length, 1);
});

test('result codes as the SDK: 1 → retry after 675 s, doubling; 0 resets; -1 stops all requests', async (t) => {
  const { timers, sends, ctl, plugin } = await setup({ minIntervalS: 60, intervalS: 0, cellCheckS: 0 });
  t.teardown(() => ctl.stop());
  await ctl.trigger('request');
  ctl.receive({ type: 'location.result', code: 1 });
  t.like(await ctl.trigger('periodic'), { sent: false, why: 'retry-scheduled' });
  await timers.advance(674_999);
  t.is(sends.length, 1);
  await timers.advance(1);
  t.is(sends.length, 2, 'retry after 675 s');
  ctl.receive({ type: 'location.result', code: 1 });
  await timers.advance(1_349_999);
  t.is(sends.length, 2);
  await timers.advance(1);
  t.is(sends.length, 3, 'then after 1350 s');
  ctl.receive({ type: 'location.result', code: 0 });
  t.like(ctl.receive({ type: 'location.status' }), { tempError: false, retryS: 675, results: [1, 1, 0] });
  await timers.advance(60_000);
  t.like(await ctl.trigger('request'), { sent: true });
  ctl.receive({ type: 'location.result', code: -1 });
  await timers.advance(3_600_000);
  t.like(await ctl.trigger('request'), { sent: false, why: 'permanent-error' });
  t.is(sends.length, 4);
  // The backoff itself: 675, 1350, …, capped at 86400 (675 · 2^7).
  const b = plugin.createBackoff({ initialS: 675, maxS: 86_400 });
  t.deepEqual(
    Array.from({ length: 9 }, () => b.next()),
    [675, 1350, 2700, 5400, 10800, 21600, 43200, 86400, 86400],
  );
});

test('triggers: once on the first registration, on a serving cell change, and periodically', async (t) => {
  const { timers, sends, ctl, radio } = await setup({ minIntervalS: 60, intervalS: 3600, cellCheckS: 30 });
  t.teardown(() => ctl.stop());
  await timers.advance(120_000);
  t.is(sends.length, 0, 'nothing before registration');
  await (ctl.receive({ type: 'lwm2m.registered', ssid: 1 }) as Promise<unknown>);
  t.is(sends.length, 1);
  t.is(
    ctl.receive({ type: 'lwm2m.registered', ssid: 1 }),
    undefined,
    'Updates publish lwm2m.registered again: no new request',
  );
  await timers.advance(300_000);
  t.is(sends.length, 1, 'same cell: no request');
  radio.cell = { ...radio.cell, ci: 101 };
  await timers.advance(30_000);
  t.is(sends.length, 2, 'cell change → request');
  t.like(ctl.receive({ type: 'location.status' }), { lastOutcome: { reason: 'cell-change', sent: true } });
  await timers.advance(3_600_000 - timers.now());
  t.is(sends.length, 3, 'periodic request at intervalS');
  t.like(ctl.receive({ type: 'location.status' }), { lastOutcome: { reason: 'periodic', sent: true } });
});

test("GNSS assistance: A-GPS / P-GPS request parameters into /33625/0, the SDK's Send paths, result code 1 → the same request retried after 675 s", async (t) => {
  const { timers, sends, ctl, toObjects } = await setup({ minIntervalS: 60, intervalS: 0, cellCheckS: 0 });
  t.teardown(() => ctl.stop());
  t.like(await (ctl.receive({ type: 'location.agps-request', mask: 0x3f }) as Promise<unknown>), { sent: true });
  t.deepEqual(toObjects.at(-1), { to: 'object:33625', msg: { type: 'gnss.request', values: { 0: 0, 1: 0x3f } } });
  t.deepEqual(sends[0].paths, [
    [33625, 0, 0],
    [33625, 0, 1],
    [4, 0, 8],
    [4, 0, 9],
    [4, 0, 10],
    [4, 0, 2],
    [4, 0, 12],
  ]);
  // Within the minimum interval: refused, not deferred (the GNSS side asks again).
  t.like(await (ctl.receive({ type: 'location.agps-request', mask: 1 }) as Promise<unknown>), {
    sent: false,
    why: 'rate-limited',
  });
  await timers.advance(60_000);
  t.like(await (ctl.receive({ type: 'location.agps-request', mask: 1, elevationMask: 5 }) as Promise<unknown>), {
    sent: true,
  });
  t.deepEqual((sends[1].paths as number[][]).at(-1), [33625, 0, 8], 'elevation mask sent when >= 0');
  await timers.advance(60_000);
  t.like(await (ctl.receive({ type: 'location.pgps-request' }) as Promise<unknown>), { sent: true });
  t.deepEqual(toObjects.at(-1)?.msg.values, { 0: 1, 2: 42, 3: 240, 4: 0, 5: 0 });
  t.deepEqual(
    sends[2].paths,
    [
      [33625, 0, 0],
      [33625, 0, 2],
      [33625, 0, 3],
      [33625, 0, 5],
    ],
    'start day 0: not sent',
  );
  ctl.receive({ type: 'location.result', code: 1, service: 'gnss' });
  t.like(await (ctl.receive({ type: 'location.pgps-request' }) as Promise<unknown>), {
    sent: false,
    why: 'retry-scheduled',
  });
  await timers.advance(675_000);
  t.is(sends.length, 4);
  t.deepEqual(sends[3].paths, sends[2].paths, 'the P-GPS request again');
  ctl.receive({ type: 'location.result', code: 0, service: 'gnss' });
  t.like(ctl.receive({ type: 'location.status' }), {
    gnss: { requests: 4, results: [1, 0], tempError: false, retryS: 675 },
    requests: 0,
  });
});
