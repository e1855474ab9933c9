// meter-power-cut.test.ts: SIGKILL cycles of the real device with a fast meter (1 s readings, 2 s Sends): every stored
// reading reaches the server, resends only across a cut, timestamps strictly increasing.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import test from 'ava';
import { mulberry32 } from '../../src/prng.js';
import { DeviceProcess, type DeviceLogLine } from '../support/device-process.js';
import { HostileServer } from '../support/hostile-server.js';
import { pollUntil } from '../support/poll.js';
import { sentVolumes } from '../support/sent-readings.js';

const CYCLES = Number(process.env.METER_POWER_CUT_CYCLES ?? 5);
const SEND_MAX = 32;
const meter = {
  readingIntervalS: 1,
  sendBatchS: 2,
  sendOffsetS: 0,
  sendRetryS: 1,
  fsyncIntervalS: 1,
  sendMaxReadings: SEND_MAX,
  source: { kind: 'simulated', seed: 3, dailyM3: 200, tickMs: 100 },
};

interface Stored {
  seq: number;
  time: number;
  volumeM3: number;
}
const storedOf = (lines: DeviceLogLine[]): Stored[] =>
  lines
    .filter((l) => l.msg === 'reading stored')
    .map((l) => ({ seq: l.seq as number, time: l.time as number, volumeM3: l.volumeM3 as number }));

/** A restarted device resumes its registration: a Register or an Update, whichever it sends first. */
const registered = (server: HostileServer, since: number): Promise<unknown> =>
  server.waitForRequest(
    (r) =>
      server.requests.indexOf(r) >= since && r.method === 'POST' && (r.path === '/rd' || r.path.startsWith('/rd/')),
    30_000,
    'a Register or Update',
  );

test(`${CYCLES} power cuts of the real device: every stored reading is sent, none lost, resent only across a cut, times strictly increasing`, async (t) => {
  t.timeout(40_000 + CYCLES * 15_000);
  const stateDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-power-cut-')), 'var');
  const server = await HostileServer.start();
  const rnd = mulberry32(11);
  const stored: Stored[] = [];
  try {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const device = new DeviceProcess({ server: server.uri, stateDir, config: { meter } });
      const since = server.requests.length;
      try {
        await registered(server, since);
        // Cut either right after a reading was stored or right as a Send reaches the server (before the device
        // acknowledges it).
        if (cycle % 2 === 0) {
          const n = 1 + Math.floor(rnd() * 3);
          await pollUntil(
            async () => storedOf(device.logs()).length,
            (k) => k >= n,
            15_000,
            5,
          );
        } else {
          await server.waitForRequest((r) => server.requests.indexOf(r) >= since && r.path === '/dp', 15_000, 'a Send');
        }
      } catch (err) {
        t.log(
          `cycle ${cycle}: ${server.requests
            .slice(since)
            .map((r) => `${r.method} ${r.path}`)
            .join(', ')}\n${device.tail(30)}`,
        );
        throw err;
      } finally {
        await device.kill('SIGKILL');
      }
      stored.push(...storedOf(device.logs()));
    }
    const since = server.requests.length;
    const last = new DeviceProcess({ server: server.uri, stateDir, config: { meter } });
    try {
      await registered(server, since);
      await pollUntil(
        async () => storedOf(last.logs()).length,
        (k) => k >= 2,
        15_000,
        20,
      );
      const expected = [...stored, ...storedOf(last.logs())];
      const sent = await pollUntil(
        async () => sentVolumes(server),
        (v) => expected.every((s) => v.some((x) => x.time === s.time)),
        15_000,
        50,
      );
      const byTime = new Map<number, number>();
      let resent = 0;
      for (const v of sent) {
        if (byTime.has(v.time)) {
          resent++;
          t.is(byTime.get(v.time), v.value, `a resent reading (t=${v.time}) is identical`);
        }
        byTime.set(v.time, v.value);
      }
      for (const s of expected)
        t.is(byTime.get(s.time), s.volumeM3, `stored reading seq ${s.seq} (t=${s.time}) reached the server`);
      t.true(resent <= CYCLES * SEND_MAX, `resent ${resent}: only a batch in flight at a cut comes again`);
      for (let i = 1; i < expected.length; i++) {
        t.true(
          expected[i].time > expected[i - 1].time,
          `stored times strictly increase (${expected[i - 1].time}, ${expected[i].time})`,
        );
        t.true(expected[i].seq > expected[i - 1].seq, 'seqs increase across cuts');
      }
      const times = [...byTime.keys()].sort((a, b) => a - b);
      for (let i = 1; i < times.length; i++)
        t.true(byTime.get(times[i])! >= byTime.get(times[i - 1])!, 'the total never goes back');
      t.log(`cycles ${CYCLES}, readings stored ${expected.length}, sent ${sent.length} (${resent} resent after a cut)`);
    } finally {
      await last.stop();
    }
  } finally {
    await server.close();
  }
});
