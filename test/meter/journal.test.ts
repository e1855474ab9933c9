// journal.test.ts: the pulse journal: reopen restores fsynced totals, torn / corrupted tails are ignored, compaction
// keeps the total; damage is moved aside and the highest durable value is the floor; private modes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import test from 'ava';
import { PulseJournal, RECORD_SIZE, decodeRecord, encodeRecord, type PulseTotals } from '../../src/meter/journal.js';
import { mulberry32 } from '../../src/prng.js';

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'meter-journal-'));
}
function journalFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.journal'))
    .sort();
}

test('record round trip and checksum', (t) => {
  const r = {
    seq: 7,
    timeMs: 1.7e12,
    forward: 2 ** 40 + 3,
    backward: 5,
    register: 12345.5,
    pulseBase: -4,
    volumeBase: 9,
  };
  const bytes = encodeRecord(r);
  t.is(bytes.length, RECORD_SIZE);
  t.deepEqual(decodeRecord(bytes), r);
  const bad = bytes.slice();
  bad[20] ^= 1;
  t.is(decodeRecord(bad), undefined);
});

test('only flushed totals survive a reopen; nothing is counted twice', (t) => {
  const dir = tmpDir();
  let now = 1000;
  const j = PulseJournal.open(dir, { now: () => now });
  j.addPulses(10);
  t.is(j.durable.forward, 0);
  const d = j.flush();
  t.is(d.forward, 10);
  j.addPulses(5, 1);
  now = 2000;
  // "power cut": reopen without flushing
  const k = PulseJournal.open(dir, { now: () => now });
  t.is(k.state.forward, 10);
  t.is(k.state.backward, 0);
  k.addPulses(1);
  k.flush();
  const l = PulseJournal.open(dir);
  t.is(l.state.forward, 11);
  t.is(l.state.seq, 2);
  j.close();
  k.close();
  l.close();
});

test('a torn last record is ignored and cut off, later appends stay aligned', (t) => {
  const dir = tmpDir();
  const j = PulseJournal.open(dir);
  j.addPulses(3);
  j.flush();
  j.addPulses(4);
  j.flush();
  j.close();
  const file = path.join(dir, journalFiles(dir)[0]);
  // Half of a third record (a power cut mid-write).
  const third = encodeRecord({ seq: 3, timeMs: 0, forward: 100, backward: 0, pulseBase: 0, volumeBase: 0 });
  fs.appendFileSync(file, third.subarray(0, 30));
  const k = PulseJournal.open(dir);
  t.is(k.state.forward, 7);
  t.is(k.stats.tornBytesDropped, 30);
  k.addPulses(1);
  k.flush();
  k.close();
  t.is(fs.statSync(file).size, 3 * RECORD_SIZE);
  t.is(PulseJournal.open(dir).state.forward, 8);
});

test('a corrupted last record (bad checksum) falls back to the one before', (t) => {
  const dir = tmpDir();
  const j = PulseJournal.open(dir);
  j.addPulses(3);
  j.flush();
  j.addPulses(4);
  j.flush();
  j.close();
  const file = path.join(dir, journalFiles(dir)[0]);
  const data = fs.readFileSync(file);
  data[RECORD_SIZE + 20] ^= 0xff;
  fs.writeFileSync(file, data);
  t.is(PulseJournal.open(dir).state.forward, 3);
});

test('compaction keeps the total and bounds the file size', (t) => {
  const dir = tmpDir();
  const j = PulseJournal.open(dir, { compactRecords: 16 });
  for (let i = 0; i < 100; i++) {
    j.addPulses(1);
    j.flush();
  }
  t.true(j.stats.compactions >= 6);
  const files = journalFiles(dir);
  t.is(files.length, 1);
  t.true(fs.statSync(path.join(dir, files[0])).size <= 16 * RECORD_SIZE);
  j.close();
  const k = PulseJournal.open(dir);
  t.is(k.state.forward, 100);
  t.is(k.state.seq, 100);
});

