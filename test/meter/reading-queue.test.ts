// reading-queue.test.ts: the durable reading FIFO: order, ack removes only acknowledged readings, torn tail,
// compaction.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import test from 'ava';
import { frame } from '../../src/meter/framed-records.js';
import { ReadingQueue, type NewReading } from '../../src/meter/reading-queue.js';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'meter-queue-'));
const reading = (i: number): NewReading => ({
  time: 1_700_000_000 + i * 900,
  volumeM3: i / 1000,
  pulses: i,
  minFlow: 0,
  maxFlow: 0,
  leakSuspected: false,
  leakDetected: false,
  backflow: false,
  blocked: false,
});
/** Readings 1..n as a queue file holds them, written in one go (appending them one fsync at a time is slow). */
const prefill = (dir: string, n: number): void => {
  fs.writeFileSync(
    path.join(dir, 'readings.queue'),
    Buffer.concat(Array.from({ length: n }, (_, i) => frame({ ...reading(i + 1), seq: i + 1 }))),
  );
};

test('stored readings come back after a reopen, acknowledged ones do not', async (t) => {
  const dir = tmp();
  const q = ReadingQueue.open(dir);
  for (let i = 1; i <= 5; i++) t.is(q.append(reading(i)).seq, i);
  await q.ack(2);
  t.deepEqual(
    q.peek().map((r) => r.seq),
    [3, 4, 5],
  );
  const r = ReadingQueue.open(dir);
  t.deepEqual(
    r.peek().map((x) => x.seq),
    [3, 4, 5],
  );
  t.is(r.lastAcknowledged?.seq, 2);
  t.is(r.append(reading(6)).seq, 6);
  t.deepEqual(
    r.peek(2).map((x) => x.pulses),
    [3, 4],
  );
});

test('seq is never reused after everything was acknowledged and the file emptied', async (t) => {
  const dir = tmp();
  const q = ReadingQueue.open(dir, { compactBytes: 1 });
  q.append(reading(1));
  q.append(reading(2));
  await q.ack(2);
  t.is(q.size, 0);
  t.is(fs.statSync(path.join(dir, 'readings.queue')).size, 0);
  q.close();
  const r = ReadingQueue.open(dir);
  t.is(r.append(reading(3)).seq, 3);
});

test('a torn last reading is dropped and the next append stays readable', (t) => {
  const dir = tmp();
  const q = ReadingQueue.open(dir);
  q.append(reading(1));
  q.append(reading(2));
  q.close();
  const file = path.join(dir, 'readings.queue');
  const size = fs.statSync(file).size;
  fs.truncateSync(file, size - 7);
  const warns: string[] = [];
  const r = ReadingQueue.open(dir, { log: { warn: (m) => warns.push(m), error: (m) => t.fail(m) } });
  t.deepEqual(
    r.peek().map((x) => x.seq),
    [1],
  );
  t.is(warns.length, 1);
  r.append(reading(3));
  r.close();
  t.deepEqual(
    ReadingQueue.open(dir)
      .peek()
      .map((x) => x.pulses),
    [1, 3],
  );
  t.deepEqual(
    fs.readdirSync(dir).filter((f) => f.includes('damaged')),
    [],
    'a power cut is not damage',
  );
});

test('compaction keeps pending readings in order', async (t) => {
  const dir = tmp();
  prefill(dir, 20);
  const q = ReadingQueue.open(dir, { compactBytes: 500 });
  const before = fs.statSync(path.join(dir, 'readings.queue')).size;
  await q.ack(15);
  t.true(fs.statSync(path.join(dir, 'readings.queue')).size <= before / 3);
  t.deepEqual(
    ReadingQueue.open(dir)
      .peek()
      .map((x) => x.seq),
    [16, 17, 18, 19, 20],
  );
});

