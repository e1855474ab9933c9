// create-delete.ts: Create (a new instance, complete and validated before the create hook, then stored and applied) and
// Delete / Bootstrap-Delete.
import { isStatus, type ResourceValue } from '../object-api.js';
import type { LwValue } from '../types.js';
import { fail, type OpRequest, type OpResult } from './types.js';
import { commitAndApply, decodeFor, planWrite } from './write.js';
import type { ObjectModel } from './context.js';

/** Create on an object path: the instance id from the payload or the lowest free one. */
export async function create(m: ObjectModel, req: OpRequest): Promise<OpResult> {
  const oid = m.def.id;
  if (req.path.length !== 1) return fail('4.05', 'create is on an object path');
  const recs = decodeFor(m, req, req.path);
  if (!Array.isArray(recs)) return recs;
  const given = new Set(recs.map((r) => r.path[1]).filter((i) => i >= 0));
  if (given.size > 1) return fail('4.00', 'create of several instances');
  let iid = given.size === 1 ? [...given][0] : -1;
  const count = m.instanceCount();
  if (iid >= 0 && m.instance(iid) !== undefined) return fail('4.00', `instance /${oid}/${iid} exists`);
  if (!m.def.multiple && count > 0) return fail('4.00', 'single-instance object already has its instance');
  if (req.remote === true && count >= m.maxInstances)
    return fail('4.00', `object ${oid} already holds ${count} instances (client.maxInstances)`);
  if (iid < 0) {
    iid = 0;
    while (m.instance(iid) !== undefined) iid++;
  }
  if (iid > 65534) return fail('4.00', 'instance id out of range');
  const fixed = recs.map((r) => ({ ...r, path: [r.path[0], iid, ...r.path.slice(2)] }));
  // A new instance starts complete: every mandatory resource that holds a value must be in the payload.
  const present = new Set(fixed.map((r) => r.path[2]));
  const missing = m.def.resources
    .filter((d) => d.mandatory === true && d.operations !== 'E' && !present.has(d.id))
    .map((d) => d.id);
  if (missing.length > 0) return fail('4.00', `create of /${oid} misses mandatory resources ${missing.join(', ')}`);
  const serverId = req.serverId ?? 0;
  const planned = planWrite(m, [oid], fixed, {
    partial: true,
    bootstrap: req.bootstrap === true,
    serverId,
    remote: req.remote === true,
    op: 'create',
    create: true,
  });
  if (!('next' in planned)) return planned;
  const values = new Map<number, ResourceValue>();
  for (const r of fixed) {
    const d = m.resource(r.path[2])!;
    if (d.multiple) {
      const mv = (values.get(d.id) as Map<number, LwValue> | undefined) ?? new Map<number, LwValue>();
      mv.set(r.path[3] ?? 0, r.value);
      values.set(d.id, mv);
    } else values.set(d.id, r.value);
  }
  if (m.spec.create) {
    const answer = await m.spec.create(iid, values, m.runtime);
    if (isStatus(answer)) return fail(answer.code, answer.message);
  }
  const refused = await commitAndApply(
    m,
    new Map([[iid, values]]),
    [...values.keys()].map((rid) => [iid, rid]),
    { op: 'create', serverId, remote: req.remote === true },
  );
  if (refused) return refused;
  m.instancesChanged();
  return { code: '2.01', location: [String(oid), String(iid)] };
}

/** Delete of an instance; Bootstrap-Delete of an object (instances whose delete hook refuses stay). */
export async function del(m: ObjectModel, req: OpRequest): Promise<OpResult> {
  const p = req.path;
  if (req.bootstrap && p.length === 1) {
    // A single-instance object keeps its instance: the Device object's, as the spec asks, and the others alike (the
    // device fills them: Connectivity Monitoring, Firmware Update, Location …). Device-owned instances of
    // multiple-instance objects (the water meter's) refuse in their delete hook.
    if (!m.def.multiple) return { code: '2.02' };
    for (const iid of m.instanceIds()) {
      const a = m.spec.delete ? await m.spec.delete(iid, m.runtime) : undefined;
      if (!isStatus(a)) m.removeInstance(iid);
    }
    m.instancesChanged();
    return { code: '2.02' };
  }
  if (p.length !== 2) return fail('4.05', 'delete is on an instance path');
  if (m.instance(p[1]) === undefined) return fail('4.04', 'no such instance');
  if (!m.def.multiple) return fail('4.05', 'the instance of a single-instance object cannot be deleted');
  if (m.spec.delete) {
    const a = await m.spec.delete(p[1], m.runtime);
    if (isStatus(a)) return fail(a.code, a.message);
  }
  m.removeInstance(p[1]);
  m.attributes.dropInstance(p[1]);
  m.instancesChanged();
  return { code: '2.02' };
}
