// tlv.ts: OMA-TLV content format (11542), LwM2M 1.1 Core §7.4.3: object instance, resource, multiple resource, resource
// instance.
import { CodedError } from '../../errors.js';
import { isObjLnk, type LwRecord, type LwValue, type Path, type ResourceType } from '../types.js';
import type { CodecContext } from './context.js';

const OBJ_INST = 0b00,
  RES_INST = 0b01,
  MULTI_RES = 0b10,
  RES = 0b11;

function header(kind: number, id: number, len: number): Buffer {
  const idBytes = id > 255 ? 2 : 1;
  const lenType = len < 8 ? 0 : len < 0x100 ? 1 : len < 0x10000 ? 2 : 3;
  if (len >= 0x1000000) throw new CodedError('FORMAT_ENCODE', 'TLV value longer than 16 MiB');
  const out = Buffer.alloc(1 + idBytes + lenType);
  out[0] = (kind << 6) | ((idBytes - 1) << 5) | (lenType << 3) | (lenType === 0 ? len : 0);
  if (idBytes === 2) out.writeUInt16BE(id, 1);
  else out[1] = id;
  if (lenType > 0) out.writeUIntBE(len, 1 + idBytes, lenType);
  return out;
}

function tlv(kind: number, id: number, body: Buffer): Buffer {
  return Buffer.concat([header(kind, id, body.length), body]);
}

function encodeInt(v: number | bigint, unsigned: boolean): Buffer {
  const b = BigInt(v);
  const sizes = [1, 2, 4, 8];
  for (const s of sizes) {
    const bits = BigInt(s * 8);
    const fits = unsigned ? b >= 0n && b < 1n << bits : b >= -(1n << (bits - 1n)) && b < 1n << (bits - 1n);
    if (fits) {
      const out = Buffer.alloc(s);
      if (s === 8) {
        if (unsigned) out.writeBigUInt64BE(b);
        else out.writeBigInt64BE(b);
      } else if (unsigned) out.writeUIntBE(Number(b), 0, s);
      else out.writeIntBE(Number(b), 0, s);
      return out;
    }
  }
  throw new CodedError('FORMAT_ENCODE', `integer ${v} does not fit 64 bits`);
}

/** Encodes one value as TLV value bytes, by its resource type (or its JS type when unknown). */
export function encodeTlvValue(v: LwValue, type: ResourceType | undefined): Buffer {
  if (v instanceof Uint8Array) return Buffer.from(v);
  if (isObjLnk(v)) {
    const b = Buffer.alloc(4);
    b.writeUInt16BE(v.objectId, 0);
    b.writeUInt16BE(v.instanceId, 2);
    return b;
  }
  if (typeof v === 'boolean') return Buffer.from([v ? 1 : 0]);
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (type === 'float' || (type === undefined && typeof v === 'number' && !Number.isInteger(v))) {
    const n = Number(v);
    if (Math.fround(n) === n) {
      const b = Buffer.alloc(4);
      b.writeFloatBE(n);
      return b;
    }
    const b = Buffer.alloc(8);
    b.writeDoubleBE(n);
    return b;
  }
  if (typeof v === 'number' && !Number.isInteger(v)) throw new CodedError('FORMAT_ENCODE', `${v} is not an integer`);
  return encodeInt(v, type === 'unsigned');
}

/** Decodes TLV value bytes by resource type; unknown types stay opaque. */
export function decodeTlvValue(b: Buffer, type: ResourceType | undefined): LwValue {
  switch (type) {
    case 'string':
    case 'corelnk':
      return b.toString('utf8');
    case 'integer':
    case 'time':
    case 'unsigned': {
      if (![1, 2, 4, 8].includes(b.length)) throw new CodedError('FORMAT_DECODE', `integer of ${b.length} bytes`);
      if (b.length === 8) {
        const big = type === 'unsigned' ? b.readBigUInt64BE() : b.readBigInt64BE();
        return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
      }
      return type === 'unsigned' ? b.readUIntBE(0, b.length) : b.readIntBE(0, b.length);
    }
    case 'float':
      if (b.length === 4) return b.readFloatBE();
      if (b.length === 8) return b.readDoubleBE();
      throw new CodedError('FORMAT_DECODE', `float of ${b.length} bytes`);
    case 'boolean':
      if (b.length !== 1 || b[0] > 1) throw new CodedError('FORMAT_DECODE', 'boolean must be one byte 0 or 1');
      return b[0] === 1;
    case 'objlnk':
      if (b.length !== 4) throw new CodedError('FORMAT_DECODE', 'object link must be 4 bytes');
      return { objectId: b.readUInt16BE(0), instanceId: b.readUInt16BE(2) };
    case 'none':
      throw new CodedError('FORMAT_DECODE', 'an executable resource has no value');
    default:
      return new Uint8Array(b);
  }
}

