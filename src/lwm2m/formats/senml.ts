// senml.ts: SenML records (RFC 8428) as LwM2M uses them: building a pack from records with base name/time, and
// resolving one back.
import { CodedError } from '../../errors.js';
import { formatPath, parsePath } from '../path.js';
import { isObjLnk, type LwRecord, type LwValue } from '../types.js';
import type { CodecContext } from './context.js';

/** One SenML record before serialisation (JSON labels; CBOR maps them to integers). */
export interface SenmlEntry {
  bn?: string;
  bt?: number;
  n?: string;
  t?: number;
  v?: number | bigint;
  vs?: string;
  vb?: boolean;
  vd?: Uint8Array;
  vlo?: string;
}

/** Builds a pack: the longest common path prefix of the records becomes the base name, the first time the base time. */
export function toSenml(records: readonly LwRecord[], ctx: CodecContext): SenmlEntry[] {
  if (records.length === 0) return [];
  const prefix = commonPrefix(
    records.map((r) => r.path),
    ctx.basePath,
  );
  const bnStr =
    prefix.length === 0 ? '/' : formatPath(prefix) + (records.every((r) => r.path.length === prefix.length) ? '' : '/');
  const out: SenmlEntry[] = [];
  let baseTime: number | undefined;
  records.forEach((r, i) => {
    const e: SenmlEntry = {};
    if (i === 0) e.bn = bnStr;
    const full = formatPath(r.path);
    const rest = full.slice(bnStr.length);
    if (rest !== '') e.n = rest;
    if (r.time !== undefined) {
      if (baseTime === undefined) {
        baseTime = r.time;
        e.bt = r.time;
      } else if (r.time !== baseTime) e.t = r.time - baseTime;
    }
    setValue(e, r.value, ctx.typeOf(r.path[0], r.path[2]));
    out.push(e);
  });
  return out;
}

function commonPrefix(paths: readonly (readonly number[])[], base: readonly number[]): number[] {
  let p = [...paths[0]];
  for (const q of paths) {
    let i = 0;
    while (i < p.length && i < q.length && p[i] === q[i]) i++;
    p = p.slice(0, i);
  }
  // Never name beyond the resource level in the base when several resources share it.
  return p.length >= base.length ? p : [...base];
}

function setValue(e: SenmlEntry, v: LwValue, type: string | undefined): void {
  if (typeof v === 'boolean') e.vb = v;
  else if (typeof v === 'string') e.vs = v;
  else if (typeof v === 'number' || typeof v === 'bigint') e.v = v;
  else if (v instanceof Uint8Array) e.vd = v;
  else if (isObjLnk(v)) e.vlo = `${v.objectId}:${v.instanceId}`;
  else throw new CodedError('FORMAT_ENCODE', `no SenML value for type ${type ?? 'unknown'}`);
}

/** Resolves a pack (base names, base times, relative times) into records typed by the context. */
export function fromSenml(
  entries: readonly SenmlEntry[],
  ctx: CodecContext,
  now: () => number = () => Date.now() / 1000,
): LwRecord[] {
  let bn = '';
  let bt = 0;
  const out: LwRecord[] = [];
  for (const e of entries) {
    if (typeof e !== 'object' || e === null) throw new CodedError('FORMAT_DECODE', 'SenML record is not a map');
    if (e.bn !== undefined) {
      if (typeof e.bn !== 'string') throw new CodedError('FORMAT_DECODE', 'bn is not a string');
      bn = e.bn;
    }
    if (e.bt !== undefined) {
      if (typeof e.bt !== 'number') throw new CodedError('FORMAT_DECODE', 'bt is not a number');
      bt = e.bt;
    }
    if (e.n !== undefined && typeof e.n !== 'string') throw new CodedError('FORMAT_DECODE', 'n is not a string');
    const name = bn + (e.n ?? '');
    const path = parsePathOrThrow(name);
    const rec: LwRecord = { path, value: decodeValue(e, path, ctx) };
    if (e.t !== undefined || e.bt !== undefined || bt !== 0) {
      if (e.t !== undefined && typeof e.t !== 'number') throw new CodedError('FORMAT_DECODE', 't is not a number');
      let t = bt + (e.t ?? 0);
      if (t < 2 ** 28) t = now() + t; // RFC 8428 §4.5.3: small values are relative to now
      if (e.t !== undefined || bt !== 0) rec.time = t;
    }
    out.push(rec);
  }
  return out;
}

/** Names only (Read-Composite / Observe-Composite request bodies). */
export function pathsFromSenml(entries: readonly SenmlEntry[]): number[][] {
  let bn = '';
  return entries.map((e) => {
    if (typeof e !== 'object' || e === null) throw new CodedError('FORMAT_DECODE', 'SenML record is not a map');
    if (typeof e.bn === 'string') bn = e.bn;
    return [...parsePathOrThrow(bn + (typeof e.n === 'string' ? e.n : ''))];
  });
}

function parsePathOrThrow(name: string): number[] {
  try {
    return [...parsePath(name)];
  } catch (err) {
    throw new CodedError('FORMAT_DECODE', `SenML name '${name}' is not an LwM2M path`, undefined, { cause: err });
  }
}

function decodeValue(e: SenmlEntry, path: readonly number[], ctx: CodecContext): LwValue {
  const type = path.length >= 3 ? ctx.typeOf(path[0], path[2]) : undefined;
  if (e.vb !== undefined) {
    if (typeof e.vb !== 'boolean') throw new CodedError('FORMAT_DECODE', 'vb is not a boolean');
    return e.vb;
  }
  if (e.vs !== undefined) {
    if (typeof e.vs !== 'string') throw new CodedError('FORMAT_DECODE', 'vs is not a string');
    return e.vs;
  }
  if (e.vd !== undefined) {
    if (!(e.vd instanceof Uint8Array)) throw new CodedError('FORMAT_DECODE', 'vd is not bytes');
    return e.vd;
  }
  if (e.vlo !== undefined) {
    const m = typeof e.vlo === 'string' ? /^(\d{1,5}):(\d{1,5})$/.exec(e.vlo) : null;
    if (!m) throw new CodedError('FORMAT_DECODE', 'vlo is not an object link');
    return { objectId: Number(m[1]), instanceId: Number(m[2]) };
  }
  if (e.v !== undefined) {
    if (typeof e.v !== 'number' && typeof e.v !== 'bigint') throw new CodedError('FORMAT_DECODE', 'v is not a number');
    if (
      (type === 'integer' || type === 'unsigned' || type === 'time') &&
      typeof e.v === 'number' &&
      !Number.isInteger(e.v)
    ) {
      throw new CodedError('FORMAT_DECODE', `${formatPath(path)}: ${e.v} is not an integer`);
    }
    return e.v;
  }
  throw new CodedError('FORMAT_DECODE', `${formatPath(path)}: record without a value`);
}
