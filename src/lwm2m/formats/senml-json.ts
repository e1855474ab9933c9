// senml-json.ts: SenML JSON content format (110): opaque values as base64url (RFC 8428 §5).
import { CodedError } from '../../errors.js';
import type { LwRecord } from '../types.js';
import type { CodecContext } from './context.js';
import { fromSenml, pathsFromSenml, toSenml, type SenmlEntry } from './senml.js';

export function encodeSenmlJson(records: readonly LwRecord[], ctx: CodecContext): Uint8Array {
  const pack = toSenml(records, ctx).map((e) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(e)) {
      o[k] = v instanceof Uint8Array ? Buffer.from(v).toString('base64url') : typeof v === 'bigint' ? Number(v) : v;
    }
    return o;
  });
  return new Uint8Array(Buffer.from(JSON.stringify(pack), 'utf8'));
}

function parse(payload: Uint8Array): SenmlEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch (err) {
    throw new CodedError('FORMAT_DECODE', 'SenML JSON is not valid JSON', undefined, { cause: err });
  }
  if (!Array.isArray(raw)) throw new CodedError('FORMAT_DECODE', 'SenML JSON must be an array');
  return raw.map((o) => {
    if (typeof o !== 'object' || o === null || Array.isArray(o))
      throw new CodedError('FORMAT_DECODE', 'SenML record is not an object');
    const e = { ...(o as Record<string, unknown>) };
    if (e.vd !== undefined) {
      if (typeof e.vd !== 'string' || !/^[A-Za-z0-9_\-+/]*=*$/.test(e.vd))
        throw new CodedError('FORMAT_DECODE', 'vd is not base64');
      e.vd = new Uint8Array(Buffer.from(e.vd, 'base64url'));
    }
    return e;
  });
}

export function decodeSenmlJson(payload: Uint8Array, ctx: CodecContext): LwRecord[] {
  return fromSenml(parse(payload), ctx);
}

export function decodeSenmlJsonPaths(payload: Uint8Array): number[][] {
  return pathsFromSenml(parse(payload));
}
