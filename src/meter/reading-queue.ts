// reading-queue.ts: durable FIFO of meter readings: fsync'd append before a reading counts as stored, removal only on server ack.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { CodedError } from '../errors.js';
import { appendDurableSync, atomicWriteFileSync, fsyncDir } from './durable-fs.js';
import type { MeterReading } from './reading.js';

const QUEUE = 'readings.queue';
const ACKED = 'readings.acked';
const HEADER = 8; // u32 length, u32 crc32(payload)

/** A reading without its seq: the queue assigns one. */
export type NewReading = Omit<MeterReading, 'seq'>;

interface AckFile { ackedSeq: number; last?: MeterReading }

function frame(r: MeterReading): Uint8Array {
  const payload = Buffer.from(JSON.stringify(r), 'utf8');
  const out = Buffer.alloc(HEADER + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.writeUInt32BE(crc32(payload), 4);
  payload.copy(out, HEADER);
  return out;
}

function isReading(v: unknown): v is MeterReading {
  const r = v as MeterReading;
  return typeof v === 'object' && v !== null && Number.isSafeInteger(r.seq) && typeof r.time === 'number'
    && typeof r.volumeM3 === 'number' && typeof r.pulses === 'number';
}

/** Parses framed records; stops at the first torn or corrupt one (everything after it is unreliable). */
function parseQueue(data: Buffer): { readings: MeterReading[]; validBytes: number } {
  const readings: MeterReading[] = [];
  let off = 0;
  while (off + HEADER <= data.length) {
    const len = data.readUInt32BE(off);
    const sum = data.readUInt32BE(off + 4);
    if (len > 1 << 20 || off + HEADER + len > data.length) break;
    const payload = data.subarray(off + HEADER, off + HEADER + len);
    if (crc32(payload) !== sum) break;
    let v: unknown;
    try {
      v = JSON.parse(payload.toString('utf8'));
    } catch {
      break;
    }
    if (!isReading(v)) break;
    readings.push(v);
    off += HEADER + len;
  }
  return { readings, validBytes: off };
}

export interface ReadingQueueOptions {
  /** Rewrite the queue file once it is this large and at least half acknowledged. */
  compactBytes?: number;
}

/**
 * The durable reading FIFO. `append` returns once the reading is fsynced ("stored"). `ack(seq)` removes every reading up
 * to seq (fsynced ack pointer, atomic replace). After a crash: stored readings come back, acknowledged ones do not.
 */
export class ReadingQueue {
  private fd: number;
  private pending: MeterReading[];
  private lastSeq: number;
  private ackedSeq: number;
  private lastAcked: MeterReading | undefined;
  private fileBytes: number;
  private readonly compactBytes: number;

  private constructor(private readonly dir: string, fd: number, pending: MeterReading[], ack: AckFile, lastSeq: number, fileBytes: number, opts: ReadingQueueOptions) {
    this.fd = fd;
    this.pending = pending;
    this.ackedSeq = ack.ackedSeq;
    this.lastAcked = ack.last;
    this.lastSeq = lastSeq;
    this.fileBytes = fileBytes;
    this.compactBytes = opts.compactBytes ?? 64 * 1024;
  }

  static open(dir: string, opts: ReadingQueueOptions = {}): ReadingQueue {
    try {
      fs.mkdirSync(dir, { recursive: true });
      const ack = readAck(path.join(dir, ACKED));
      const qfile = path.join(dir, QUEUE);
      let data = Buffer.alloc(0);
      try {
        data = fs.readFileSync(qfile);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      const { readings, validBytes } = parseQueue(data);
      if (validBytes < data.length) fs.truncateSync(qfile, validBytes);
      const fd = fs.openSync(qfile, 'a');
      fsyncDir(dir);
      const lastSeq = Math.max(ack.ackedSeq, ...readings.map((r) => r.seq));
      const pending = readings.filter((r) => r.seq > ack.ackedSeq);
      return new ReadingQueue(dir, fd, pending, ack, lastSeq, validBytes, opts);
    } catch (err) {
      if (err instanceof CodedError) throw err;
      throw new CodedError('METER_QUEUE_IO', `reading queue in ${dir}: ${(err as Error).message}`, { dir }, { cause: err });
    }
  }

  /** Stores a reading durably (fsync) and returns it with its seq. */
  append(r: NewReading): MeterReading {
    const reading: MeterReading = { ...r, seq: this.lastSeq + 1 };
    const bytes = frame(reading);
    try {
      appendDurableSync(this.fd, bytes);
    } catch (err) {
      throw new CodedError('METER_QUEUE_IO', `reading queue append: ${(err as Error).message}`, undefined, { cause: err });
    }
    this.lastSeq = reading.seq;
    this.fileBytes += bytes.length;
    this.pending.push(reading);
    return reading;
  }

  /** The oldest `n` pending readings, in order. */
  peek(n = Infinity): MeterReading[] {
    return this.pending.slice(0, n);
  }

  get size(): number {
    return this.pending.length;
  }

  /** The last reading the server acknowledged (its flags are the baseline for the next Send). */
  get lastAcknowledged(): MeterReading | undefined {
    return this.lastAcked;
  }

  /** Removes every pending reading with seq ≤ `seq` (the server stored them). Durable before it returns. */
  ack(seq: number): void {
    if (seq <= this.ackedSeq) return;
    const done = this.pending.filter((r) => r.seq <= seq);
    const last = done[done.length - 1] ?? this.lastAcked;
    const ack: AckFile = last === undefined ? { ackedSeq: seq } : { ackedSeq: seq, last };
    atomicWriteFileSync(path.join(this.dir, ACKED), Buffer.from(JSON.stringify(ack)));
    this.ackedSeq = seq;
    this.lastAcked = last;
    this.pending = this.pending.filter((r) => r.seq > seq);
    if (this.fileBytes >= this.compactBytes) this.compact();
  }

  /** Rewrites the queue file with only the pending readings (temp + fsync + rename). */
  compact(): void {
    const parts = this.pending.map(frame);
    const all = Buffer.concat(parts);
    const qfile = path.join(this.dir, QUEUE);
    fs.closeSync(this.fd);
    atomicWriteFileSync(qfile, all);
    this.fd = fs.openSync(qfile, 'a');
    this.fileBytes = all.length;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

function readAck(file: string): AckFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ackedSeq: 0 };
    throw err;
  }
  try {
    const v = JSON.parse(text) as AckFile;
    if (Number.isSafeInteger(v.ackedSeq) && v.ackedSeq >= 0) return v;
  } catch {
    // fall through: written atomically, so a bad file means outside damage
  }
  throw new CodedError('METER_QUEUE_CORRUPT', `reading queue ack pointer ${file} is unreadable; refusing to resend or drop readings blindly`, { file });
}
