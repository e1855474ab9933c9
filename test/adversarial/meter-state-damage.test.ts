// meter-state-damage.test.ts: damaged readings.queue / readings.acked in the real device's state dir: it starts,
// registers, sends every intact reading, keeps the damaged files aside and names them in an error.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import test from 'ava';
import { frame } from '../../src/meter/framed-records.js';
import { mulberry32 } from '../../src/prng.js';
import { DeviceProcess, LEVEL } from '../support/device-process.js';
import { HostileServer } from '../support/hostile-server.js';
import { pollUntil } from '../support/poll.js';
import { sentVolumes } from '../support/sent-readings.js';

const T = 1_767_225_600; // 2026-01-01T00:00Z: queued while the server was away
const stored = (seq: number): Record<string, unknown> => ({
  seq,
  time: T + seq * 900,
  volumeM3: seq / 1000,
  pulses: seq,
  minFlow: 0,
  maxFlow: 0,
  leakSuspected: false,
  leakDetected: false,
  backflow: false,
  blocked: false,
});

test('damaged readings.queue and garbage readings.acked: the device starts, sends every intact reading, keeps both files aside', async (t) => {
  t.timeout(60_000);
  const stateDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-damage-')), 'var');
  const meterDir = path.join(stateDir, 'meter');
  fs.mkdirSync(meterDir, { recursive: true });
  const rnd = mulberry32(5);
  const junk = Buffer.from(Array.from({ length: 300 }, () => Math.floor(rnd() * 256)));
  const records = Array.from({ length: 40 }, (_, k) => frame(stored(k + 1)));
  records[19] = junk; // reading 20 overwritten in place
  fs.writeFileSync(path.join(meterDir, 'readings.queue'), Buffer.concat([junk.subarray(0, 50), ...records]));
  fs.writeFileSync(path.join(meterDir, 'readings.acked'), 'garbage');
  const expected = Array.from({ length: 40 }, (_, k) => k + 1)
    .filter((s) => s !== 20)
    .map((s) => stored(s));

  const server = await HostileServer.start();
  const device = new DeviceProcess({ server: server.uri, stateDir });
  try {
    await server.waitForRegister(30_000);
    const sent = await pollUntil(
      async () => sentVolumes(server),
      (v) => v.length >= expected.length,
      20_000,
    );
    t.deepEqual(
      sent.slice(0, expected.length).map((v) => [v.time, v.value]),
      expected.map((r) => [r.time, r.volumeM3]),
    );
    t.true(device.running);
    const errors = device.logsAtLeast(LEVEL.error);
    const queueErr = errors.find((l) => l.code === 'METER_QUEUE_DAMAGED');
    const ackErr = errors.find((l) => l.code === 'METER_ACK_DAMAGED');
    t.is(queueErr?.file, path.join(meterDir, 'readings.queue'), device.tail());
    t.is(ackErr?.file, path.join(meterDir, 'readings.acked'));
    const names = fs.readdirSync(meterDir);
    t.is(names.filter((n) => n.startsWith('readings.queue.damaged-')).length, 1, names.join(' '));
    t.is(names.filter((n) => n.startsWith('readings.acked.damaged-')).length, 1, names.join(' '));
    t.is(
      queueErr?.keptAs,
      path.join(
        meterDir,
        names.find((n) => n.startsWith('readings.queue.damaged-'))!,
      ),
    );
  } finally {
    await device.stop();
    await server.close();
  }
});

test('an empty readings.acked (the old format could be left so): the device starts and sends the queue again', async (t) => {
  t.timeout(60_000);
  const stateDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-damage-')), 'var');
  const meterDir = path.join(stateDir, 'meter');
  fs.mkdirSync(meterDir, { recursive: true });
  fs.writeFileSync(
    path.join(meterDir, 'readings.queue'),
    Buffer.concat(Array.from({ length: 5 }, (_, k) => frame(stored(k + 1)))),
  );
  fs.writeFileSync(path.join(meterDir, 'readings.acked'), '');
  const server = await HostileServer.start();
  const device = new DeviceProcess({ server: server.uri, stateDir });
  try {
    await server.waitForRegister(30_000);
    const sent = await pollUntil(
      async () => sentVolumes(server),
      (v) => v.length >= 5,
      20_000,
    );
    t.deepEqual(
      sent.slice(0, 5).map((v) => v.time),
      [1, 2, 3, 4, 5].map((s) => T + s * 900),
    );
    t.truthy(
      device
        .logsAtLeast(LEVEL.error)
        .find((l) => l.code === 'METER_ACK_DAMAGED' && l.file === path.join(meterDir, 'readings.acked')),
    );
    t.true(device.running);
  } finally {
    await device.stop();
    await server.close();
  }
});
