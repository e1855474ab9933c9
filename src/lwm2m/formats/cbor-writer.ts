// cbor-writer.ts: a minimal CBOR encoder for SenML and LwM2M CBOR that writes the shortest exact float (half, single,
// double).
import { CodedError } from '../../errors.js';

/** A CBOR value this writer handles: maps keep insertion order (Map) or are plain objects with string keys. */
export type CborValue =
  number | bigint | string | boolean | null | Uint8Array | CborValue[] | Map<number | string, CborValue>;

export class CborWriter {
  private chunks: Buffer[] = [];

  private head(major: number, n: number | bigint): void {
    const v = BigInt(n);
    if (v < 24n) this.chunks.push(Buffer.from([(major << 5) | Number(v)]));
    else if (v < 0x100n) this.chunks.push(Buffer.from([(major << 5) | 24, Number(v)]));
    else if (v < 0x10000n) {
      const b = Buffer.alloc(3);
      b[0] = (major << 5) | 25;
      b.writeUInt16BE(Number(v), 1);
      this.chunks.push(b);
    } else if (v < 0x100000000n) {
      const b = Buffer.alloc(5);
      b[0] = (major << 5) | 26;
      b.writeUInt32BE(Number(v), 1);
      this.chunks.push(b);
    } else {
      const b = Buffer.alloc(9);
      b[0] = (major << 5) | 27;
      b.writeBigUInt64BE(v, 1);
      this.chunks.push(b);
    }
  }

  write(v: CborValue): this {
    if (v === null) this.chunks.push(Buffer.from([0xf6]));
    else if (typeof v === 'boolean') this.chunks.push(Buffer.from([v ? 0xf5 : 0xf4]));
    else if (typeof v === 'bigint') {
      if (v >= 0n) {
        if (v >= 1n << 64n) throw new CodedError('FORMAT_ENCODE', 'integer above 64 bits');
        this.head(0, v);
      } else {
        if (v < -(1n << 64n)) throw new CodedError('FORMAT_ENCODE', 'integer below -2^64');
        this.head(1, -1n - v);
      }
    } else if (typeof v === 'number') this.number(v);
    else if (typeof v === 'string') {
      const b = Buffer.from(v, 'utf8');
      this.head(3, b.length);
      this.chunks.push(b);
    } else if (v instanceof Uint8Array) {
      this.head(2, v.length);
      this.chunks.push(Buffer.from(v));
    } else if (Array.isArray(v)) {
      this.head(4, v.length);
      for (const x of v) this.write(x);
    } else {
      this.head(5, v.size);
      for (const [k, x] of v) {
        this.write(k);
        this.write(x);
      }
    }
    return this;
  }

  private number(n: number): void {
    if (Number.isInteger(n) && Number.isSafeInteger(n)) {
      if (n >= 0) this.head(0, n);
      else this.head(1, -1 - n);
      return;
    }
    const half = toHalf(n);
    if (half !== undefined) {
      const b = Buffer.alloc(3);
      b[0] = 0xf9;
      b.writeUInt16BE(half, 1);
      this.chunks.push(b);
      return;
    }
    if (Math.fround(n) === n || Number.isNaN(n)) {
      const b = Buffer.alloc(5);
      b[0] = 0xfa;
      b.writeFloatBE(n, 1);
      this.chunks.push(b);
      return;
    }
    const b = Buffer.alloc(9);
    b[0] = 0xfb;
    b.writeDoubleBE(n, 1);
    this.chunks.push(b);
  }

  bytes(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.chunks));
  }
}

/** The IEEE 754 half-precision bits of n when n is exactly representable, else undefined. */
export function toHalf(n: number): number | undefined {
  if (Number.isNaN(n)) return 0x7e00;
  if (n === Infinity) return 0x7c00;
  if (n === -Infinity) return 0xfc00;
  if (n === 0) return Object.is(n, -0) ? 0x8000 : 0;
  const sign = n < 0 ? 0x8000 : 0;
  const a = Math.abs(n);
  const exp = Math.floor(Math.log2(a));
  if (exp > 15 || exp < -24) return undefined;
  if (exp >= -14) {
    const mant = a / 2 ** exp - 1; // in [0,1)
    const m = mant * 1024;
    if (!Number.isInteger(m)) return undefined;
    return sign | ((exp + 15) << 10) | m;
  }
  const m = a / 2 ** -24; // subnormal
  if (!Number.isInteger(m)) return undefined;
  return sign | m;
}

export function encodeCbor(v: CborValue): Uint8Array {
  return new CborWriter().write(v).bytes();
}