test('a leftover older generation (crash during compaction) loses nothing and is removed', (t) => {
  const dir = tmpDir();
  const j = PulseJournal.open(dir, { compactRecords: 1000 });
  j.addPulses(5);
  j.flush();
  j.close();
  // Simulate: the new generation was renamed in, the old one not yet unlinked.
  const rec = encodeRecord({ seq: 1, timeMs: 0, forward: 5, backward: 0, pulseBase: 0, volumeBase: 0 });
  fs.writeFileSync(path.join(dir, 'pulses.1.journal'), rec);
  const k = PulseJournal.open(dir);
  t.is(k.state.forward, 5);
  t.deepEqual(journalFiles(dir), ['pulses.1.journal']);
});

test('flush without changes writes nothing; resets move the bases', (t) => {
  const dir = tmpDir();
  const j = PulseJournal.open(dir);
  j.flush();
  t.is(j.stats.appends, 0);
  j.addPulses(10, 2);
  j.resetPulses();
  j.addPulses(1);
  j.resetVolume();
  j.flush();
  const k = PulseJournal.open(dir);
  t.is(k.state.pulseBase, 8);
  t.is(k.state.volumeBase, 9);
  t.throws(() => k.addPulses(-1), { message: /bad pulse count/ });
});

function journalWith(dir: string, flushes: number, now = 1000): PulseTotals {
  let t = now;
  const j = PulseJournal.open(dir, { now: () => t });
  for (let i = 0; i < flushes; i++) {
    j.addPulses(10);
    t += 1000;
    j.flush();
  }
  const d = { ...j.durable };
  j.close();
  return d;
}
function damagedFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.includes('.damaged-'))
    .sort();
}

test('garbage over the journal: moved aside, the checkpoint is the new start, damage says which file', (t) => {
  const dir = tmpDir();
  const before = journalWith(dir, 5);
  const file = path.join(dir, 'pulses.0.journal');
  const rnd = mulberry32(7);
  fs.writeFileSync(file, Buffer.from(Array.from({ length: fs.statSync(file).size }, () => Math.floor(rnd() * 256))));
  const j = PulseJournal.open(dir, { checkpoint: before, now: () => 99_000 });
  t.is(j.state.forward, 50);
  t.truthy(j.damage);
  t.deepEqual(j.damage!.files, [file]);
  t.regex(j.damage!.reasons.join(';'), /pulses\.0\.journal has unreadable records/);
  t.deepEqual(damagedFiles(dir), [path.basename(j.damage!.keptAs[0])]);
  t.true(j.state.seq > before.seq);
  j.addPulses(1);
  j.close();
  const k = PulseJournal.open(dir, { checkpoint: before });
  t.is(k.damage, undefined, 'the new generation is whole');
  t.is(k.state.forward, 51);
  k.close();
});

test('a bad record before good ones is damage, not a torn tail; the good records still count', (t) => {
  const dir = tmpDir();
  journalWith(dir, 4);
  const file = path.join(dir, 'pulses.0.journal');
  const data = fs.readFileSync(file);
  data[RECORD_SIZE + 3] ^= 0xff;
  fs.writeFileSync(file, data);
  const j = PulseJournal.open(dir);
  t.truthy(j.damage);
  t.is(j.state.forward, 40);
  t.is(damagedFiles(dir).length, 1);
  j.close();
});

