// tlv.ts: an OMA-TLV (Content-Format 11542) decoder and encoder written from the LwM2M 1.1 Core spec §7.4.3,
// independent of the product's codecs.

/** The four TLV identifier kinds (type byte bits 7–6). */
export type TlvKind = 'instance' | 'resourceInstance' | 'multipleResource' | 'resource';
const KINDS: TlvKind[] = ['instance', 'resourceInstance', 'multipleResource', 'resource'];

export interface Tlv {
  kind: TlvKind;
  id: number;
  /** The raw value for 'resource' and 'resourceInstance'; children for the other two. */
  value: Buffer;
  children: Tlv[];
}

/** Decodes a TLV sequence; throws on a truncated or inconsistent entry (strict: the whole payload must be consumed). */
export function decodeTlv(buf: Buffer): Tlv[] {
  const out: Tlv[] = [];
  let i = 0;
  while (i < buf.length) {
    const type = buf[i++];
    const kind = KINDS[type >> 6];
    const idLen = (type & 0x20) !== 0 ? 2 : 1;
    const lenType = (type >> 3) & 0x03;
    if (i + idLen > buf.length) throw new Error(`TLV: truncated identifier at ${i}`);
    const id = idLen === 2 ? buf.readUInt16BE(i) : buf[i];
    i += idLen;
    let len = type & 0x07;
    if (lenType > 0) {
      if (i + lenType > buf.length) throw new Error(`TLV: truncated length at ${i}`);
      len = buf.readUIntBE(i, lenType);
      i += lenType;
    }
    if (i + len > buf.length)
      throw new Error(`TLV: value of ${kind} ${id} runs past the end (${len} bytes at ${i} of ${buf.length})`);
    const value = buf.subarray(i, i + len);
    i += len;
    const children = kind === 'instance' || kind === 'multipleResource' ? decodeTlv(value) : [];
    if (kind === 'instance' && children.some((c) => c.kind !== 'resource' && c.kind !== 'multipleResource'))
      throw new Error(`TLV: instance ${id} holds a bad child`);
    if (kind === 'multipleResource' && children.some((c) => c.kind !== 'resourceInstance'))
      throw new Error(`TLV: multiple resource ${id} holds a bad child`);
    out.push({ kind, id, value, children });
  }
  return out;
}

/** A TLV integer: 1, 2, 4 or 8 bytes, two's complement, big-endian. */
export function tlvInt(v: Buffer): number {
  switch (v.length) {
    case 1:
      return v.readInt8(0);
    case 2:
      return v.readInt16BE(0);
    case 4:
      return v.readInt32BE(0);
    case 8:
      return Number(v.readBigInt64BE(0));
    default:
      throw new Error(`TLV: integer of ${v.length} bytes`);
  }
}

export function tlvBool(v: Buffer): boolean {
  if (v.length !== 1 || v[0] > 1) throw new Error(`TLV: boolean ${v.toString('hex')}`);
  return v[0] === 1;
}

export function tlvFloat(v: Buffer): number {
  if (v.length === 4) return v.readFloatBE(0);
  if (v.length === 8) return v.readDoubleBE(0);
  throw new Error(`TLV: float of ${v.length} bytes`);
}

function header(kind: TlvKind, id: number, len: number): Buffer {
  let type = KINDS.indexOf(kind) << 6;
  const idBytes = id > 0xff ? 2 : 1;
  if (idBytes === 2) type |= 0x20;
  const lenBytes = len < 8 ? 0 : len < 0x100 ? 1 : len < 0x10000 ? 2 : 3;
  type |= lenBytes << 3;
  if (lenBytes === 0) type |= len;
  const h = Buffer.alloc(1 + idBytes + lenBytes);
  h[0] = type;
  h.writeUIntBE(id, 1, idBytes);
  if (lenBytes > 0) h.writeUIntBE(len, 1 + idBytes, lenBytes);
  return h;
}

/**
 * One TLV entry; a value is encoded as: number → smallest signed integer, boolean → 1 byte, string → UTF-8, Buffer as
 * is.
 */
export function tlv(kind: TlvKind, id: number, value: number | boolean | string | Buffer | Buffer[]): Buffer {
  let body: Buffer;
  if (Array.isArray(value)) body = Buffer.concat(value);
  else if (Buffer.isBuffer(value)) body = value;
  else if (typeof value === 'boolean') body = Buffer.from([value ? 1 : 0]);
  else if (typeof value === 'string') body = Buffer.from(value, 'utf8');
  else if (value >= -128 && value <= 127) {
    body = Buffer.alloc(1);
    body.writeInt8(value);
  } else if (value >= -32768 && value <= 32767) {
    body = Buffer.alloc(2);
    body.writeInt16BE(value);
  } else if (value >= -(2 ** 31) && value < 2 ** 31) {
    body = Buffer.alloc(4);
    body.writeInt32BE(value);
  } else {
    body = Buffer.alloc(8);
    body.writeBigInt64BE(BigInt(value));
  }
  return Buffer.concat([header(kind, id, body.length), body]);
}
