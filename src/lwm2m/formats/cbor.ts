// cbor.ts: the CBOR content format (60, LwM2M 1.1 Core §7.4.5): one resource or resource instance value as a single
// CBOR data item.
import { CodedError } from '../../errors.js';
import { isObjLnk, type LwRecord } from '../types.js';
import { encodeCbor } from './cbor-writer.js';
import type { CodecContext } from './context.js';
import { cborLeafValue } from './lwm2m-cbor.js';
import { decodeCborSafe } from './senml-cbor.js';

export function encodeCborSingle(records: readonly LwRecord[]): Uint8Array {
  if (records.length !== 1)
    throw new CodedError('FORMAT_ENCODE', `CBOR carries exactly one value (got ${records.length})`);
  const v = records[0].value;
  return encodeCbor(isObjLnk(v) ? `${v.objectId}:${v.instanceId}` : v);
}

export function decodeCborSingle(payload: Uint8Array, ctx: CodecContext): LwRecord[] {
  const p = ctx.basePath;
  if (p.length < 3) throw new CodedError('FORMAT_DECODE', 'CBOR needs a resource path');
  const raw = decodeCborSafe(payload);
  const value =
    typeof raw === 'bigint' && raw >= BigInt(Number.MIN_SAFE_INTEGER) && raw <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(raw)
      : raw;
  return [{ path: p, value: cborLeafValue(value, p, ctx) }];
}