test('an acknowledgement does not rewrite the queue file until the acknowledged part dominates', async (t) => {
  const dir = tmp();
  prefill(dir, 1000);
  const q = ReadingQueue.open(dir, { compactBytes: 64 * 1024 });
  const file = path.join(dir, 'readings.queue');
  const ino = fs.statSync(file).ino;
  for (let s = 32; s <= 640; s += 32) await q.ack(s);
  t.is(fs.statSync(file).ino, ino, 'same file: nothing rewritten for 640 of 1000 readings acknowledged');
  await q.ack(672);
  t.not(fs.statSync(file).ino, ino, 'rewritten once the acknowledged part is twice the pending one');
  t.deepEqual(
    ReadingQueue.open(dir)
      .peek(1)
      .map((r) => r.seq),
    [673],
  );
});

test('draining a large queue writes about the queue once more, not its square', async (t) => {
  const dir = tmp();
  prefill(dir, 3000);
  const q = ReadingQueue.open(dir);
  const queueBytes = fs.statSync(path.join(dir, 'readings.queue')).size;
  const wchar = (): number => Number(/wchar: (\d+)/.exec(fs.readFileSync('/proc/self/io', 'utf8'))![1]);
  const w0 = wchar();
  for (let s = 32; ; s += 32) {
    await q.ack(Math.min(s, 3000));
    if (q.size === 0) break;
  }
  const written = wchar() - w0;
  t.log(`queue ${queueBytes} B, written while draining ${written} B (${(written / queueBytes).toFixed(2)}×)`);
  t.true(written < 2 * queueBytes, `${written} B written to drain ${queueBytes} B`);
});

test('a reading appended while an acknowledgement or compaction is in flight is kept', async (t) => {
  const dir = tmp();
  prefill(dir, 40);
  const q = ReadingQueue.open(dir, { compactBytes: 1000 });
  const acked = q.ack(35);
  q.append(reading(41));
  await acked;
  q.append(reading(42));
  await q.ack(36);
  t.deepEqual(
    q.peek().map((r) => r.seq),
    [37, 38, 39, 40, 41, 42],
  );
  q.close();
  t.deepEqual(
    ReadingQueue.open(dir)
      .peek()
      .map((r) => r.seq),
    [37, 38, 39, 40, 41, 42],
  );
});

test('timestamps stay strictly increasing: a reading with the same or an older time goes one second after the last', async (t) => {
  const dir = tmp();
  const q = ReadingQueue.open(dir);
  const a = q.append({ ...reading(1), time: 1000 });
  const b = q.append({ ...reading(2), time: 1000 });
  const c = q.append({ ...reading(3), time: 999 });
  t.deepEqual([a.time, b.time, c.time], [1000, 1001, 1002]);
  await q.ack(3);
  q.close();
  const r = ReadingQueue.open(dir);
  t.is(r.append({ ...reading(4), time: 1002 }).time, 1003, 'known across a restart with an empty queue');
});

test('an acknowledgement beyond the last stored reading cannot swallow a later one', async (t) => {
  const dir = tmp();
  const q = ReadingQueue.open(dir);
  q.append(reading(1));
  await q.ack(99);
  q.append(reading(2));
  q.close();
  t.deepEqual(
    ReadingQueue.open(dir)
      .peek()
      .map((r) => r.pulses),
    [2],
  );
});

test('acknowledgements made while one is being written share one record (one fsync for a pipelined drain)', async (t) => {
  const dir = tmp();
  prefill(dir, 100);
  const q = ReadingQueue.open(dir);
  const acked = path.join(dir, 'readings.acked');
  const before = fs.statSync(acked).size;
  await Promise.all([q.ack(32), q.ack(64), q.ack(96)]);
  const one = fs.statSync(acked).size - before;
  t.deepEqual(
    q.peek().map((r) => r.seq),
    [97, 98, 99, 100],
  );
  await q.ack(97);
  t.true(one > 0 && fs.statSync(acked).size - before < 2.1 * one, 'three acknowledgements, one record; then one more');
  t.deepEqual(
    q.peek(2, 98).map((r) => r.seq),
    [99, 100],
    'peek after a seq whose acknowledgement is still in flight',
  );
});
