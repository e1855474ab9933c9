// framed-records.ts: self-delimiting checksummed records (u32 length, u32 CRC-32, JSON) and a scan that resyncs after
// damage.
import { crc32 } from 'node:zlib';

export const FRAME_HEADER = 8;
/** A record's JSON is a few hundred bytes; a larger length field is damage, not a record. */
export const MAX_FRAME_PAYLOAD = 4096;
const MIN_FRAME_PAYLOAD = 2;

export function frame(value: unknown): Buffer {
  const payload = Buffer.from(JSON.stringify(value), 'utf8');
  const out = Buffer.alloc(FRAME_HEADER + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.writeUInt32BE(crc32(payload), 4);
  payload.copy(out, FRAME_HEADER);
  return out;
}

export interface ScannedRecord<T> {
  value: T;
  offset: number;
  bytes: number;
}

export interface ScanResult<T> {
  records: ScannedRecord<T>[];
  /** Byte ranges [from, to) that are not records and are followed by a record (outside damage, never a power cut). */
  damaged: [number, number][];
  /** Where an unfinished last record starts (a cut during an append), if the file ends with one. */
  tornTail: number | undefined;
  /** The file ends with bytes that are neither records nor a plausible unfinished one. */
  damagedTail: boolean;
}

function recordAt<T>(
  data: Buffer,
  off: number,
  accept: (v: unknown) => v is T,
): { value: T; bytes: number } | 'short' | undefined {
  if (off + FRAME_HEADER > data.length) return 'short';
  const len = data.readUInt32BE(off);
  if (len < MIN_FRAME_PAYLOAD || len > MAX_FRAME_PAYLOAD) return undefined;
  if (off + FRAME_HEADER + len > data.length) return 'short';
  const payload = data.subarray(off + FRAME_HEADER, off + FRAME_HEADER + len);
  if (crc32(payload) !== data.readUInt32BE(off + 4)) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  return accept(v) ? { value: v, bytes: FRAME_HEADER + len } : undefined;
}

/**
 * Reads every intact record. After a bad byte it resyncs on the next offset where a whole record checks out (length
 * in range, CRC-32, JSON accepted), so damage costs only the records it touches.
 */
export function scanFrames<T>(data: Buffer, accept: (v: unknown) => v is T): ScanResult<T> {
  const records: ScannedRecord<T>[] = [];
  const damaged: [number, number][] = [];
  let off = 0;
  let badFrom: number | undefined;
  let firstShort: number | undefined;
  while (off < data.length) {
    const r = recordAt(data, off, accept);
    if (r !== undefined && r !== 'short') {
      if (badFrom !== undefined) damaged.push([badFrom, off]);
      badFrom = undefined;
      firstShort = undefined;
      records.push({ value: r.value, offset: off, bytes: r.bytes });
      off += r.bytes;
      continue;
    }
    if (badFrom === undefined) badFrom = off;
    if (r === 'short' && firstShort === undefined) firstShort = off;
    off++;
  }
  if (badFrom === undefined) return { records, damaged, tornTail: undefined, damagedTail: false };
  // A cut during an append leaves a prefix of one record (or zeros where the file grew): that is a torn tail.
  const tail = data.subarray(badFrom);
  const torn = firstShort === badFrom || tail.every((b) => b === 0);
  return { records, damaged, tornTail: torn ? badFrom : undefined, damagedTail: !torn };
}