/** Groups records under the base path into TLV entries. */
export function encodeTlv(records: readonly LwRecord[], ctx: CodecContext): Uint8Array {
  const base = ctx.basePath;
  const byInst = new Map<number, Map<number, LwRecord[]>>();
  let objectId = base[0];
  for (const r of records) {
    if (r.path.length < 3) throw new CodedError('FORMAT_ENCODE', 'TLV records need resource paths');
    objectId ??= r.path[0];
    let inst = byInst.get(r.path[1]);
    if (!inst) byInst.set(r.path[1], (inst = new Map()));
    let res = inst.get(r.path[2]);
    if (!res) inst.set(r.path[2], (res = []));
    res.push(r);
  }
  const resourceTlvs = (oid: number, res: Map<number, LwRecord[]>): Buffer[] => {
    const out: Buffer[] = [];
    for (const [rid, recs] of res) {
      const type = ctx.typeOf(oid, rid);
      if (ctx.isMultiple(oid, rid) || recs.some((r) => r.path.length === 4)) {
        if (base.length === 4) {
          for (const r of recs) out.push(tlv(RES_INST, r.path[3], encodeTlvValue(r.value, type)));
        } else {
          const inner = recs.map((r) => tlv(RES_INST, r.path[3] ?? 0, encodeTlvValue(r.value, type)));
          out.push(tlv(MULTI_RES, rid, Buffer.concat(inner)));
        }
      } else {
        for (const r of recs) out.push(tlv(RES, rid, encodeTlvValue(r.value, type)));
      }
    }
    return out;
  };
  if (base.length <= 1) {
    const parts: Buffer[] = [];
    for (const [iid, res] of byInst) parts.push(tlv(OBJ_INST, iid, Buffer.concat(resourceTlvs(objectId ?? 0, res))));
    return new Uint8Array(Buffer.concat(parts));
  }
  const parts: Buffer[] = [];
  for (const [, res] of byInst) parts.push(...resourceTlvs(objectId ?? 0, res));
  return new Uint8Array(Buffer.concat(parts));
}

interface RawTlv {
  kind: number;
  id: number;
  value: Buffer;
}

function readAll(buf: Buffer): RawTlv[] {
  const out: RawTlv[] = [];
  let i = 0;
  while (i < buf.length) {
    const t = buf[i];
    const kind = t >> 6,
      idLen = t & 0x20 ? 2 : 1,
      lenType = (t >> 3) & 3;
    let p = i + 1;
    if (p + idLen + lenType > buf.length) throw new CodedError('FORMAT_DECODE', `TLV header truncated at byte ${i}`);
    const id = idLen === 2 ? buf.readUInt16BE(p) : buf[p];
    p += idLen;
    const len = lenType === 0 ? t & 7 : buf.readUIntBE(p, lenType);
    p += lenType;
    if (p + len > buf.length) throw new CodedError('FORMAT_DECODE', `TLV value truncated at byte ${i}`);
    out.push({ kind, id, value: buf.subarray(p, p + len) });
    i = p + len;
  }
  return out;
}

export function decodeTlv(payload: Uint8Array, ctx: CodecContext): LwRecord[] {
  const base = ctx.basePath;
  const oid = base[0];
  if (oid === undefined) throw new CodedError('FORMAT_DECODE', 'TLV needs an object in the path');
  const out: LwRecord[] = [];
  const resources = (entries: RawTlv[], iid: number, depth: number): void => {
    for (const e of entries) {
      if (e.kind === RES) {
        out.push({ path: [oid, iid, e.id], value: decodeTlvValue(e.value, ctx.typeOf(oid, e.id)) });
      } else if (e.kind === MULTI_RES) {
        const type = ctx.typeOf(oid, e.id);
        for (const ri of readAll(e.value)) {
          if (ri.kind !== RES_INST)
            throw new CodedError('FORMAT_DECODE', 'multiple resource TLV holds a non resource-instance');
          out.push({ path: [oid, iid, e.id, ri.id], value: decodeTlvValue(ri.value, type) });
        }
      } else if (e.kind === RES_INST && base.length >= 3) {
        out.push({ path: [oid, iid, base[2], e.id], value: decodeTlvValue(e.value, ctx.typeOf(oid, base[2])) });
      } else if (e.kind === OBJ_INST && depth === 0) {
        resources(readAll(e.value), e.id, 1);
      } else {
        throw new CodedError('FORMAT_DECODE', `unexpected TLV entry type ${e.kind} here`);
      }
    }
  };
  // Create on /oid with bare resources: instance id unknown → -1 (the object host assigns one).
  resources(readAll(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)), base[1] ?? -1, 0);
  return out;
}

export type { Path };
