// reading-queue.ts: durable FIFO of meter readings: fsync'd append before a reading counts as stored, removal only on
// server ack.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { CodedError } from '../errors.js';
import { AckLog, type AckRecord, type StateFileLog } from './ack-log.js';
import { keepDamagedCopy } from './damaged-file.js';
import {
  appendDurableSync,
  atomicWriteFileSync,
  ensureDirSync,
  fsyncDir,
  openPrivateSync,
  removeTempLeftoversSync,
} from './durable-fs.js';
import { writeFileDurable } from './durable-fs-async.js';
import { frame, scanFrames } from './framed-records.js';
import { thinReadings } from './reading-merge.js';
import { isReading, type MeterReading } from './reading.js';

export const QUEUE_FILE = 'readings.queue';
const read = promisify(fs.read);

/** A reading without its seq: the queue assigns one. */
export type NewReading = Omit<MeterReading, 'seq'>;

export interface ReadingQueueOptions {
  /** Rewrite the queue file without its acknowledged part once that part is this large and twice the pending part. */
  compactBytes?: number;
  /** Past this many pending readings, the older ones are merged into coarser ones (reading-merge.ts). */
  maxReadings?: number;
  /** Where damage found at open and merges are reported. */
  log?: StateFileLog;
}

interface Entry {
  r: MeterReading;
  bytes: number;
}

/**
 * The durable reading FIFO. `append` returns once the reading is fsynced ("stored"). `ack(seq)` appends one fsynced
 * record to `readings.acked` (off the event loop) — its cost does not depend on the queue's length. The queue file is
 * truncated when everything is acknowledged, and rewritten with only its pending part when the acknowledged part
 * dominates (≥ compactBytes and ≥ 2× the pending bytes), so each stored byte is rewritten at most about once more.
 * After a crash: stored readings come back, acknowledged ones do not (those acknowledged in the last instant before a
 * cut may come back and are sent again).
 */
export class ReadingQueue {
  private fd: number;
  private entries: Entry[];
  private head = 0;
  private fileBytes: number;
  private pendingBytes: number;
  private lastSeq: number;
  private lastTime: number;
  private ackedSeq: number;
  private lastAcked: MeterReading | undefined;
  private chain: Promise<void> = Promise.resolve();
  private active = false;
  private thinQueued = false;
  private ackWanted = 0;
  private closed = false;
  private fdsClosed = false;
  private readonly compactBytes: number;
  private readonly maxReadings: number;
  private readonly file: string;

  private constructor(
    private readonly dir: string,
    private readonly acks: AckLog,
    entries: Entry[],
    fileBytes: number,
    private readonly opts: ReadingQueueOptions,
  ) {
    this.file = path.join(dir, QUEUE_FILE);
    const ack = acks.record;
    this.ackedSeq = ack.ackedSeq;
    this.lastAcked = ack.last;
    const last = entries[entries.length - 1]?.r;
    this.lastSeq = Math.max(ack.ackedSeq, last?.seq ?? 0);
    this.lastTime = Math.max(ack.last?.time ?? 0, last?.time ?? 0);
    this.entries = entries.filter((e) => e.r.seq > ack.ackedSeq);
    this.pendingBytes = this.entries.reduce((s, e) => s + e.bytes, 0);
    this.fileBytes = fileBytes;
    this.compactBytes = opts.compactBytes ?? 64 * 1024;
    this.maxReadings = opts.maxReadings ?? Infinity;
    this.fd = openPrivateSync(this.file, 'a+');
  }

