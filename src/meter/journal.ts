// journal.ts: crash-safe pulse journal: append-only fixed-size checksummed records of absolute totals, batched fsync,
// compaction.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { CodedError } from '../errors.js';
import {
  appendDurableSync,
  atomicWriteFileSync,
  ensureDirSync,
  fsyncDir,
  openPrivateSync,
  removeTempLeftoversSync,
} from './durable-fs.js';

/**
 * The durable meter totals. Pulse counts are absolute since the device's first start, so replaying can never count
 * twice.
 */
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

/** True for a well-formed set of totals (e.g. a checkpoint read back from JSON). */
export function isTotals(v: unknown): v is PulseTotals {
  const t = v as PulseTotals;
  const int = (x: unknown): boolean => Number.isSafeInteger(x);
  return (
    typeof v === 'object' &&
    v !== null &&
    int(t.seq) &&
    t.seq >= 0 &&
    typeof t.timeMs === 'number' &&
    Number.isFinite(t.timeMs) &&
    int(t.forward) &&
    t.forward >= 0 &&
    int(t.backward) &&
    t.backward >= 0 &&
    int(t.pulseBase) &&
    int(t.volumeBase) &&
    (t.register === undefined || (typeof t.register === 'number' && Number.isFinite(t.register)))
  );
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

interface Scan {
  best?: PulseTotals | undefined;
  records: number;
  validBytes: number;
  size: number;
  /** Bad records before the last good one. */
  badSlots: number;
  /** Why the file could not be read at all (a folder in its place, an I/O error). */
  unreadable?: string;
}

/**
 * Reads every aligned record of a file; the best is the valid one with the highest seq; validBytes ends after the last
 * valid record.
 */
function scanFile(file: string): Scan {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (err) {
    return { records: 0, validBytes: 0, size: 0, badSlots: 0, unreadable: (err as Error).message };
  }
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
  // Bad slots before the last valid record (the tail's are not counted here).
  return { best, records, validBytes, size: data.length, badSlots: validBytes / RECORD_SIZE - records };
}

/**
 * A power cut mid-append leaves at most one incomplete record at the end of the file. Anything else — a bad record
 * before a good one, more than one record's worth of bad bytes at the end — is damage from outside (media, a person).
 */
function isDamaged(s: Scan): boolean {
  return s.unreadable !== undefined || s.badSlots > 0 || s.size - s.validBytes > RECORD_SIZE;
}

/** The latest reading stored (or acknowledged): a durable value the journal must not be behind. */
export interface ReadingFloor {
  /** Clock time (ms) of the reading. */
  timeMs: number;
  volumeM3: number;
  pulses: number;
  /** Pulses per m³ the volume was computed with. */
  pulseRatio: number;
}

/** What `open` found wrong and did about it: the journal went on from `restored`, the damaged files are kept aside. */
export interface JournalDamage {
  code: 'METER_JOURNAL_DAMAGED';
  /** Why, in words (each cause found). */
  reasons: string[];
  /** The journal files concerned (a missing one is named too). */
  files: string[];
  /** Where the damaged files were moved (kept for inspection, never read again). */
  keptAs: string[];
  /** The best totals the journal itself still held. */
  found: PulseTotals;
  /** The totals the journal goes on from: the highest durable value (journal, checkpoint, latest reading). */
  restored: PulseTotals;
}

/**
 * The totals raised to show at least the reading's pulses (ratio-free, so a pulse ratio written since cannot fake a
 * gap), or undefined when they already do. Raised, the volume is matched too (its base moves, as a reset would).
 */
function raisedTo(t: Readonly<PulseTotals>, r: ReadingFloor): PulseTotals | undefined {
  const net = t.forward - t.backward;
  const missing = r.pulses + t.pulseBase - net;
  if (missing <= 0) return undefined;
  const volumeBase = Math.min(t.volumeBase, net + missing - Math.round(r.volumeM3 * r.pulseRatio));
  return { ...t, forward: t.forward + missing, volumeBase };
}

export interface JournalOptions {
  /** Compact when the current file holds this many records. */
  compactRecords?: number;
  /** Clock (ms), injected. */
  now?: () => number;
  /** A copy of the durable totals kept elsewhere (the actor store): the journal must not be behind it. */
  checkpoint?: PulseTotals;
  /** The latest stored reading: the journal must not be behind it either. */
  reading?: ReadingFloor;
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
  /** Set when `open` found the journal damaged or behind another durable value (and went on from the highest). */
  damage: JournalDamage | undefined;

  private constructor(
    private readonly dir: string,
    gen: number,
    fd: number,
    records: number,
    state: PulseTotals,
    opts: JournalOptions,
  ) {
    this.gen = gen;
    this.fd = fd;
    this.recordsInFile = records;
    this.cur = { ...state };
    this.lastDurable = { ...state };
    this.compactRecords = opts.compactRecords ?? 4096;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Opens (or creates) the journal in `dir`: picks the newest valid record, drops a torn tail, removes compaction
   * leftovers. A damaged journal (bad records inside, behind its checkpoint or the latest reading, missing while those
   * exist) does not stop the meter: its files are moved aside, the highest durable value becomes the journal's start,
   * and `damage` says what happened.
   */
  static open(dir: string, opts: JournalOptions = {}): PulseJournal {
    try {
      ensureDirSync(dir);
      removeTempLeftoversSync(dir);
      const gens = fs
        .readdirSync(dir)
        .map((f) => FILE_RE.exec(f))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => Number(m[1]))
        .sort((a, b) => b - a);
      const scans = new Map(gens.map((g) => [g, scanFile(fileOf(dir, g))]));
      let best: PulseTotals | undefined;
      for (const s of scans.values()) if (s.best && (!best || s.best.seq > best.seq)) best = s.best;
      const found = best ?? emptyTotals();
      const damaged = [...scans.entries()]
        .filter(([, s]) => isDamaged(s))
        .map(
          ([g, s]) =>
            `pulses.${g}.journal ${s.unreadable === undefined ? 'has unreadable records' : `is unreadable (${s.unreadable})`}`,
        );
      const { restored, reasons } = PulseJournal.check(found, damaged, opts);
      if (reasons.length > 0) return PulseJournal.restart(dir, gens, found, restored, reasons, opts);
      const gen = gens[0] ?? 0;
      const file = fileOf(dir, gen);
      const cur = scans.get(gen);
      let tornBytes = 0;
      if (cur && cur.validBytes < cur.size) {
        // Torn tail (a power cut mid-append): cut it so the next append lands on a record boundary.
        tornBytes = cur.size - cur.validBytes;
        fs.truncateSync(file, cur.validBytes);
      }
      const fd = openPrivateSync(file, 'a');
      if (gens.length === 0) fsyncDir(dir);
      const j = new PulseJournal(dir, gen, fd, cur?.records ?? 0, found, opts);
      j.stats.tornBytesDropped = tornBytes;
      for (const g of gens.slice(1)) j.removeGen(g);
      return j;
    } catch (err) {
      if (err instanceof CodedError) throw err;
      throw new CodedError(
        'METER_JOURNAL_IO',
        `pulse journal in ${dir}: ${(err as Error).message}`,
        { dir },
        { cause: err },
      );
    }
  }

  /**
   * The highest durable value (the journal's best record, the checkpoint, the latest reading) and why the journal is
   * not it.
   */
  private static check(
    found: PulseTotals,
    damaged: string[],
    opts: JournalOptions,
  ): { restored: PulseTotals; reasons: string[] } {
    const reasons = [...damaged];
    let restored = found;
    const cp = opts.checkpoint;
    if (cp && cp.seq > found.seq) {
      reasons.push(
        found.seq === 0
          ? `no journal record, but its checkpoint is at record ${cp.seq}`
          : `journal is behind its checkpoint (record ${found.seq} < ${cp.seq})`,
      );
      restored = { ...cp };
    }
    const r = opts.reading;
    const raised = r && r.timeMs > restored.timeMs ? raisedTo(restored, r) : undefined;
    if (r && raised) {
      reasons.push(
        `journal is behind the latest stored reading (${raised.forward - restored.forward} pulses short of ${r.pulses} pulses / ${r.volumeM3} m³)`,
      );
      restored = raised;
    }
    return { restored, reasons };
  }

  /**
   * Moves every journal file aside (kept for inspection) and starts a new generation whose one record is `restored`.
   */
  private static restart(
    dir: string,
    gens: number[],
    found: PulseTotals,
    restored: PulseTotals,
    reasons: string[],
    opts: JournalOptions,
  ): PulseJournal {
    const now = opts.now ?? Date.now;
    const stamp = new Date(now()).toISOString().replace(/[:.]/g, '-');
    const files = gens.length > 0 ? gens.map((g) => fileOf(dir, g)) : [path.join(dir, 'pulses.*.journal (missing)')];
    const keptAs: string[] = [];
    for (const g of gens) {
      const to = `${fileOf(dir, g)}.damaged-${stamp}`;
      fs.renameSync(fileOf(dir, g), to);
      keptAs.push(to);
    }
    const gen = (gens[0] ?? -1) + 1;
    const start: PulseTotals = { ...restored, seq: Math.max(found.seq, restored.seq) + 1, timeMs: now() };
    atomicWriteFileSync(fileOf(dir, gen), encodeRecord(start));
    const j = new PulseJournal(dir, gen, openPrivateSync(fileOf(dir, gen), 'a'), 1, start, opts);
    j.damage = { code: 'METER_JOURNAL_DAMAGED', reasons, files, keptAs, found, restored: start };
    return j;
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
    return (
      a.forward !== b.forward ||
      a.backward !== b.backward ||
      a.register !== b.register ||
      a.pulseBase !== b.pulseBase ||
      a.volumeBase !== b.volumeBase
    );
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
      throw new CodedError('METER_JOURNAL_IO', `pulse journal append: ${(err as Error).message}`, undefined, {
        cause: err,
      });
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

  /**
   * Writes the durable totals as the single record of a new generation (temp + fsync + rename), then drops the old
   * file.
   */
  compact(): void {
    const next = this.gen + 1;
    const bytes = encodeRecord(this.lastDurable);
    atomicWriteFileSync(fileOf(this.dir, next), bytes);
    const old = this.gen;
    fs.closeSync(this.fd);
    this.fd = openPrivateSync(fileOf(this.dir, next), 'a');
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
