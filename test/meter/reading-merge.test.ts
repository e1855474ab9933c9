// reading-merge.test.ts: the queue's bound: past queueMaxReadings the older readings merge into coarser ones, the total
// never lost.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import test from 'ava';
import { frame } from '../../src/meter/framed-records.js';
import { mergeByBucket, thinReadings } from '../../src/meter/reading-merge.js';
import { ReadingQueue } from '../../src/meter/reading-queue.js';
import type { MeterReading } from '../../src/meter/reading.js';

const T = 1_767_225_600; // 2026-01-01T00:00Z
const at = (i: number, stepS = 900): MeterReading => ({
  seq: i,
  time: T + i * stepS,
  volumeM3: i / 100,
  pulses: i * 10,
  minFlow: i,
  maxFlow: i * 2,
  leakSuspected: i === 3,
  leakDetected: false,
  backflow: false,
  blocked: false,
});

test("hourly merge: the last reading of each hour with its total, the hour's min/max flow and any flag", (t) => {
  const hour = mergeByBucket(
    [1, 2, 3, 4, 5, 6, 7, 8].map((i) => at(i)),
    3600,
  );
  // T + 900·i: readings 1–3 in hour 0, 4–7 in hour 1, 8 in hour 2
  t.deepEqual(
    hour.map((r) => r.seq),
    [3, 7, 8],
  );
  t.deepEqual(
    hour.map((r) => r.volumeM3),
    [0.03, 0.07, 0.08],
  );
  t.deepEqual(
    hour.map((r) => [r.minFlow, r.maxFlow]),
    [
      [1, 6],
      [4, 14],
      [8, 16],
    ],
  );
  t.deepEqual(
    hour.map((r) => r.leakSuspected),
    [true, false, false],
  );
});

test('thinning brings a year of 15-min readings under the cap; the newest half untouched, the total kept', (t) => {
  const year = Array.from({ length: 35_040 }, (_, k) => at(k + 1));
  const out = thinReadings(year, 17_520);
  t.true(out.length <= 13_140, `${out.length}`);
  t.deepEqual(out.slice(-8760), year.slice(-8760));
  t.deepEqual(out[out.length - 1], year[year.length - 1]);
  for (let i = 1; i < out.length; i++) t.true(out[i].time > out[i - 1].time && out[i].seq > out[i - 1].seq);
});

test('the queue past maxReadings merges its oldest readings on disk; what is sent still ends at the true total', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-merge-'));
  fs.writeFileSync(
    path.join(dir, 'readings.queue'),
    Buffer.concat(Array.from({ length: 200 }, (_, k) => frame(at(k + 1)))),
  );
  const warns: Record<string, unknown>[] = [];
  const q = ReadingQueue.open(dir, {
    maxReadings: 100,
    log: { warn: (_m, d) => warns.push(d), error: () => t.fail() },
  });
  const { seq: _seq, ...next } = at(201);
  q.append(next);
  await q.idle();
  t.true(q.size <= 75, `${q.size}`);
  t.is(warns[0]?.code, 'METER_QUEUE_MERGED');
  q.close();
  const r = ReadingQueue.open(dir);
  t.is(r.size, q.size);
  const all = r.peek();
  t.is(all[all.length - 1].volumeM3, 2.01);
  t.is(all[all.length - 1].seq, 201);
  t.true(all.length > 50);
  for (let i = 1; i < all.length; i++) t.true(all[i].time > all[i - 1].time);
});
