// read.ts: the Read operation (and read-records for composites and observations): values from the read hook or the
// store, encoded per Accept.
import { isStatus, status, type ResourceDef, type ResourceValue, type Status } from '../object-api.js';
import { ContentFormat, type LwRecord, type LwValue, type Path } from '../types.js';
import { encode, SINGLE_VALUE_FORMATS, SUPPORTED_FORMATS } from '../formats/index.js';
import { fail, type OpRequest, type OpResult } from './types.js';
import { hookTarget, READABLE, type ObjectModel } from './context.js';

/** Current value of one resource: the read hook first, then the stored value. */
export async function valueOf(
  m: ObjectModel,
  iid: number,
  d: ResourceDef,
  serverId: number,
  remote = false,
): Promise<ResourceValue | Status | undefined> {
  if (m.spec.read) {
    const v = await m.spec.read(hookTarget(m, iid, d.id, serverId, undefined, remote), m.runtime);
    if (v !== undefined) return v;
  }
  return m.instance(iid)?.get(d.id);
}

function pushRecords(out: LwRecord[], path: readonly number[], d: ResourceDef, v: ResourceValue, riid?: number): void {
  if (v instanceof Map) {
    if (riid !== undefined) {
      const one = v.get(riid);
      if (one !== undefined) out.push({ path: [...path.slice(0, 3), riid], value: one });
      return;
    }
    for (const [ri, rv] of [...v.entries()].sort((a, b) => a[0] - b[0]))
      out.push({ path: [path[0], path[1], d.id, ri], value: rv });
  } else {
    out.push({ path: [path[0], path[1], d.id], value: v as LwValue });
  }
}

/** Records at a path (object, instance, resource, resource instance), or a Status. */
export async function readRecords(
  m: ObjectModel,
  path: Path,
  serverId = 0,
  bootstrap = false,
  remote = false,
  hide?: readonly number[],
): Promise<LwRecord[] | Status> {
  const oid = m.def.id;
  const out: LwRecord[] = [];
  let denied: Status | undefined;
  const iids =
    path.length >= 2 ? [path[1]] : hide?.length ? m.instanceIds().filter((i) => !hide.includes(i)) : m.instanceIds();
  if (path.length >= 2 && m.instance(path[1]) === undefined) return status('4.04', 'no such instance');
  for (const iid of iids) {
    if (path.length >= 3) {
      const d = m.resource(path[2]);
      if (!d) return status('4.04', 'no such resource');
      if (path.length === 4 && !d.multiple)
        return status('4.04', 'a single-instance resource has no resource instances');
      if (!READABLE(d) && !bootstrap) return status('4.05', 'resource is not readable');
      const v = await valueOf(m, iid, d, serverId, remote);
      if (isStatus(v)) return v;
      if (v === undefined) return status('4.04', 'resource has no value');
      const before = out.length;
      pushRecords(out, [oid, iid, d.id], d, v, path[3]);
      if (path.length === 4 && out.length === before) return status('4.04', 'no such resource instance');
      continue;
    }
    for (const d of m.def.resources) {
      if (!READABLE(d)) continue;
      const v = await valueOf(m, iid, d, serverId, remote);
      if (v === undefined) continue;
      if (isStatus(v)) {
        if (v.code === '4.01') denied = v;
        if (v.code === '4.01' || v.code === '4.04' || v.code === '4.05') continue; // hidden from multi-resource reads
        return v;
      }
      pushRecords(out, [oid, iid], d, v);
    }
  }
  if (denied && out.length === 0) return denied;
  return out;
}

/**
 * The format for a read answer: Accept if given (4.06 when unusable), else text/opaque for one value, else preferred.
 */
function chooseFormat(
  m: ObjectModel,
  accept: number | undefined,
  path: Path,
  records: readonly LwRecord[],
): number | Status {
  const single = path.length >= 3 && records.length === 1 && (path.length === 4 || !m.resource(path[2])?.multiple);
  if (accept === undefined) {
    if (!single) return m.preferredFormat;
    return records[0].value instanceof Uint8Array ? ContentFormat.OPAQUE : ContentFormat.TEXT;
  }
  if (!SUPPORTED_FORMATS.includes(accept)) return status('4.06', `accept ${accept} not supported`);
  if (SINGLE_VALUE_FORMATS.includes(accept) && !single)
    return status('4.06', 'plain text / opaque / CBOR carry one value');
  if (accept === ContentFormat.OPAQUE && !(records[0].value instanceof Uint8Array))
    return status('4.06', 'not an opaque resource');
  return accept;
}

/** Encodes records for a path; used by Read and by notifications. */
export function encodeRead(
  m: ObjectModel,
  path: Path,
  records: readonly LwRecord[],
  accept: number | undefined,
): OpResult {
  const fmt = chooseFormat(m, accept, path, records);
  if (isStatus(fmt)) return fail(fmt.code, fmt.message);
  try {
    const payload = encode(fmt, records, { ...m.codec, basePath: path });
    return { code: '2.05', contentFormat: fmt, payload };
  } catch (err) {
    return fail('4.06', (err as Error).message);
  }
}

/** Read: one path, encoded. */
export async function read(m: ObjectModel, req: OpRequest): Promise<OpResult> {
  if (req.path.length === 0) return fail('4.05', 'read of root');
  if (req.accept !== undefined && !SUPPORTED_FORMATS.includes(req.accept))
    return fail('4.06', `accept ${req.accept} not supported`);
  const recs = await readRecords(
    m,
    req.path,
    req.serverId ?? 0,
    req.bootstrap === true,
    req.remote === true,
    req.hideInstances,
  );
  if (isStatus(recs)) return fail(recs.code, recs.message);
  return encodeRead(m, req.path, recs, req.accept);
}

/** read-records: this object's part of a Read-Composite (missing paths are skipped), as records. */
export async function readRecordsOp(m: ObjectModel, req: OpRequest): Promise<OpResult> {
  const out: LwRecord[] = [];
  for (const p of req.paths ?? [req.path]) {
    const r = await readRecords(
      m,
      p,
      req.serverId ?? 0,
      req.bootstrap === true,
      req.remote === true,
      req.hideInstances,
    );
    if (isStatus(r)) {
      if (r.code === '4.04') continue; // Read-Composite skips missing paths
      return fail(r.code, r.message);
    }
    out.push(...r);
  }
  return { code: '2.05', records: out };
}
