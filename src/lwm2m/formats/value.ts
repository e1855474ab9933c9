// value.ts: conversions between LwM2M values and their text form, shared by plain text, SenML and link codecs.
import { CodedError } from '../../errors.js';
import { isObjLnk, type LwValue, type ResourceType } from '../types.js';

/** Text form of a value (plain text content format, LwM2M 1.2 Core §7.4.1). */
export function valueToText(v: LwValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (isObjLnk(v)) return `${v.objectId}:${v.instanceId}`;
  throw new CodedError('FORMAT_ENCODE', 'value has no text form');
}

/** Parses a text value of the given type; throws FORMAT_DECODE with the reason. */
export function textToValue(s: string, type: ResourceType | undefined): LwValue {
  switch (type) {
    case undefined:
    case 'string':
    case 'corelnk':
      return s;
    case 'integer':
    case 'time':
    case 'unsigned': {
      if (!/^[-+]?\d+$/.test(s.trim())) throw new CodedError('FORMAT_DECODE', `'${s}' is not an integer`);
      const b = BigInt(s.trim());
      if (type === 'unsigned' && b < 0n) throw new CodedError('FORMAT_DECODE', `'${s}' is negative for an unsigned`);
      return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
    }
    case 'float': {
      const t = s.trim();
      if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t))
        throw new CodedError('FORMAT_DECODE', `'${s}' is not a float`);
      return Number(t);
    }
    case 'boolean':
      if (s === '1' || s === 'true') return true;
      if (s === '0' || s === 'false') return false;
      throw new CodedError('FORMAT_DECODE', `'${s}' is not a boolean (0 or 1)`);
    case 'opaque': {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new CodedError('FORMAT_DECODE', 'opaque text is not base64');
      return new Uint8Array(Buffer.from(s, 'base64'));
    }
    case 'objlnk': {
      const m = /^(\d{1,5}):(\d{1,5})$/.exec(s);
      if (!m) throw new CodedError('FORMAT_DECODE', `'${s}' is not an object link (oid:iid)`);
      return { objectId: Number(m[1]), instanceId: Number(m[2]) };
    }
    case 'none':
      throw new CodedError('FORMAT_DECODE', 'an executable resource has no value');
  }
}