  static open(dir: string, opts: ReadingQueueOptions = {}): ReadingQueue {
    try {
      ensureDirSync(dir);
      removeTempLeftoversSync(dir);
      const acks = AckLog.open(dir, opts.log);
      const file = path.join(dir, QUEUE_FILE);
      fs.rmSync(`${file}.tmp`, { force: true });
      let data = Buffer.alloc(0);
      try {
        data = fs.readFileSync(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      const { entries, fileBytes } = recover(file, data, opts.log);
      fsyncDir(dir);
      return new ReadingQueue(dir, acks, entries, fileBytes, opts);
    } catch (err) {
      if (err instanceof CodedError) throw err;
      throw new CodedError(
        'METER_QUEUE_IO',
        `reading queue in ${dir}: ${(err as Error).message}`,
        { dir },
        { cause: err },
      );
    }
  }

  /**
   * Stores a reading durably (fsync) and returns it with its seq. Its time is kept strictly after the previous
   * reading's (a timer firing late or early must not give two readings one timestamp).
   */
  append(r: NewReading): MeterReading {
    if (this.closed) throw new CodedError('METER_QUEUE_CLOSED', 'reading queue is closed');
    const reading: MeterReading = { ...r, time: Math.max(r.time, this.lastTime + 1), seq: this.lastSeq + 1 };
    const bytes = frame(reading);
    try {
      appendDurableSync(this.fd, bytes);
    } catch (err) {
      throw new CodedError('METER_QUEUE_IO', `reading queue append: ${(err as Error).message}`, undefined, {
        cause: err,
      });
    }
    this.lastSeq = reading.seq;
    this.lastTime = reading.time;
    this.fileBytes += bytes.length;
    this.pendingBytes += bytes.length;
    this.entries.push({ r: reading, bytes: bytes.length });
    if (this.size > this.maxReadings && !this.thinQueued) {
      this.thinQueued = true;
      this.enqueue(() => this.thin()).catch((err: unknown) => {
        if ((err as CodedError).code === 'METER_QUEUE_CLOSED') return;
        this.opts.log?.error(`reading queue merge failed: ${(err as Error).message}`, {
          code: 'METER_QUEUE_IO',
          file: this.file,
        });
      });
    }
    return reading;
  }

  /** The oldest `n` pending readings (with seq > `afterSeq`, if given), in order. */
  peek(n = Infinity, afterSeq = 0): MeterReading[] {
    let from = this.head;
    if (afterSeq > 0) {
      let hi = this.entries.length;
      while (from < hi) {
        const mid = (from + hi) >>> 1;
        if (this.entries[mid].r.seq <= afterSeq) from = mid + 1;
        else hi = mid;
      }
    }
    return this.entries.slice(from, from + Math.min(n, this.entries.length - from)).map((e) => e.r);
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  /** The last reading the server acknowledged (its flags are the baseline for the next Send). */
  get lastAcknowledged(): MeterReading | undefined {
    return this.lastAcked;
  }

  /** Bytes of `readings.queue` (acknowledged part included). */
  get bytes(): number {
    return this.fileBytes;
  }

  /**
   * Removes every pending reading with seq ≤ `seq` (the server stored them). Durable when it resolves. Calls made
   * while an earlier record is being written share one record (the highest seq asked for): one fsync for all.
   */
  ack(seq: number): Promise<void> {
    this.ackWanted = Math.max(this.ackWanted, seq);
    return this.enqueue(async () => {
      const upTo = Math.min(this.ackWanted, this.lastSeq);
      if (upTo <= this.ackedSeq) return;
      let i = this.head;
      let last = this.lastAcked;
      while (i < this.entries.length && this.entries[i].r.seq <= upTo) last = this.entries[i++].r;
      const rec: AckRecord = last === undefined ? { ackedSeq: upTo } : { ackedSeq: upTo, last };
      await this.acks.write(rec);
      // Appends only push at the end, so entries[head, i) are still the acknowledged ones.
      for (let k = this.head; k < i; k++) this.pendingBytes -= this.entries[k].bytes;
      this.head = i;
      this.ackedSeq = upTo;
      this.lastAcked = last;
      if (this.head > 1024 && this.head * 2 > this.entries.length) {
        this.entries = this.entries.slice(this.head);
        this.head = 0;
      }
      if (this.closed) return;
      if (this.size === 0) this.truncate();
      else if (
        this.fileBytes - this.pendingBytes >= this.compactBytes &&
        this.fileBytes - this.pendingBytes >= 2 * this.pendingBytes
      )
        await this.compact();
    });
  }

  /** Everything is acknowledged: the file restarts empty (no bytes rewritten). Synchronous, so no append slips in. */
  private truncate(): void {
    fs.ftruncateSync(this.fd, 0);
    fs.fsyncSync(this.fd);
    this.entries = [];
    this.head = 0;
    this.fileBytes = 0;
    this.pendingBytes = 0;
  }

  /** Rewrites the queue file with only its pending part (raw bytes, no re-encoding). */
  private async compact(): Promise<void> {
    const snapEnd = this.fileBytes;
    const data = Buffer.alloc(this.pendingBytes);
    const { bytesRead } = await read(this.fd, data, 0, data.length, snapEnd - data.length);
    if (bytesRead !== data.length)
      throw new CodedError('METER_QUEUE_IO', `reading queue compaction: short read of ${this.file}`);
    await this.replaceFile(data, this.entries.slice(this.head), snapEnd);
  }

  /** Above maxReadings: the older readings are merged (the newest half stays as is). */
  private async thin(): Promise<void> {
    this.thinQueued = false;
    if (this.size <= this.maxReadings) return;
    const before = this.size;
    const thinned = thinReadings(this.peek(), this.maxReadings);
    const frames = thinned.map(frame);
    const list = thinned.map((r, k) => ({ r, bytes: frames[k].length }));
    await this.replaceFile(Buffer.concat(frames), list, this.fileBytes, before);
    this.opts.log?.warn(
      `reading queue above ${this.maxReadings} readings: the oldest merged into coarser ones, ${before} → ${thinned.length} (totals kept)`,
      {
        code: 'METER_QUEUE_MERGED',
        file: this.file,
        before,
        after: thinned.length,
      },
    );
  }

  /**
   * Replaces the queue file by `data` (the records of `list`, standing for the first `covered` pending entries; all
   * of them by default). The big write and its fsync run off the event loop; readings appended meanwhile (after
   * `snapEnd` in the old file) are copied over synchronously just before the rename, so none is lost.
   */
  private async replaceFile(data: Buffer, list: Entry[], snapEnd: number, covered = list.length): Promise<void> {
    const tmp = `${this.file}.tmp`;
    await writeFileDurable(tmp, data);
    if (this.closed) {
      fs.rmSync(tmp, { force: true });
      return;
    }
    const extra = this.fileBytes - snapEnd;
    if (extra > 0) {
      const buf = Buffer.alloc(extra);
      fs.readSync(this.fd, buf, 0, extra, snapEnd);
      const tfd = fs.openSync(tmp, 'a');
      try {
        appendDurableSync(tfd, buf);
      } finally {
        fs.closeSync(tfd);
      }
    }
    fs.renameSync(tmp, this.file);
    fsyncDir(this.dir);
    fs.closeSync(this.fd);
    this.fd = openPrivateSync(this.file, 'a+');
    this.entries = [...list, ...this.entries.slice(this.head + covered)];
    this.head = 0;
    this.fileBytes = data.length + extra;
    this.pendingBytes = this.fileBytes;
  }

  /** Runs queue-file operations one at a time (acknowledgements, compaction, merges). */
  private enqueue(fn: () => Promise<void>): Promise<void> {
    const p = this.chain.then(async () => {
      if (this.closed) throw new CodedError('METER_QUEUE_CLOSED', 'reading queue is closed');
      this.active = true;
      try {
        await fn();
      } finally {
        this.active = false;
        if (this.closed) this.closeFds();
      }
    });
    this.chain = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }

  /** Resolves when every acknowledgement, compaction and merge started so far is done. */
  idle(): Promise<void> {
    return this.chain;
  }

  /** Closes now, or when the operation in flight is done (its fds must not be reused under it). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.active) this.closeFds();
  }

  private closeFds(): void {
    if (this.fdsClosed) return;
    this.fdsClosed = true;
    fs.closeSync(this.fd);
    this.acks.close();
  }
}

/**
 * Reads what `readings.queue` holds. A torn last record (a cut during an append) is cut off. Anything else that is not
 * a record — outside damage — costs only the records it covers: the file is copied aside
 * (`readings.queue.damaged-<time>`), rewritten with every intact reading, and the damage is logged as an error.
 */
function recover(file: string, data: Buffer, log: StateFileLog | undefined): { entries: Entry[]; fileBytes: number } {
  const scan = scanFrames(data, isReading);
  const entries: Entry[] = [];
  const kept: { offset: number; bytes: number }[] = [];
  let outOfOrder = 0;
  for (const rec of scan.records) {
    if (rec.value.seq <= (entries[entries.length - 1]?.r.seq ?? 0)) {
      outOfOrder++;
      continue;
    }
    entries.push({ r: rec.value, bytes: rec.bytes });
    kept.push(rec);
  }
  if (scan.damaged.length > 0 || scan.damagedTail || outOfOrder > 0) {
    const copy = keepDamagedCopy(file);
    const clean = Buffer.concat(kept.map((k) => data.subarray(k.offset, k.offset + k.bytes)));
    atomicWriteFileSync(file, clean);
    log?.error(
      `reading queue ${file} is damaged: ${data.length - clean.length} bytes unreadable; the ${entries.length} intact readings are kept, the file as found is ${copy}`,
      {
        code: 'METER_QUEUE_DAMAGED',
        file,
        keptAs: copy,
        readings: entries.length,
        damagedBytes: data.length - clean.length,
      },
    );
    return { entries, fileBytes: clean.length };
  }
  if (scan.tornTail !== undefined) {
    log?.warn(`reading queue ${file}: unfinished last record (power cut during an append) dropped`, {
      code: 'METER_QUEUE_TORN',
      file,
      at: scan.tornTail,
    });
    fs.truncateSync(file, scan.tornTail);
    return { entries, fileBytes: scan.tornTail };
  }
  return { entries, fileBytes: data.length };
}
