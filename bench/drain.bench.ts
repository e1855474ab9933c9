// drain.bench.ts: the real device draining an offline backlog (1k / 10k / 35k queued readings) once the server appears:
// time, CPU, bytes written (/proc/<pid>/io), write amplification, Read latency meanwhile.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { frame } from '../src/meter/framed-records.js';
import { DeviceProcess } from '../test/support/device-process.js';
import { HostileServer } from '../test/support/hostile-server.js';

/** DRAIN_SIZES=1000,10000 to choose; 35k (a year offline at 15 min) only with DRAIN_35K=1 (≈ a minute on old code). */
const SIZES = (process.env.DRAIN_SIZES ?? (process.env.DRAIN_35K === '1' ? '1000,10000,35000' : '1000,10000'))
  .split(',')
  .map(Number);
const T = 1_735_689_600; // 2025-01-01T00:00Z

function writeBytes(pid: number): number {
  return Number(/write_bytes: (\d+)/.exec(fs.readFileSync(`/proc/${pid}/io`, 'utf8'))![1]);
}

const pct = (a: number[], p: number): string =>
  a.length === 0 ? '-' : [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * p))].toFixed(1);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function readLoop(server: HostileServer, until: () => boolean, lat: number[], min = 0): Promise<void> {
  while (!until() || lat.length < min) {
    const t0 = performance.now();
    const res = await server.request({ method: 'GET', path: '/3/0/0', accept: 0, timeoutMs: 20_000 });
    if (res.code === '2.05') lat.push(performance.now() - t0);
  }
}

async function drain(n: number): Promise<void> {
  const stateDir = path.join(
    fs.mkdtempSync(path.join(process.env.METER_BENCH_DIR ?? os.tmpdir(), 'drain-bench-')),
    'var',
  );
  const meterDir = path.join(stateDir, 'meter');
  fs.mkdirSync(meterDir, { recursive: true });
  const queue = Buffer.concat(
    Array.from({ length: n }, (_, k) =>
      frame({
        seq: k + 1,
        time: T + (k + 1) * 900,
        volumeM3: 100 + (k + 1) * 0.003,
        pulses: 100_000 + (k + 1) * 3,
        minFlow: 0,
        maxFlow: 1.2e-4,
        leakSuspected: false,
        leakDetected: false,
        backflow: false,
        blocked: false,
      }),
    ),
  );
  fs.writeFileSync(path.join(meterDir, 'readings.queue'), queue);
  const server = await HostileServer.start();
  const device = new DeviceProcess({
    server: server.uri,
    stateDir,
    config: { log: { level: 'warn' }, meter: { queueMaxReadings: Math.max(17_520, n + 1000) } },
  });
  const sends = Math.ceil(n / 32);
  const sendCount = (): number => server.requests.filter((r) => r.path === '/dp').length;
  try {
    await server.waitForRegister(60_000);
    const t0 = performance.now();
    const w0 = writeBytes(device.pid);
    const c0 = device.cpuMs();
    const rss0 = device.rssKiB();
    let rssMax = rss0;
    const during: number[] = [];
    let done = false;
    const reads = readLoop(server, () => done, during);
    while (sendCount() < sends) {
      await sleep(10);
      rssMax = Math.max(rssMax, device.rssKiB());
      if (performance.now() - t0 > 600_000)
        throw new Error(`drain of ${n}: ${sendCount()}/${sends} Sends after 10 min`);
    }
    const drainS = (performance.now() - t0) / 1000;
    done = true;
    await reads;
    // the last acknowledgement lands just after its Send: wait until the write counter is still
    for (let prev = -1, cur = writeBytes(device.pid); cur !== prev; prev = cur, cur = writeBytes(device.pid))
      await sleep(300);
    const written = writeBytes(device.pid) - w0;
    const cpuS = (device.cpuMs() - c0) / 1000;
    const idle: number[] = [];
    await readLoop(server, () => true, idle, 300);
    console.log(
      `${String(n).padStart(6)} readings (${(queue.length / 1e6).toFixed(2)} MB queue): drain ${drainS.toFixed(2)} s, CPU ${cpuS.toFixed(2)} s, ` +
        `written ${(written / 1e6).toFixed(2)} MB = ${(written / queue.length).toFixed(2)}× the queue, ${sends} Sends; ` +
        `Read /3/0/0 during drain p50 ${pct(during, 0.5)} ms p99 ${pct(during, 0.99)} ms (${during.length} reads), idle p50 ${pct(idle, 0.5)} ms p99 ${pct(idle, 0.99)} ms; ` +
        `RSS ${(rss0 / 1024).toFixed(1)} → max ${(rssMax / 1024).toFixed(1)} MiB`,
    );
  } finally {
    await device.stop();
    await server.close();
    fs.rmSync(path.dirname(stateDir), { recursive: true, force: true });
  }
}

console.log(
  `directory: ${process.env.METER_BENCH_DIR ?? os.tmpdir()} (set METER_BENCH_DIR to measure the board's SD card); Sends of 32 readings, server answers at once over loopback`,
);
for (const n of SIZES) await drain(n);
