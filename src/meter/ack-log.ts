// ack-log.ts: `readings.acked`, the queue's acknowledgement pointer: an append-only log of checksummed records; the
// highest wins.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { atomicWriteFileSync, openPrivateSync } from './durable-fs.js';
import { appendDurable, atomicWriteFile } from './durable-fs-async.js';
import { keepDamagedCopy } from './damaged-file.js';
import { frame, scanFrames } from './framed-records.js';
import { isReading, type MeterReading } from './reading.js';

export const ACKED_FILE = 'readings.acked';
/** Past this size the log is replaced by its last record (temp + fsync + rename). */
const ACK_LOG_COMPACT_BYTES = 32 * 1024;

/**
 * Readings up to `ackedSeq` were stored by the server; `last` is the newest of them (baseline of the next Send's
 * flags).
 */
export interface AckRecord {
  ackedSeq: number;
  last?: MeterReading;
}

/** Where recovery reports what it found (the meter's logger). */
export interface StateFileLog {
  warn(msg: string, details: Record<string, unknown>): void;
  error(msg: string, details: Record<string, unknown>): void;
}

function isAck(v: unknown): v is AckRecord {
  const a = v as AckRecord;
  return (
    typeof v === 'object' &&
    v !== null &&
    Number.isSafeInteger(a.ackedSeq) &&
    a.ackedSeq >= 0 &&
    (a.last === undefined || isReading(a.last))
  );
}

/**
 * One fsynced append per acknowledgement (a single small write, no rename), so acknowledging costs the same whatever
 * the queue holds. Damage never stops the meter: the highest intact record wins, and with none the pointer falls back
 * to 0 — the queued readings are sent again, none is dropped.
 */
export class AckLog {
  private fd: number;
  private bytes: number;
  private rec: AckRecord;
  private inflight: Promise<unknown> | undefined;
  private closed = false;

  private constructor(
    private readonly file: string,
    rec: AckRecord,
  ) {
    this.rec = rec;
    this.fd = openPrivateSync(file, 'a');
    this.bytes = fs.fstatSync(this.fd).size;
  }

  static open(dir: string, log: StateFileLog | undefined): AckLog {
    const file = path.join(dir, ACKED_FILE);
    let data: Buffer;
    try {
      data = fs.readFileSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      atomicWriteFileSync(file, frame({ ackedSeq: 0 }));
      return new AckLog(file, { ackedSeq: 0 });
    }
    const legacy = legacyRecord(data);
    if (legacy) {
      atomicWriteFileSync(file, frame(legacy));
      return new AckLog(file, legacy);
    }
    const scan = scanFrames(data, isAck);
    let best: AckRecord | undefined;
    for (const r of scan.records) if (!best || r.value.ackedSeq >= best.ackedSeq) best = r.value;
    if (scan.damaged.length > 0 || scan.damagedTail || !best) {
      const rec = best ?? { ackedSeq: 0 };
      const copy = data.length > 0 ? keepDamagedCopy(file) : undefined;
      log?.error(
        `reading queue ack pointer ${file} is damaged: ${scan.records.length} intact records; acknowledged up to seq ${rec.ackedSeq}, queued readings after it are sent again`,
        {
          code: 'METER_ACK_DAMAGED',
          file,
          ...(copy ? { keptAs: copy } : {}),
          bytes: data.length,
          ackedSeq: rec.ackedSeq,
        },
      );
      atomicWriteFileSync(file, frame(rec));
      return new AckLog(file, rec);
    }
    if (scan.tornTail !== undefined) {
      log?.warn(`reading queue ack pointer ${file}: unfinished last record (power cut during an append) dropped`, {
        code: 'METER_ACK_TORN',
        file,
        at: scan.tornTail,
      });
      fs.truncateSync(file, scan.tornTail);
    }
    return new AckLog(file, best);
  }

  get record(): AckRecord {
    return this.rec;
  }

  /** Durable before it resolves. Calls must not overlap (the queue serialises them). */
  async write(rec: AckRecord): Promise<void> {
    if (this.closed) throw new Error('ack log closed');
    const bytes = frame(rec);
    const replace = this.bytes + bytes.length > ACK_LOG_COMPACT_BYTES;
    const op = replace ? this.replace(bytes) : appendDurable(this.fd, bytes);
    this.inflight = op;
    try {
      await op;
    } finally {
      this.inflight = undefined;
      if (this.closed) fs.closeSync(this.fd);
    }
    this.bytes = replace ? bytes.length : this.bytes + bytes.length;
    this.rec = rec;
  }

  private async replace(bytes: Buffer): Promise<void> {
    await atomicWriteFile(this.file, bytes);
    if (this.closed) return;
    fs.closeSync(this.fd);
    this.fd = openPrivateSync(this.file, 'a');
  }

  /** Closes now, or once an in-flight write is done (its fd must not be reused under it). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.inflight) fs.closeSync(this.fd);
  }
}

/** `readings.acked` as the first format wrote it: one JSON object, replaced atomically. */
function legacyRecord(data: Buffer): AckRecord | undefined {
  if (data[0] !== 0x7b) return undefined;
  try {
    const v: unknown = JSON.parse(data.toString('utf8'));
    return isAck(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
