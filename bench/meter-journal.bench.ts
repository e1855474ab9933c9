// meter-journal.bench.ts: pulse-journal and reading-queue costs: fsync'd append latency, bytes and fsyncs per day.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PulseJournal, RECORD_SIZE } from '../src/meter/journal.js';
import { ReadingQueue } from '../src/meter/reading-queue.js';

const dir = fs.mkdtempSync(path.join(process.env.METER_BENCH_DIR ?? os.tmpdir(), 'meter-journal-bench-'));
const N = 500;

const j = PulseJournal.open(dir, { compactRecords: 4096 });
const lat: number[] = [];
for (let i = 0; i < N; i++) {
  j.addPulses(1);
  const t0 = process.hrtime.bigint();
  j.flush();
  lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
lat.sort((a, b) => a - b);
const q = ReadingQueue.open(dir);
const qlat: number[] = [];
for (let i = 0; i < 100; i++) {
  const t0 = process.hrtime.bigint();
  q.append({
    time: 1_767_571_200 + i * 900,
    volumeM3: 123.456 + i / 1000,
    pulses: 123456 + i,
    minFlow: 0,
    maxFlow: 1.2e-4,
    leakSuspected: false,
    leakDetected: false,
    backflow: false,
    blocked: false,
  });
  qlat.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
const qbytes = fs.statSync(path.join(dir, 'readings.queue')).size / 100;
qlat.sort((a, b) => a - b);
const t1 = process.hrtime.bigint();
j.compact();
const compactMs = Number(process.hrtime.bigint() - t1) / 1e6;

const pct = (a: number[], p: number): string => a[Math.min(a.length - 1, Math.floor(a.length * p))].toFixed(3);
console.log(`directory: ${dir} (set METER_BENCH_DIR to measure the board's SD card)`);
console.log(
  `journal append+fsync (${RECORD_SIZE} B):  p50 ${pct(lat, 0.5)} ms  p99 ${pct(lat, 0.99)} ms  max ${pct(lat, 1)} ms`,
);
console.log(`reading append+fsync (~${qbytes.toFixed(0)} B): p50 ${pct(qlat, 0.5)} ms  p99 ${pct(qlat, 0.99)} ms`);
console.log(`journal compaction (temp+fsync+rename+dir fsync+unlink): ${compactMs.toFixed(3)} ms`);
console.log('');
console.log('worst case per day (flow never stops), fsync interval → journal appends, bytes, + 96 readings:');
for (const s of [1, 10, 60]) {
  const appends = 86_400 / s;
  const bytes = appends * RECORD_SIZE + 96 * qbytes;
  const pages = ((appends + 96) * 4) / 1024; // each fsync rewrites at least one 4 KiB page (plus filesystem metadata)
  console.log(
    `  fsyncIntervalS ${String(s).padStart(3)}: ${String(appends).padStart(6)} fsyncs, ${(bytes / 1024).toFixed(0).padStart(5)} KiB appended, ≥ ${pages.toFixed(0).padStart(4)} MiB of 4 KiB page writes, compaction every ${((4096 * s) / 3600).toFixed(1)} h`,
  );
}
j.close();
q.close();
fs.rmSync(dir, { recursive: true, force: true });
