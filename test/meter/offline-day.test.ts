// offline-day.test.ts: a simulated day offline: all 96 fifteen-minute readings arrive after reconnect, in order, once.
import test from 'ava';
import { advance, settle, startRig, T0 } from './support.js';

const DAY = 86_400_000;

test('offline for a day → 96 readings arrive in order after network.up, none lost or duplicated', async (t) => {
  const rig = startRig({
    source: { kind: 'simulated', seed: 7, dailyM3: 0.4, tickMs: 60_000 },
    fsyncIntervalS: 60,
    sendBatchS: 3600,
  });
  await advance(rig.clock, DAY, 60_000);
  t.is(rig.client.sends.length, 0);
  t.true(rig.client.refused >= 24, `refused ${rig.client.refused}`);
  t.is(rig.service.core.queue.size, 96);

  rig.client.online = true;
  rig.service.receive({ type: 'network.up', bearer: 'lte-m' });
  await settle();
  const vols = rig.client.volumes();
  t.is(vols.length, 96);
  t.deepEqual(
    vols.map((r) => r.time),
    Array.from({ length: 96 }, (_, i) => (T0 + (i + 1) * 900_000) / 1000),
  );
  for (let i = 1; i < vols.length; i++) t.true((vols[i].value as number) >= (vols[i - 1].value as number));
  t.true(
    (vols[95].value as number) > 0.3 && (vols[95].value as number) < 0.5,
    `day volume ${vols[95].value as number}`,
  );
  t.is(rig.service.core.queue.size, 0);
  t.deepEqual(
    rig.client.sends.map((s) => s.filter((r) => r.path[2] === 1).length),
    [32, 32, 32],
    'sendMaxReadings 32 per Send',
  );

  // The next hour goes out on the hourly batch, nothing is resent.
  await advance(rig.clock, 3_600_000 + 10_000, 60_000);
  t.is(rig.client.volumes().length, 100);
  t.is(new Set(rig.client.volumes().map((r) => r.time)).size, 100);
  rig.service.stop();
});

test('online: readings go out hourly in batches of four', async (t) => {
  const rig = startRig({
    source: { kind: 'simulated', seed: 3, tickMs: 60_000 },
    fsyncIntervalS: 60,
    sendBatchS: 3600,
  });
  rig.client.online = true;
  await advance(rig.clock, 3 * 3_600_000 + 60_000, 60_000);
  t.deepEqual(
    rig.client.sends.map((s) => s.filter((r) => r.path[2] === 1).length),
    [4, 4, 4],
  );
  rig.service.stop();
});

test('online with the default batch: one Send of sixteen readings every four hours', async (t) => {
  const rig = startRig({ source: { kind: 'simulated', seed: 3, tickMs: 60_000 }, fsyncIntervalS: 60 });
  rig.client.online = true;
  await advance(rig.clock, 8 * 3_600_000 + 60_000, 60_000);
  t.deepEqual(
    rig.client.sends.map((s) => s.filter((r) => r.path[2] === 1).length),
    [16, 16],
  );
  rig.service.stop();
});

test('a refused Send (4.00) keeps the readings; they go out once the server stores them', async (t) => {
  const rig = startRig({
    source: { kind: 'simulated', seed: 3, tickMs: 60_000 },
    fsyncIntervalS: 60,
    sendMaxReadings: 3,
  });
  rig.client.online = true;
  rig.client.code = '4.00';
  await advance(rig.clock, 2 * 3_600_000, 60_000);
  t.is(rig.service.core.queue.size, 8);
  rig.client.code = '2.04';
  rig.client.sends = [];
  rig.service.receive({ type: 'lwm2m.registered', ssid: 1, location: ['rd', '1'] });
  await settle();
  t.deepEqual(
    rig.client.sends.map((s) => s.filter((r) => r.path[2] === 1).length),
    [3, 3, 2],
  );
  t.is(rig.service.core.queue.size, 0);
  rig.service.stop();
});

test('readings survive a restart of the actor while offline', async (t) => {
  const a = startRig({ source: { kind: 'simulated', seed: 5, tickMs: 60_000 }, fsyncIntervalS: 60 });
  await advance(a.clock, 6 * 3_600_000, 60_000);
  a.service.stop();
  const b = startRig(
    { source: { kind: 'simulated', seed: 6, tickMs: 60_000 }, fsyncIntervalS: 60 },
    { dir: a.dir, clock: a.clock },
  );
  await advance(a.clock, 3_600_000, 60_000);
  b.client.online = true;
  b.service.receive({ type: 'network.up', bearer: 'lte-m' });
  await settle();
  const times = b.client.volumes().map((r) => r.time as number);
  t.is(times.length, 28);
  t.deepEqual(
    times,
    [...times].sort((x, y) => x - y),
  );
  b.service.stop();
});

test('1 s readings with timers firing late: every stored reading has a later timestamp than the one before', async (t) => {
  // The clock jumps in steps, so each reading timer fires up to a step after its boundary; some land past the half
  // second.
  for (const step of [600, 700, 1300, 1550]) {
    const rig = startRig({
      source: { kind: 'simulated', seed: 3, tickMs: 1000 },
      readingIntervalS: 1,
      fsyncIntervalS: 60,
      sendBatchS: 3600,
    });
    await advance(rig.clock, 30_000, step);
    const times = rig.service.core.queue.peek().map((r) => r.time);
    t.true(times.length >= 15, `${times.length} readings`);
    for (let i = 1; i < times.length; i++)
      t.true(times[i] > times[i - 1], `step ${step} ms, reading ${i}: ${times[i - 1]} then ${times[i]}`);
    rig.service.stop();
  }
});
