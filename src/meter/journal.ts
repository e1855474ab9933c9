// journal.ts: crash-safe pulse journal: append-only fixed-size checksummed records of absolute totals, batched fsync, compaction.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { CodedError } from '../errors.js';
import { appendDurableSync, atomicWriteFileSync, fsyncDir } from './durable-fs.js';

/** The durable meter totals. Pulse counts are absolute since the device's first start, so replaying can never count twice. */
export interface PulseTotals {
  /** Record sequence number (monotonic across compactions). */
  seq: number;
  /** Clock time (ms) of the record. */
  timeMs: number;
  /** Forward pulses counted since the first start. */
  forward: number;
  /** Backward pulses (back flow) counted since the first start. */
  backward: number;
  /** Last absolute register value read from a meter head (serial source), if any. */
  register?: number;
  /** Net pulse count at the last "cumulated pulse value reset" (3424/x/5). */
  pulseBase: number;
  /** Net pulse count at the last "cumulated water meter value reset" (3424/x/2). */
  volumeBase: number;
}

export const RECORD_SIZE = 64;
const MAGIC = 0x504a; // 'PJ'
const VERSION = 1;
const FILE_RE = /^pulses\.(\d+)\.journal$/;

export function emptyTotals(): PulseTotals {
  return { seq: 0, timeMs: 0, forward: 0, backward: 0, pulseBase: 0, volumeBase: 0 };
}

/** Encodes one 64-byte record: magic, version, flags, seq, time, forward, backward, register, bases, crc32. */
export function encodeRecord(t: PulseTotals): Uint8Array {
  const buf = new Uint8Array(RECORD_SIZE);
  const dv = new DataView(buf.buffer);
  dv.setUint16(0, MAGIC);
  dv.setUint8(2, VERSION);
  dv.setUint8(3, t.register === undefined ? 0 : 1);
  dv.setUint32(4, t.seq >>> 0);
  dv.setFloat64(8, t.timeMs);
  dv.setBigUint64(16, BigInt(t.forward));
  dv.setBigUint64(24, BigInt(t.backward));
  dv.setFloat64(32, t.register ?? 0);
  dv.setBigInt64(40, BigInt(t.pulseBase));
  dv.setBigInt64(48, BigInt(t.volumeBase));
  dv.setUint32(56, 0);
  dv.setUint32(60, crc32(buf.subarray(0, 60)));
  return buf;
}

/** Decodes a record; undefined when the magic, version or checksum is wrong (torn or corrupted). */
export function decodeRecord(buf: Uint8Array): PulseTotals | undefined {
  if (buf.length !== RECORD_SIZE) return undefined;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (dv.getUint16(0) !== MAGIC || dv.getUint8(2) !== VERSION) return undefined;
  if (dv.getUint32(60) !== crc32(buf.subarray(0, 60))) return undefined;
  const t: PulseTotals = {
    seq: dv.getUint32(4),
    timeMs: dv.getFloat64(8),
    forward: Number(dv.getBigUint64(16)),
    backward: Number(dv.getBigUint64(24)),
    pulseBase: Number(dv.getBigInt64(40)),
    volumeBase: Number(dv.getBigInt64(48)),
  };
  if ((dv.getUint8(3) & 1) === 1) t.register = dv.getFloat64(32);
  return t;
}

interface Scan { best?: PulseTotals; records: number; validBytes: number; size: number }

/** Reads every aligned record of a file; the best is the valid one with the highest seq; validBytes ends after the last valid record. */
function scanFile(file: string): Scan {
  const data = fs.readFileSync(file);
  let best: PulseTotals | undefined;
  let records = 0;
  let validBytes = 0;
  for (let off = 0; off + RECORD_SIZE <= data.length; off += RECORD_SIZE) {
    const r = decodeRecord(data.subarray(off, off + RECORD_SIZE));
    if (!r) continue;
    records++;
    validBytes = off + RECORD_SIZE;
    if (!best || r.seq > best.seq) best = r;
  }
  return { best, records, validBytes, size: data.length };
}

export interface JournalOptions {
  /** Compact when the current file holds this many records. */
  compactRecords?: number;
  /** Clock (ms), injected. */
  now?: () => number;
}

/**
 * The pulse journal. Counting happens in memory (`addPulses`); `flush()` appends one record of the absolute totals and
 * fsyncs it. `durable` is what survives a power cut: report only totals you got from `flush()`.
 */
export class PulseJournal {
  private fd: number;
  private gen: number;
  private recordsInFile: number;
  private cur: PulseTotals;
  private lastDurable: PulseTotals;
  private readonly compactRecords: number;
  private readonly now: () => number;
  /** Records written, compactions done, bytes written (for figures and tests). */
  readonly stats = { appends: 0, compactions: 0, bytes: 0, tornBytesDropped: 0 };

  private constructor(private readonly dir: string, gen: number, fd: number, records: number, state: PulseTotals, opts: JournalOptions) {
    this.gen = gen;
    this.fd = fd;
    this.recordsInFile = records;
    this.cur = { ...state };
    this.lastDurable = { ...state };
    this.compactRecords = opts.compactRecords ?? 4096;
    this.now = opts.now ?? Date.now;
  }

