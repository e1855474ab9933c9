// lwm2m-json.ts: the LwM2M JSON content format (11543, LwM2M 1.1 Core §7.4.5): {"bn", "bt", "e": [{"n",
// "v"|"sv"|"bv"|"ov", "t"}]}; opaque values as base64 in "sv".
import { CodedError } from '../../errors.js';
import type { LwRecord } from '../types.js';
import type { CodecContext } from './context.js';
import { fromSenml, toSenml, type SenmlEntry } from './senml.js';

export function encodeLwm2mJson(records: readonly LwRecord[], ctx: CodecContext): Uint8Array {
  const entries = toSenml(records, ctx);
  const doc: Record<string, unknown> = { bn: entries[0]?.bn ?? '/' };
  if (entries[0]?.bt !== undefined) doc.bt = entries[0].bt;
  doc.e = entries.map((s) => {
    const e: Record<string, unknown> = {};
    if (s.n !== undefined) e.n = s.n;
    if (s.v !== undefined) e.v = typeof s.v === 'bigint' ? Number(s.v) : s.v;
    if (s.vs !== undefined) e.sv = s.vs;
    if (s.vd !== undefined) e.sv = Buffer.from(s.vd).toString('base64');
    if (s.vb !== undefined) e.bv = s.vb;
    if (s.vlo !== undefined) e.ov = s.vlo;
    if (s.t !== undefined) e.t = s.t;
    return e;
  });
  return new Uint8Array(Buffer.from(JSON.stringify(doc), 'utf8'));
}

export function decodeLwm2mJson(payload: Uint8Array, ctx: CodecContext): LwRecord[] {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch (err) {
    throw new CodedError('FORMAT_DECODE', 'LwM2M JSON is not valid JSON', undefined, { cause: err });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new CodedError('FORMAT_DECODE', 'LwM2M JSON must be an object');
  const { bn, bt, e } = doc as { bn?: unknown; bt?: unknown; e?: unknown };
  if (!Array.isArray(e)) throw new CodedError('FORMAT_DECODE', 'LwM2M JSON needs an "e" array');
  const entries = e.map((x: unknown, i): SenmlEntry => {
    if (typeof x !== 'object' || x === null || Array.isArray(x))
      throw new CodedError('FORMAT_DECODE', 'LwM2M JSON entry is not an object');
    const o = x as Record<string, unknown>;
    const s: Record<string, unknown> = { n: o.n, t: o.t, v: o.v, vs: o.sv, vb: o.bv, vlo: o.ov };
    if (i === 0) {
      s.bn = bn ?? '';
      s.bt = bt;
    }
    for (const k of Object.keys(s)) if (s[k] === undefined) delete s[k];
    return s;
  });
  // opaque resources travel as base64 text
  return fromSenml(entries, ctx).map((r) => {
    if (typeof r.value !== 'string' || r.path.length < 3 || ctx.typeOf(r.path[0], r.path[2]) !== 'opaque') return r;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(r.value)) throw new CodedError('FORMAT_DECODE', 'opaque value is not base64');
    return { ...r, value: new Uint8Array(Buffer.from(r.value, 'base64')) };
  });
}