test('a folder where the journal file should be is moved aside like any damage: the meter still opens', (t) => {
  const dir = tmpDir();
  const before = journalWith(dir, 2);
  fs.rmSync(path.join(dir, 'pulses.0.journal'));
  fs.mkdirSync(path.join(dir, 'pulses.0.journal'));
  const j = PulseJournal.open(dir, { checkpoint: before });
  t.is(j.state.forward, 20);
  t.regex(j.damage!.reasons[0], /pulses\.0\.journal is unreadable \(EISDIR/);
  t.is(damagedFiles(dir).length, 1);
  j.close();
});

test('a deleted journal goes on from its checkpoint; a truncated one from the latest reading', (t) => {
  const dir = tmpDir();
  const before = journalWith(dir, 3);
  fs.rmSync(path.join(dir, 'pulses.0.journal'));
  const j = PulseJournal.open(dir, { checkpoint: before });
  t.is(j.state.forward, 30);
  t.deepEqual(j.damage?.files, [path.join(dir, 'pulses.*.journal (missing)')]);
  t.deepEqual(j.damage?.keptAs, []);
  t.regex(j.damage!.reasons[0], /no journal record, but its checkpoint is at record 3/);
  j.close();

  const dir2 = tmpDir();
  journalWith(dir2, 6);
  fs.truncateSync(path.join(dir2, 'pulses.0.journal'), RECORD_SIZE + 10);
  const reading = { timeMs: 6000, volumeM3: 0.06, pulses: 60, pulseRatio: 1000 };
  const k = PulseJournal.open(dir2, { reading });
  t.is(k.state.forward, 60);
  t.regex(k.damage!.reasons.join(';'), /behind the latest stored reading/);
  t.is(damagedFiles(dir2).length, 1);
  k.close();
});

test('a reading older than the journal is no floor (a reset after it stands); an intact journal is no damage', (t) => {
  const dir = tmpDir();
  let now = 1000;
  const j = PulseJournal.open(dir, { now: () => now });
  j.addPulses(500);
  j.flush();
  now = 5000;
  j.resetVolume();
  j.resetPulses();
  j.flush();
  j.close();
  const k = PulseJournal.open(dir, {
    reading: { timeMs: 2000, volumeM3: 0.5, pulses: 500, pulseRatio: 1000 },
    checkpoint: { ...j.durable, seq: 1 },
  });
  t.is(k.damage, undefined);
  t.is(k.state.volumeBase, 500);
  t.is(k.state.forward, 500);
  k.close();
});

test('a pulse ratio written after the latest reading fakes no gap; a reading after a pulse reset restores both values', (t) => {
  const dir = tmpDir();
  let now = 1000;
  const j = PulseJournal.open(dir, { now: () => now });
  j.addPulses(500);
  j.flush();
  j.close();
  // the reading was taken (at 1000 pulses/m³) just after that record; the server then wrote a ratio of 10000
  const k = PulseJournal.open(dir, { reading: { timeMs: 1400, volumeM3: 0.5, pulses: 500, pulseRatio: 10_000 } });
  t.is(k.damage, undefined);
  t.is(k.state.forward, 500);
  k.close();

  const dir2 = tmpDir();
  now = 1000;
  const m = PulseJournal.open(dir2, { now: () => now });
  m.addPulses(700);
  m.resetPulses();
  m.addPulses(300);
  m.flush();
  m.close();
  fs.rmSync(path.join(dir2, 'pulses.0.journal'));
  // volume 1.0 m³ (1000 pulses), pulses 300 since the pulse reset
  const n = PulseJournal.open(dir2, { reading: { timeMs: 2000, volumeM3: 1, pulses: 300, pulseRatio: 1000 } });
  const s = n.state;
  t.is(s.forward - s.backward - s.pulseBase, 300);
  t.is(s.forward - s.backward - s.volumeBase, 1000);
  t.truthy(n.damage);
  n.close();
});

test('journal files are 0600 and the journal folder 0700, whatever the umask', (t) => {
  const dir = path.join(tmpDir(), 'meter');
  journalWith(dir, 2);
  const j = PulseJournal.open(dir, { compactRecords: 2 });
  j.addPulses(1);
  j.flush();
  j.close();
  t.is(fs.statSync(dir).mode & 0o777, 0o700);
  for (const f of fs.readdirSync(dir)) t.is(fs.statSync(path.join(dir, f)).mode & 0o777, 0o600, f);
});
