// write.ts: Write, Write-Update, Write-Composite part and Bootstrap-Write as one transaction: validate every resource,
// store all values, then one apply hook.
import {
  isStatus,
  type AppliedWrite,
  type ResourceChange,
  type ResourceDef,
  type ResourceValue,
} from '../object-api.js';
import type { LwRecord, LwValue, Path } from '../types.js';
import { decode, SUPPORTED_FORMATS } from '../formats/index.js';
import { formatPath } from '../path.js';
import { CodedError } from '../../errors.js';
import { fail, type OpRequest, type OpResult } from './types.js';
import { checkSize, checkValue } from './validate.js';
import { hookTarget, WRITABLE, type InstanceValues, type ObjectModel } from './context.js';

export interface WriteOptions {
  partial: boolean;
  bootstrap: boolean;
  serverId: number;
  remote: boolean;
  op: AppliedWrite['op'];
  create?: boolean;
}

type PlanEntry = { def: ResourceDef; value?: LwValue; insts?: Map<number, LwValue> };
/** Instance id → resource id → what the records bring. */
type Plan = Map<number, Map<number, PlanEntry>>;

/** A validated write: the new value maps of the instances it touches, and the resources it writes. */
export interface PlannedWrite {
  plan: Plan;
  next: Map<number, InstanceValues>;
}

/** Decodes a request's payload under `base` (4.00 when missing or malformed, 4.15 when the format is not taken). */
export function decodeFor(m: ObjectModel, req: OpRequest, base: Path): LwRecord[] | OpResult {
  if (req.format === undefined) return fail('4.00', 'Content-Format missing');
  if (!SUPPORTED_FORMATS.includes(req.format)) return fail('4.15', `content format ${req.format} not supported`);
  try {
    return decode(req.format, req.payload ?? new Uint8Array(0), { ...m.codec, basePath: base });
  } catch (err) {
    if (err instanceof CodedError && err.code === 'FORMAT_UNSUPPORTED') return fail('4.15', err.message);
    return fail('4.00', (err as Error).message);
  }
}

/**
 * Write (PUT, replace) or Write-Update (POST, partial) of an instance or resource path; Bootstrap-Write of an object
 * path too.
 */
export async function write(m: ObjectModel, req: OpRequest, partial: boolean): Promise<OpResult> {
  const path = req.path;
  const bootstrap = req.bootstrap === true;
  if (path.length < 2 && !(bootstrap && path.length === 1))
    return fail('4.05', 'write needs an instance or resource path');
  if (path.length === 2 && !bootstrap && m.instance(path[1]) === undefined) return fail('4.04', 'no such instance');
  const recs = decodeFor(m, req, path);
  if (!Array.isArray(recs)) return recs;
  const op = bootstrap ? 'bootstrap-write' : partial ? 'write-update' : 'write';
  return writeTransaction(m, path, recs, {
    partial,
    bootstrap,
    serverId: req.serverId ?? 0,
    remote: req.remote === true,
    op,
  });
}

/** write-records: this object's part of a Write-Composite. */
export async function writeRecordsOp(m: ObjectModel, req: OpRequest): Promise<OpResult> {
  const recs = req.records ?? [];
  for (const r of recs)
    if (m.instance(r.path[1]) === undefined) return fail('4.04', `no instance ${formatPath(r.path.slice(0, 2))}`);
  return writeTransaction(m, [m.def.id], recs, {
    partial: true,
    bootstrap: false,
    serverId: req.serverId ?? 0,
    remote: req.remote === true,
    op: 'write-composite',
  });
}

/**
 * Checks every record against the definition (path, operations, type, range, size) and computes the new value maps.
 * Nothing is stored and no hook is called.
 */
