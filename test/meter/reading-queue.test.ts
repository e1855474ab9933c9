// reading-queue.test.ts: the durable reading FIFO: order, ack removes only acknowledged readings, torn tail, compaction.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import test from 'ava';
import { ReadingQueue, type NewReading } from '../../src/meter/reading-queue.js';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'meter-queue-'));
const reading = (i: number): NewReading => ({
  time: 1_700_000_000 + i * 900, volumeM3: i / 1000, pulses: i, minFlow: 0, maxFlow: 0,
  leakSuspected: false, leakDetected: false, backflow: false, blocked: false,
});

test('stored readings come back after a reopen, acknowledged ones do not', (t) => {
  const dir = tmp();
  const q = ReadingQueue.open(dir);
  for (let i = 1; i <= 5; i++) t.is(q.append(reading(i)).seq, i);
  q.ack(2);
  t.deepEqual(q.peek().map((r) => r.seq), [3, 4, 5]);
  const r = ReadingQueue.open(dir);
  t.deepEqual(r.peek().map((x) => x.seq), [3, 4, 5]);
  t.is(r.lastAcknowledged?.seq, 2);
  t.is(r.append(reading(6)).seq, 6);
  t.deepEqual(r.peek(2).map((x) => x.pulses), [3, 4]);
});

test('seq is never reused after everything was acknowledged and compacted', (t) => {
  const dir = tmp();
  const q = ReadingQueue.open(dir, { compactBytes: 1 });
  q.append(reading(1));
  q.append(reading(2));
  q.ack(2);
  t.is(q.size, 0);
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
  const r = ReadingQueue.open(dir);
  t.deepEqual(r.peek().map((x) => x.seq), [1]);
  r.append(reading(3));
  r.close();
  t.deepEqual(ReadingQueue.open(dir).peek().map((x) => x.pulses), [1, 3]);
});

test('compaction keeps pending readings in order', (t) => {
  const dir = tmp();
  const q = ReadingQueue.open(dir, { compactBytes: 500 });
  for (let i = 1; i <= 20; i++) q.append(reading(i));
  const before = fs.statSync(path.join(dir, 'readings.queue')).size;
  q.ack(15);
  t.true(fs.statSync(path.join(dir, 'readings.queue')).size <= before / 3);
  t.deepEqual(ReadingQueue.open(dir).peek().map((x) => x.seq), [16, 17, 18, 19, 20]);
});

test('an unreadable ack pointer is a clear error, not a silent resend', (t) => {
  const dir = tmp();
  ReadingQueue.open(dir).append(reading(1));
  fs.writeFileSync(path.join(dir, 'readings.acked'), 'garbage');
  t.throws(() => ReadingQueue.open(dir), { message: /ack pointer/ });
});
