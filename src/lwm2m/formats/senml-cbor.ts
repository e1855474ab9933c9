// senml-cbor.ts: SenML CBOR content format (112): integer labels (RFC 8428 §6), shortest floats, cbor-x for decoding.
import { Decoder } from 'cbor-x';
import { CodedError } from '../../errors.js';
import type { LwRecord } from '../types.js';
import { encodeCbor, type CborValue } from './cbor-writer.js';
import type { CodecContext } from './context.js';
import { fromSenml, pathsFromSenml, toSenml, type SenmlEntry } from './senml.js';

const LABELS: Record<string, number | string> = { bn: -2, bt: -3, n: 0, v: 2, vs: 3, vb: 4, t: 6, vd: 8, vlo: 'vlo' };
const NAMES = new Map<number | string, keyof SenmlEntry>(
  Object.entries(LABELS).map(([k, v]) => [v, k as keyof SenmlEntry]),
);

const decoder = new Decoder({ useRecords: false, mapsAsObjects: false, int64AsType: 'bigint' } as ConstructorParameters<
  typeof Decoder
>[0]);

export function encodeSenmlCbor(records: readonly LwRecord[], ctx: CodecContext): Uint8Array {
  const pack: CborValue[] = toSenml(records, ctx).map((e) => {
    const m = new Map<number | string, CborValue>();
    for (const [k, v] of Object.entries(e)) m.set(LABELS[k], v as CborValue);
    return m;
  });
  return encodeCbor(pack);
}

/** Decodes a CBOR payload with cbor-x, mapping any decoder failure to FORMAT_DECODE. */
export function decodeCborSafe(payload: Uint8Array): unknown {
  try {
    return decoder.decode(Buffer.from(payload));
  } catch (err) {
    throw new CodedError('FORMAT_DECODE', `CBOR: ${(err as Error).message}`, undefined, { cause: err });
  }
}

function parse(payload: Uint8Array): SenmlEntry[] {
  const raw = decodeCborSafe(payload);
  if (!Array.isArray(raw)) throw new CodedError('FORMAT_DECODE', 'SenML CBOR must be an array');
  return raw.map((m) => {
    if (!(m instanceof Map)) throw new CodedError('FORMAT_DECODE', 'SenML CBOR record is not a map');
    const e: Record<string, unknown> = {};
    for (const [k, v] of m as Map<unknown, unknown>) {
      const name = NAMES.get(k as number | string);
      if (name === undefined) continue; // unknown labels are ignored (RFC 8428 §12)
      e[name] =
        v instanceof Uint8Array
          ? new Uint8Array(v)
          : typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
            ? Number(v)
            : v;
    }
    return e;
  });
}

export function decodeSenmlCbor(payload: Uint8Array, ctx: CodecContext): LwRecord[] {
  return fromSenml(parse(payload), ctx);
}

export function decodeSenmlCborPaths(payload: Uint8Array): number[][] {
  return pathsFromSenml(parse(payload));
}
