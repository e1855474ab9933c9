// journal.test.ts: the pulse journal: reopen restores fsynced totals, torn / corrupted tails are ignored, compaction keeps the total.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import test from 'ava';
import { PulseJournal, RECORD_SIZE, decodeRecord, encodeRecord } from '../../src/meter/journal.js';

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'meter-journal-'));
}
function journalFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.journal')).sort();
}

test('record round trip and checksum', (t) => {
  const r = { seq: 7, timeMs: 1.7e12, forward: 2 ** 40 + 3, backward: 5, register: 12345.5, pulseBase: -4, volumeBase: 9 };
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