  /** Opens (or creates) the journal in `dir`: picks the newest valid record, drops a torn tail, removes compaction leftovers. */
  static open(dir: string, opts: JournalOptions = {}): PulseJournal {
    try {
      fs.mkdirSync(dir, { recursive: true });
      const gens = fs.readdirSync(dir)
        .map((f) => FILE_RE.exec(f))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => Number(m[1]))
        .sort((a, b) => b - a);
      let best: PulseTotals | undefined;
      let records = 0;
      let tornBytes = 0;
      const gen = gens[0] ?? 0;
      const file = fileOf(dir, gen);
      for (const g of gens) {
        const s = scanFile(fileOf(dir, g));
        if (s.best && (!best || s.best.seq > best.seq)) best = s.best;
        if (g === gen) {
          records = s.records;
          if (s.validBytes < s.size) {
            // Torn or corrupted tail: cut it so the next append lands on a record boundary.
            tornBytes = s.size - s.validBytes;
            fs.truncateSync(file, s.validBytes);
          }
        }
      }
      const fd = fs.openSync(file, 'a');
      if (gens.length === 0) fsyncDir(dir);
      const j = new PulseJournal(dir, gen, fd, records, best ?? emptyTotals(), opts);
      j.stats.tornBytesDropped = tornBytes;
      for (const g of gens.slice(1)) j.removeGen(g);
      return j;
    } catch (err) {
      if (err instanceof CodedError) throw err;
      throw new CodedError('METER_JOURNAL_IO', `pulse journal in ${dir}: ${(err as Error).message}`, { dir }, { cause: err });
    }
  }

  /** Current totals (in memory, may be ahead of `durable`). */
  get state(): Readonly<PulseTotals> {
    return this.cur;
  }

  /** Totals as last fsynced: what a power cut right now would leave. */
  get durable(): Readonly<PulseTotals> {
    return this.lastDurable;
  }

  /** True when there is something to flush. */
  get dirty(): boolean {
    const a = this.cur;
    const b = this.lastDurable;
    return a.forward !== b.forward || a.backward !== b.backward || a.register !== b.register
      || a.pulseBase !== b.pulseBase || a.volumeBase !== b.volumeBase;
  }

  addPulses(forward: number, backward = 0): void {
    if (!Number.isSafeInteger(forward) || !Number.isSafeInteger(backward) || forward < 0 || backward < 0) {
      throw new CodedError('METER_BAD_PULSES', `bad pulse count ${forward}/${backward}`);
    }
    this.cur.forward += forward;
    this.cur.backward += backward;
  }

  setRegister(value: number | undefined): void {
    if (value === undefined) delete this.cur.register;
    else this.cur.register = value;
  }

  /** 3424/x/5: the cumulated pulse value restarts at 0 (raw totals keep counting). */
  resetPulses(): void {
    this.cur.pulseBase = this.cur.forward - this.cur.backward;
  }

  /** 3424/x/2: the cumulated volume restarts at 0. */
  resetVolume(): void {
    this.cur.volumeBase = this.cur.forward - this.cur.backward;
  }

  /** Appends the current totals and fsyncs (only if changed, unless forced). Returns the durable totals. */
  flush(force = false): Readonly<PulseTotals> {
    if (!this.dirty && !force) return this.lastDurable;
    const rec: PulseTotals = { ...this.cur, seq: this.lastDurable.seq + 1, timeMs: this.now() };
    const bytes = encodeRecord(rec);
    try {
      appendDurableSync(this.fd, bytes);
    } catch (err) {
      throw new CodedError('METER_JOURNAL_IO', `pulse journal append: ${(err as Error).message}`, undefined, { cause: err });
    }
    this.stats.appends++;
    this.stats.bytes += bytes.length;
    this.recordsInFile++;
    this.lastDurable = { ...rec };
    this.cur.seq = rec.seq;
    this.cur.timeMs = rec.timeMs;
    if (this.recordsInFile >= this.compactRecords) this.compact();
    return this.lastDurable;
  }

  /** Writes the durable totals as the single record of a new generation (temp + fsync + rename), then drops the old file. */
  compact(): void {
    const next = this.gen + 1;
    const bytes = encodeRecord(this.lastDurable);
    atomicWriteFileSync(fileOf(this.dir, next), bytes);
    const old = this.gen;
    fs.closeSync(this.fd);
    this.fd = fs.openSync(fileOf(this.dir, next), 'a');
    this.gen = next;
    this.recordsInFile = 1;
    this.stats.compactions++;
    this.stats.bytes += bytes.length;
    this.removeGen(old);
  }

  private removeGen(g: number): void {
    try {
      fs.unlinkSync(fileOf(this.dir, g));
      fsyncDir(this.dir);
    } catch {
      // A leftover generation is harmless: the highest seq wins on the next open.
    }
  }

  /** Flushes and closes. */
  close(): void {
    try {
      this.flush();
    } finally {
      fs.closeSync(this.fd);
    }
  }
}

function fileOf(dir: string, gen: number): string {
  return path.join(dir, `pulses.${gen}.journal`);
}