export function planWrite(
  m: ObjectModel,
  path: Path,
  recs: readonly LwRecord[],
  o: WriteOptions,
): PlannedWrite | OpResult {
  const oid = m.def.id;
  const plan: Plan = new Map();
  for (const r of recs) {
    if (r.path.length < 3 || r.path[0] !== oid)
      return fail('4.00', `record ${formatPath(r.path)} is not a resource under ${formatPath(path)}`);
    for (let i = 0; i < path.length; i++)
      if (r.path[i] !== path[i] && !(i === 1 && o.create))
        return fail('4.00', `record ${formatPath(r.path)} is outside ${formatPath(path)}`);
    const d = m.resource(r.path[2]);
    if (!d) return fail(o.bootstrap ? '4.00' : '4.04', `no resource ${formatPath(r.path)}`);
    if (!o.bootstrap && !o.create && !WRITABLE(d)) return fail('4.05', `${formatPath(r.path)} is not writable`);
    if (o.create && d.operations === 'E') return fail('4.00', `${formatPath(r.path)} is executable`);
    const why = checkValue(d, r.value);
    if (why) return fail('4.00', why);
    const big = checkSize(d, r.value, m.maxValueBytes);
    if (big) return fail('4.13', big);
    let inst = plan.get(r.path[1]);
    if (!inst) plan.set(r.path[1], (inst = new Map()));
    let entry = inst.get(d.id);
    if (!entry) inst.set(d.id, (entry = { def: d }));
    if (r.path.length === 4) {
      if (!d.multiple) return fail('4.00', `${formatPath(r.path)}: not a multiple resource`);
      (entry.insts ??= new Map()).set(r.path[3], r.value);
    } else {
      if (d.multiple) return fail('4.00', `${formatPath(r.path)}: multiple resource needs instances`);
      entry.value = r.value;
    }
  }
  if (path.length >= 3 && recs.length === 0 && !m.resource(path[2])?.multiple) return fail('4.00', 'no value');
  if (path.length >= 3 && !m.resource(path[2])) return fail('4.04', 'no such resource');
  const next = new Map<number, InstanceValues>();
  for (const [iid, res] of plan) {
    const cur = m.instance(iid);
    if (!cur && !o.bootstrap && !o.create) return fail('4.04', `no instance /${oid}/${iid}`);
    const replaceInstance = !o.partial && path.length <= 2 && !o.create;
    const vals: InstanceValues = new Map(cur ?? []);
    if (replaceInstance && !o.bootstrap) for (const d of m.def.resources) if (WRITABLE(d)) vals.delete(d.id);
    for (const [rid, e] of res) {
      if (e.insts) {
        const prev = vals.get(rid);
        const replaceRes = !o.partial && path.length <= 3;
        const base = !replaceRes && prev instanceof Map ? new Map(prev) : new Map<number, LwValue>();
        for (const [ri, v] of e.insts) base.set(ri, v);
        vals.set(rid, base);
      } else if (e.value !== undefined) vals.set(rid, e.value);
    }
    next.set(iid, vals);
  }
  // empty replace of a multiple resource (PUT /o/i/r with no instances) clears it
  if (path.length === 3 && recs.length === 0 && !o.partial) {
    const cur = m.instance(path[1]);
    if (!cur) return fail('4.04', 'no such instance');
    next.set(path[1], new Map(cur).set(path[2], new Map()));
  }
  return { plan, next };
}

/** Stores `next` and calls the apply hook; undoes the store when apply refuses. Returns the refusal, if any. */
export async function commitAndApply(
  m: ObjectModel,
  next: ReadonlyMap<number, InstanceValues>,
  touched: readonly [number, number][],
  o: Pick<WriteOptions, 'op' | 'serverId' | 'remote'>,
): Promise<OpResult | undefined> {
  const before = new Map<number, ReadonlyMap<number, ResourceValue> | undefined>();
  for (const iid of next.keys()) before.set(iid, m.instance(iid));
  for (const [iid, vals] of next) m.putInstance(iid, vals);
  if (!m.spec.apply) return undefined;
  const changes: ResourceChange[] = [];
  for (const [iid, rid] of touched) {
    const value = next.get(iid)?.get(rid);
    if (value !== undefined)
      changes.push({ instanceId: iid, resourceId: rid, value, previous: before.get(iid)?.get(rid) });
  }
  let answer;
  try {
    answer = await m.spec.apply({ op: o.op, serverId: o.serverId, remote: o.remote, changes }, m.runtime);
  } catch (err) {
    answer = err;
  }
  if (answer === undefined || (isStatus(answer) && answer.code.startsWith('2.'))) return undefined;
  for (const [iid, prev] of before) {
    if (prev === undefined) m.removeInstance(iid);
    else m.putInstance(iid, new Map(prev));
  }
  if (isStatus(answer)) return fail(answer.code, answer.message);
  throw answer;
}

/**
 * Validates every record (definition, then the write hook per resource), then stores all values and calls apply once.
 */
async function writeTransaction(
  m: ObjectModel,
  path: Path,
  recs: readonly LwRecord[],
  o: WriteOptions,
): Promise<OpResult> {
  const oid = m.def.id;
  const planned = planWrite(m, path, recs, o);
  if (!('next' in planned)) return planned;
  const { plan, next } = planned;
  // Validation hooks: any refusal cancels the whole write. A 2.xx Status means "accepted, do not keep the value".
  const notKept: [number, number][] = [];
  if (m.spec.write) {
    for (const [iid, res] of plan) {
      for (const rid of res.keys()) {
        const answer = await m.spec.write(hookTarget(m, iid, rid, o.serverId), next.get(iid)!.get(rid)!, m.runtime);
        if (isStatus(answer)) {
          if (!answer.code.startsWith('2.')) return fail(answer.code, answer.message);
          notKept.push([iid, rid]);
        }
      }
    }
  }
  for (const [iid, rid] of notKept) {
    const prev = m.instance(iid)?.get(rid);
    if (prev === undefined) next.get(iid)!.delete(rid);
    else next.get(iid)!.set(rid, prev);
  }
  const newInstance = [...next.keys()].some((iid) => m.instance(iid) === undefined);
  const kept = new Set(notKept.map(([i, r]) => `${i}/${r}`));
  const touched: [number, number][] = [];
  for (const [iid, res] of plan) for (const rid of res.keys()) if (!kept.has(`${iid}/${rid}`)) touched.push([iid, rid]);
  if (path.length === 3 && recs.length === 0) touched.push([path[1], path[2]]);
  const refused = await commitAndApply(m, next, touched, o);
  if (refused) return refused;
  const changed: Path[] = [];
  for (const [iid] of next) for (const rid of plan.get(iid)?.keys() ?? []) changed.push([oid, iid, rid]);
  if (path.length === 3 && recs.length === 0) changed.push(path);
  if (newInstance) m.instancesChanged();
  if (changed.length) m.changed(changed);
  return { code: '2.04' };
}
