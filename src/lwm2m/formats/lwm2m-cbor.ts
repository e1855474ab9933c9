// lwm2m-cbor.ts: LwM2M CBOR content format (11544, LwM2M 1.2 Core §7.4.6): nested maps keyed by path segments.
import { CodedError } from '../../errors.js';
import { isObjLnk, type LwRecord, type LwValue } from '../types.js';
import { encodeCbor, type CborValue } from './cbor-writer.js';
import type { CodecContext } from './context.js';
import { decodeCborSafe } from './senml-cbor.js';

type Tree = Map<number | string, CborValue>;

function cborValue(v: LwValue): CborValue {
  if (isObjLnk(v)) return `${v.objectId}:${v.instanceId}`;
  return v;
}

export function encodeLwm2mCbor(records: readonly LwRecord[], _ctx: CodecContext): Uint8Array {
  const root: Tree = new Map();
  for (const r of records) {
    let node = root;
    r.path.forEach((seg, i) => {
      if (i === r.path.length - 1) {
        node.set(seg, cborValue(r.value));
        return;
      }
      let child = node.get(seg);
      if (!(child instanceof Map)) {
        child = new Map();
        node.set(seg, child);
      }
      node = child;
    });
  }
  return encodeCbor(root);
}

export function decodeLwm2mCbor(payload: Uint8Array, ctx: CodecContext): LwRecord[] {
  const raw = decodeCborSafe(payload);
  if (!(raw instanceof Map)) throw new CodedError('FORMAT_DECODE', 'LwM2M CBOR must be a map');
  const out: LwRecord[] = [];
  const walk = (m: Map<unknown, unknown>, prefix: number[]): void => {
    for (const [k, v] of m) {
      const segs = Array.isArray(k) ? k : [k];
      if (!segs.every((s) => typeof s === 'number' && Number.isInteger(s) && s >= 0 && s <= 65535)) {
        throw new CodedError('FORMAT_DECODE', 'LwM2M CBOR key is not a path segment');
      }
      const path = [...prefix, ...(segs as number[])];
      if (path.length > 4) throw new CodedError('FORMAT_DECODE', 'LwM2M CBOR path deeper than 4');
      if (v instanceof Map) walk(v, path);
      else out.push({ path, value: cborLeafValue(v, path, ctx) });
    }
  };
  walk(raw, []);
  return out;
}

/** A decoded CBOR leaf as the LwM2M value of the resource at path (object links are "oid:iid" text). */
export function cborLeafValue(v: unknown, path: readonly number[], ctx: CodecContext): LwValue {
  if (path.length < 3) throw new CodedError('FORMAT_DECODE', 'LwM2M CBOR value above resource level');
  const type = ctx.typeOf(path[0], path[2]);
  if (type === 'objlnk' && typeof v === 'string') {
    const m = /^(\d{1,5}):(\d{1,5})$/.exec(v);
    if (!m) throw new CodedError('FORMAT_DECODE', 'object link is not oid:iid');
    return { objectId: Number(m[1]), instanceId: Number(m[2]) };
  }
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Uint8Array) return new Uint8Array(v);
  throw new CodedError('FORMAT_DECODE', 'LwM2M CBOR value of an unsupported type');
}
