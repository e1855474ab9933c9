// reading-queue-damage.test.ts: the reading queue after a cut at each write point and with damaged files: it always
// opens, keeps every intact reading, never drops one silently.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import test from 'ava';
import { frame } from '../../src/meter/framed-records.js';
import { ReadingQueue, type NewReading } from '../../src/meter/reading-queue.js';
import { mulberry32 } from '../../src/prng.js';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'meter-queue-damage-'));
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
const frames = (from: number, to: number): Buffer =>
  Buffer.concat(Array.from({ length: to - from + 1 }, (_, k) => frame({ ...reading(from + k), seq: from + k })));
const garbage = (n: number, seed = 1): Buffer => {
  const rnd = mulberry32(seed);
  return Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
};

interface Logged {
  level: 'warn' | 'error';
  msg: string;
  details: Record<string, unknown>;
}
function open(dir: string): { q: ReadingQueue; logged: Logged[] } {
  const logged: Logged[] = [];
  const q = ReadingQueue.open(dir, {
    log: {
      warn: (msg, details) => logged.push({ level: 'warn', msg, details }),
      error: (msg, details) => logged.push({ level: 'error', msg, details }),
    },
  });
  return { q, logged };
}
const damagedCopies = (dir: string, name: string): string[] =>
  fs.readdirSync(dir).filter((f) => f.startsWith(`${name}.damaged-`));
const seqs = (q: ReadingQueue): number[] => q.peek().map((r) => r.seq);
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, k) => a + k);

for (const [where, build, expected] of [
  ['at the start', () => Buffer.concat([garbage(100), frames(1, 6)]), range(1, 6)],
  [
    'in the middle (one record overwritten)',
    () => {
      const b = frames(1, 6);
      garbage(40, 2).copy(b, Math.floor((b.length * 5) / 12));
      return b;
    },
    [1, 2, 4, 5, 6],
  ],
  ['between records', () => Buffer.concat([frames(1, 3), garbage(333, 3), frames(4, 6)]), range(1, 6)],
  ['at the end (more than a torn record)', () => Buffer.concat([frames(1, 6), garbage(5000, 4)]), range(1, 6)],
  ['as zeros in the middle', () => Buffer.concat([frames(1, 3), Buffer.alloc(4096), frames(4, 6)]), range(1, 6)],
] as const) {
  test(`damaged bytes ${where} of readings.queue: every intact reading kept, the file kept aside, an error names it`, (t) => {
    const dir = tmp();
    const file = path.join(dir, 'readings.queue');
    const data = build();
    fs.writeFileSync(file, data);
    const { q, logged } = open(dir);
    t.deepEqual(seqs(q), [...expected]);
    const errors = logged.filter((l) => l.level === 'error');
    t.is(errors.length, 1);
    t.is(errors[0].details.code, 'METER_QUEUE_DAMAGED');
    t.is(errors[0].details.file, file);
    t.true(errors[0].msg.includes(file));
    const copies = damagedCopies(dir, 'readings.queue');
    t.is(copies.length, 1);
    t.deepEqual(fs.readFileSync(path.join(dir, copies[0])), data, 'the file as found is kept for inspection');
    t.is(q.append(reading(7)).seq, 7);
    q.close();
    const again = open(dir);
    t.deepEqual(seqs(again.q), [...expected, 7], 'repaired: the next open finds no damage');
    t.deepEqual(again.logged, []);
  });
}

for (const [what, content] of [
  ['empty', Buffer.alloc(0)],
  ['garbage', Buffer.from('garbage')],
  ['random bytes', garbage(300, 9)],
] as const) {
  test(`readings.acked ${what}: the queue still opens: queued readings are sent again, none lost`, async (t) => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'readings.queue'), frames(1, 5));
    fs.writeFileSync(path.join(dir, 'readings.acked'), content);
    const { q, logged } = open(dir);
    t.deepEqual(seqs(q), range(1, 5));
    const errors = logged.filter((l) => l.level === 'error');
    t.is(errors.length, 1);
    t.is(errors[0].details.code, 'METER_ACK_DAMAGED');
    t.is(errors[0].details.file, path.join(dir, 'readings.acked'));
    t.is(damagedCopies(dir, 'readings.acked').length, content.length > 0 ? 1 : 0);
    await q.ack(3);
    q.close();
    t.deepEqual(seqs(open(dir).q), [4, 5]);
  });
}

