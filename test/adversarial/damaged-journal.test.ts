// damaged-journal.test.ts: the real device counts, stops, finds its pulse journal deleted, truncated or overwritten
// with garbage, and starts again: the total never goes back, /3/0/11 carries code 16, an error line names the file, the
// damaged file is kept aside.
import * as fs from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { HostileServer } from '../support/hostile-server.js';
import { DeviceProcess, LEVEL, type DeviceLogLine } from '../support/device-process.js';
import { pollUntil } from '../support/poll.js';
import { mulberry32 } from '../../src/prng.js';

/** 10 pulses a second at 1000 pulses/m³, a reading and an fsync every second. */
const meter = {
  source: { kind: 'simulated', dailyM3: 0, leakLph: 36_000, tickMs: 50 },
  readingIntervalS: 1,
  fsyncIntervalS: 1,
};
/** After a restart: one pulse in 10 s, so a total that went back cannot catch up while the test looks. */
const slowMeter = { ...meter, source: { ...meter.source, leakLph: 360 } };

const TEXT = 0;
const SENML_JSON = 110;

async function volume(server: HostileServer): Promise<number> {
  const res = await server.request({ method: 'GET', path: '/3424/0/1', accept: TEXT });
  return Number(res.payload.toString());
}

async function errorCodes(server: HostileServer): Promise<number[]> {
  const res = await server.request({ method: 'GET', path: '/3/0/11', accept: SENML_JSON });
  return (JSON.parse(res.payload.toString()) as { v?: number }[]).map((r) => r.v ?? NaN);
}

function journals(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^pulses\.\d+\.journal$/.test(f))
    .map((f) => path.join(dir, f));
}

type Damage = (meterDir: string) => void;

/** In this order: the first run wrote many records, so cutting the file loses some; later runs wrote only a few. */
const damages: [string, Damage][] = [
  [
    'truncated',
    (dir) => {
      for (const f of journals(dir)) fs.truncateSync(f, 100);
    },
  ],
  [
    'garbage',
    (dir) => {
      const rnd = mulberry32(11);
      for (const f of journals(dir))
        fs.writeFileSync(f, Buffer.from(Array.from({ length: fs.statSync(f).size }, () => Math.floor(rnd() * 256))));
    },
  ],
  [
    'deleted',
    (dir) => {
      for (const f of journals(dir)) fs.rmSync(f);
    },
  ],
];

test('a deleted, truncated or garbage pulse journal: the device starts, the total does not go back, /3/0/11 says 16, the file is named and kept', async (t) => {
  const server = await HostileServer.start();
  let device = new DeviceProcess({ server: server.uri, config: { meter } });
  const stateDir = device.stateDir;
  const meterDir = path.join(stateDir, 'meter');
  try {
    await server.waitForRegister(30_000);
    let before = await pollUntil(
      () => volume(server),
      (v) => v >= 0.02,
      15_000,
    );
    for (const [what, damage] of damages) {
      t.true(before >= 0.02, `${what}: counted before (${before} m³)`);
      await device.stop();
      // what a clean stop left is the highest durable value (readings and the journal carry it)
      const onDisk = Math.max(before, ...readingVolumes(meterDir));
      const hadFiles = journals(meterDir);
      damage(meterDir);
      device = new DeviceProcess({ server: server.uri, config: { meter: slowMeter }, stateDir });
      await server.waitForRegister(30_000);
      const after = await pollUntil(
        () => volume(server),
        (v) => v >= onDisk,
        3000,
      );
      t.true(after >= onDisk, `${what}: the total did not go back (${onDisk} → ${after} m³)`);
      t.true((await errorCodes(server)).includes(16), `${what}: /3/0/11 carries 16`);
      const line: DeviceLogLine = await device.waitForLog((l) => l.code === 'METER_JOURNAL_DAMAGED', 5000);
      t.is(line.level, LEVEL.error, what);
      const named = what === 'deleted' ? [path.join(meterDir, 'pulses.*.journal (missing)')] : hadFiles;
      t.true(
        named.some((f) => String(line.msg).includes(f)),
        `${what}: the error names the file: ${line.msg}`,
      );
      if (what !== 'deleted') {
        const kept = fs.readdirSync(meterDir).filter((f) => f.includes('.journal.damaged-'));
        t.true(kept.length > 0, `${what}: the damaged file is kept aside`);
        for (const k of kept) fs.rmSync(path.join(meterDir, k));
      }
      t.true(device.running, what);
      t.is(journals(meterDir).length, 1, `${what}: a whole journal again`);
      before = after;
    }
  } finally {
    await device.stop();
    await server.close();
  }
});

/** Volumes of the readings in the queue and the ack file (their JSON carries `"volumeM3":<n>`). */
function readingVolumes(dir: string): number[] {
  const out: number[] = [];
  for (const f of ['readings.queue', 'readings.acked']) {
    const file = path.join(dir, f);
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'latin1');
    for (const m of text.matchAll(/"volumeM3":([0-9.eE+-]+)/g)) out.push(Number(m[1]));
  }
  return out;
}