test('readings.acked with damage between intact records: the highest intact one wins', async (t) => {
  const dir = tmp();
  const q = ReadingQueue.open(dir);
  for (let i = 1; i <= 6; i++) q.append(reading(i));
  await q.ack(2);
  await q.ack(4);
  q.close();
  const acked = path.join(dir, 'readings.acked');
  const data = fs.readFileSync(acked);
  fs.writeFileSync(acked, Buffer.concat([data.subarray(0, 10), garbage(20), data.subarray(10)]));
  const r = open(dir);
  t.deepEqual(seqs(r.q), [5, 6]);
  t.is(r.logged.filter((l) => l.details.code === 'METER_ACK_DAMAGED').length, 1);
});

test('readings.acked in the first format (one JSON object) is read and converted', (t) => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'readings.queue'), frames(1, 5));
  fs.writeFileSync(path.join(dir, 'readings.acked'), JSON.stringify({ ackedSeq: 3, last: { ...reading(3), seq: 3 } }));
  const { q, logged } = open(dir);
  t.deepEqual(seqs(q), [4, 5]);
  t.is(q.lastAcknowledged?.seq, 3);
  t.deepEqual(logged, []);
  q.close();
  t.deepEqual(seqs(open(dir).q), [4, 5]);
});

// A cut can stop the queue between any two of its writes; each intermediate state on disk must open to the right queue.
test('cut after the ack record, before the queue file is emptied: nothing acknowledged comes back', async (t) => {
  const dir = tmp();
  const q = ReadingQueue.open(dir);
  for (let i = 1; i <= 4; i++) q.append(reading(i));
  const before = fs.readFileSync(path.join(dir, 'readings.queue'));
  await q.ack(4);
  q.close();
  fs.writeFileSync(path.join(dir, 'readings.queue'), before); // the truncation never reached the disk
  const r = open(dir);
  t.deepEqual(seqs(r.q), []);
  t.is(r.q.append(reading(5)).seq, 5);
});

test('cut during an ack append (torn ack record): the previous pointer holds, the batch is sent again', async (t) => {
  const dir = tmp();
  const q = ReadingQueue.open(dir);
  for (let i = 1; i <= 6; i++) q.append(reading(i));
  await q.ack(2);
  const acked = path.join(dir, 'readings.acked');
  const size = fs.statSync(acked).size;
  await q.ack(4);
  q.close();
  fs.truncateSync(acked, size + 11);
  const r = open(dir);
  t.deepEqual(seqs(r.q), [3, 4, 5, 6]);
  t.deepEqual(
    r.logged.map((l) => [l.level, l.details.code]),
    [['warn', 'METER_ACK_TORN']],
  );
  t.deepEqual(damagedCopies(dir, 'readings.acked'), []);
});

test('cut during compaction (temp file written, not renamed): the old file holds, the temp file is removed', (t) => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'readings.queue'), frames(1, 6));
  fs.writeFileSync(path.join(dir, 'readings.queue.tmp'), frames(5, 5).subarray(0, 30));
  fs.writeFileSync(path.join(dir, '.readings.acked.123.abcdef.tmp'), 'half');
  const { q, logged } = open(dir);
  t.deepEqual(seqs(q), range(1, 6));
  t.deepEqual(logged, []);
  t.false(fs.existsSync(path.join(dir, 'readings.queue.tmp')));
  t.false(fs.existsSync(path.join(dir, '.readings.acked.123.abcdef.tmp')));
});

test('cut after compaction renamed (only the pending part left) or while the damaged copy was being made: same queue', (t) => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'readings.queue'), frames(4, 6));
  fs.writeFileSync(path.join(dir, 'readings.acked'), frame({ ackedSeq: 3 }));
  fs.writeFileSync(path.join(dir, 'readings.queue.damaged-20260101T000000Z'), 'half a copy');
  const { q } = open(dir);
  t.deepEqual(seqs(q), [4, 5, 6]);
  t.is(q.append(reading(7)).seq, 7);
});

test('cut during an append at every byte: the stored readings come back and the next append is readable', (t) => {
  const whole = frames(1, 3);
  const last = frame({ ...reading(4), seq: 4 });
  for (let cut = 0; cut < last.length; cut++) {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'readings.queue'), Buffer.concat([whole, last.subarray(0, cut)]));
    const { q, logged } = open(dir);
    t.deepEqual(seqs(q), [1, 2, 3], `cut at ${cut}`);
    t.false(
      logged.some((l) => l.level === 'error'),
      `cut at ${cut} is not damage`,
    );
    q.append(reading(4));
    q.close();
    t.deepEqual(seqs(open(dir).q), [1, 2, 3, 4]);
    fs.rmSync(dir, { recursive: true });
  }
});
