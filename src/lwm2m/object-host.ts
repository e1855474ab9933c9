// object-host.ts: one object's instances and values for an ObjectSpec: calls its hooks and answers LwM2M operations on its paths.
import { isStatus, status, type HookTarget, type ObjectDef, type ObjectRuntime, type ObjectSpec, type ResourceDef, type ResourceValue, type Status } from './object-api.js';
import { ContentFormat, type LwRecord, type LwValue, type Path } from './types.js';
import { decode, encode, SINGLE_VALUE_FORMATS, SUPPORTED_FORMATS, type CodecContext } from './formats/index.js';
import { formatLinks, type Link } from './formats/link.js';
import { formatPath } from './path.js';
import { applyChange, attributeParams, mergeAttributes, parseAttributeQuery, validateAttributes, type AttributeSnapshot, type Attributes } from './attributes.js';
import { fail, type OpRequest, type OpResult } from './operations/types.js';
import { parseExecArgs } from './operations/exec-args.js';
import { checkSize, checkValue, DEFAULT_MAX_INSTANCES, DEFAULT_MAX_VALUE_BYTES } from './operations/validate.js';
import { CodedError } from '../errors.js';

export type { OpRequest, OpResult } from './operations/types.js';

/** What the host environment (the object actor, or a test) gives the host. */
export interface ObjectHostEnv {
  emit?: ObjectRuntime['emit'];
  publish?: ObjectRuntime['publish'];
  send?: ObjectRuntime['send'];
  request?: ObjectRuntime['request'];
  log?: ObjectRuntime['log'];
  config?: Readonly<Record<string, unknown>>;
  /** Format used for multi-value reads without Accept (default SenML CBOR). */
  preferredFormat?: number;
  /** Largest string (UTF-8 bytes) / opaque value a write may carry where the definition gives no range.max (default DEFAULT_MAX_VALUE_BYTES). */
  maxValueBytes?: number;
  /** Most instances a server's Create may bring an object to (default DEFAULT_MAX_INSTANCES). */
  maxInstances?: number;
}

/** Listener for value changes (observe) and for instance set changes (registration update). */
export type ChangeListener = (paths: readonly Path[]) => void;

const quietLog: ObjectRuntime['log'] = { info() {}, warn() {}, error() {}, debug() {} };
const READABLE = (d: ResourceDef): boolean => d.operations === 'R' || d.operations === 'RW';
const WRITABLE = (d: ResourceDef): boolean => d.operations === 'W' || d.operations === 'RW';

type Store = Map<number, Map<number, ResourceValue>>;

export class ObjectHost {
  readonly def: ObjectDef;
  readonly spec: ObjectSpec;
  readonly runtime: ObjectRuntime;
  private readonly resources = new Map<number, ResourceDef>();
  private store: Store = new Map();
  /** Attributes per server id, keyed by path string ('/3/0/1'). */
  private readonly attrs = new Map<number, Map<string, Attributes>>();
  private readonly changeListeners: ChangeListener[] = [];
  private readonly instanceListeners: (() => void)[] = [];
  private readonly preferredFormat: number;
  private readonly maxValueBytes: number;
  private readonly maxInstances: number;
  readonly codec: CodecContext;

  constructor(spec: ObjectSpec, env: ObjectHostEnv = {}) {
    this.spec = spec;
    this.def = spec.definition;
    for (const r of this.def.resources) this.resources.set(r.id, r);
    this.preferredFormat = env.preferredFormat ?? ContentFormat.SENML_CBOR;
    this.maxValueBytes = env.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
    this.maxInstances = env.maxInstances ?? DEFAULT_MAX_INSTANCES;
    const oid = this.def.id;
    this.codec = {
      basePath: [oid],
      typeOf: (o, r) => (o === oid ? this.resources.get(r)?.type : undefined),
      isMultiple: (o, r) => o === oid && this.resources.get(r)?.multiple === true,
    };
    for (const [iid, values] of Object.entries(spec.instances ?? {})) {
      const m = new Map<number, ResourceValue>();
      for (const [rid, v] of Object.entries(values)) m.set(Number(rid), v);
      this.store.set(Number(iid), m);
    }
    const noRequest = (): Promise<never> => Promise.reject(new CodedError('ACTOR_UNAVAILABLE', 'no actor routing in this host'));
    this.runtime = {
      set: (iid, rid, value) => this.setLocal(iid, rid, value),
      get: (iid, rid) => this.store.get(iid)?.get(rid),
      createInstance: (iid, values) => {
        this.store.set(iid, new Map(values));
        this.instancesChanged();
      },
      deleteInstance: (iid) => {
        if (this.store.delete(iid)) this.instancesChanged();
      },
      instances: () => this.instanceIds(),
      emit: env.emit ?? (() => undefined),
      publish: env.publish ?? (() => undefined),
      send: env.send ?? (() => undefined),
      request: env.request ?? noRequest,
      log: env.log ?? quietLog,
      config: env.config ?? {},
    };
  }

  // ---- model access ----
  /** All instances and values (for the durable store snapshot). */
  allInstances(): ReadonlyMap<number, ReadonlyMap<number, ResourceValue>> {
    return this.store;
  }
  /** Replaces all instances (restoring a snapshot before start; no listeners are told). */
  restore(instances: Map<number, Map<number, ResourceValue>>): void {
    this.store = instances;
  }
  instanceIds(): number[] {
    return [...this.store.keys()].sort((a, b) => a - b);
  }
  resource(rid: number): ResourceDef | undefined {
    return this.resources.get(rid);
  }
  onChange(l: ChangeListener): void {
    this.changeListeners.push(l);
  }
  onInstancesChanged(l: () => void): void {
    this.instanceListeners.push(l);
  }

  private setLocal(iid: number, rid: number, value: ResourceValue): void {
    let inst = this.store.get(iid);
    if (!inst) {
      inst = new Map();
      this.store.set(iid, inst);
      this.instancesChanged();
    }
    inst.set(rid, value);
    this.changed([[this.def.id, iid, rid]]);
  }
  private changed(paths: Path[]): void {
    for (const l of this.changeListeners) l(paths);
  }
  private instancesChanged(): void {
    for (const l of this.instanceListeners) l();
  }

  // ---- operations ----
  /** Runs one operation; never throws for bad input (errors are 4.xx / 5.00 results). */
  async handle(req: OpRequest): Promise<OpResult> {
    try {
      if (req.path.length > 0 && req.path[0] !== this.def.id) return fail('4.04', 'not this object');
      switch (req.op) {
        case 'read': return await this.read(req);
        case 'discover': return this.discover(req);
        case 'write': return await this.write(req, false);
        case 'write-update': return await this.write(req, true);
        case 'write-attributes': return this.writeAttributes(req);
        case 'execute': return await this.execute(req);
        case 'create': return await this.create(req);
        case 'delete': return await this.delete(req);
        case 'read-records': return await this.readRecordsOp(req);
        case 'write-records': return await this.writeRecordsOp(req);
        default: return fail('4.05', `unknown operation ${String((req as { op: unknown }).op)}`);
      }
    } catch (err) {
      if (err instanceof CodedError && err.code === 'FORMAT_DECODE') return fail('4.00', err.message);
      if (err instanceof CodedError && err.code === 'FORMAT_UNSUPPORTED') return fail('4.15', err.message);
      this.runtime.log.error({ err: (err as Error).message, op: req.op, path: formatPath(req.path) }, 'object operation failed');
      return fail('5.00', (err as Error).message);
    }
  }

  private target(iid: number, rid: number, serverId: number, riid?: number, remote?: boolean): HookTarget {
    const t: HookTarget = { objectId: this.def.id, instanceId: iid, resourceId: rid, serverId };
    if (riid !== undefined) t.resourceInstanceId = riid;
    if (remote) t.remote = true;
    return t;
  }

  /** Current value of one resource: the read hook first, then the stored value. */
  private async valueOf(iid: number, d: ResourceDef, serverId: number, remote = false): Promise<ResourceValue | Status | undefined> {
    if (this.spec.read) {
      const v = await this.spec.read(this.target(iid, d.id, serverId, undefined, remote), this.runtime);
      if (v !== undefined) return v;
    }
    return this.store.get(iid)?.get(d.id);
  }

  private pushRecords(out: LwRecord[], path: readonly number[], d: ResourceDef, v: ResourceValue, riid?: number): void {
    if (v instanceof Map) {
      if (riid !== undefined) {
        const one = v.get(riid);
        if (one !== undefined) out.push({ path: [...path.slice(0, 3), riid], value: one });
        return;
      }
      for (const [ri, rv] of [...v.entries()].sort((a, b) => a[0] - b[0])) out.push({ path: [path[0], path[1], d.id, ri], value: rv });
    } else {
      out.push({ path: [path[0], path[1], d.id], value: v as LwValue });
    }
  }

  /** Records at a path (object, instance, resource, resource instance), or a Status. */
  async readRecords(path: Path, serverId = 0, bootstrap = false, remote = false, hide?: readonly number[]): Promise<LwRecord[] | Status> {
    const oid = this.def.id;
    const out: LwRecord[] = [];
    let denied: Status | undefined;
    const iids = path.length >= 2 ? [path[1]] : hide?.length ? this.instanceIds().filter((i) => !hide.includes(i)) : this.instanceIds();
    if (path.length >= 2 && !this.store.has(path[1])) return statusOf('4.04', 'no such instance');
    for (const iid of iids) {
      if (path.length >= 3) {
        const d = this.resources.get(path[2]);
        if (!d) return statusOf('4.04', 'no such resource');
        if (path.length === 4 && !d.multiple) return statusOf('4.04', 'a single-instance resource has no resource instances');
        if (!READABLE(d) && !bootstrap) return statusOf('4.05', 'resource is not readable');
        const v = await this.valueOf(iid, d, serverId, remote);
        if (isStatus(v)) return v;
        if (v === undefined) return statusOf('4.04', 'resource has no value');
        const before = out.length;
        this.pushRecords(out, [oid, iid, d.id], d, v, path[3]);
        if (path.length === 4 && out.length === before) return statusOf('4.04', 'no such resource instance');
        continue;
      }
      for (const d of this.def.resources) {
        if (!READABLE(d)) continue;
        const v = await this.valueOf(iid, d, serverId, remote);
        if (v === undefined) continue;
        if (isStatus(v)) {
          if (v.code === '4.01') denied = v;
          if (v.code === '4.01' || v.code === '4.04' || v.code === '4.05') continue; // hidden from multi-resource reads
          return v;
        }
        this.pushRecords(out, [oid, iid], d, v);
      }
    }
    if (denied && out.length === 0) return denied;
    return out;
  }

  /** The format for a read answer: Accept if given (4.06 when unusable), else text/opaque for one value, else preferred. */
  private chooseFormat(accept: number | undefined, path: Path, records: readonly LwRecord[]): number | Status {
    const single = path.length >= 3 && records.length === 1 && (path.length === 4 || !this.resources.get(path[2])?.multiple);
    if (accept === undefined) {
      if (!single) return this.preferredFormat;
      return records[0].value instanceof Uint8Array ? ContentFormat.OPAQUE : ContentFormat.TEXT;
    }
    if (!SUPPORTED_FORMATS.includes(accept)) return statusOf('4.06', `accept ${accept} not supported`);
    if (SINGLE_VALUE_FORMATS.includes(accept) && !single) return statusOf('4.06', 'plain text / opaque / CBOR carry one value');
    if (accept === ContentFormat.OPAQUE && !(records[0].value instanceof Uint8Array)) return statusOf('4.06', 'not an opaque resource');
    return accept;
  }

  /** Encodes records for a path; used by Read and by notifications. */
  encodeRead(path: Path, records: readonly LwRecord[], accept: number | undefined): OpResult {
    const fmt = this.chooseFormat(accept, path, records);
    if (isStatus(fmt)) return fail(fmt.code, fmt.message);
    try {
      const payload = encode(fmt, records, { ...this.codec, basePath: path });
      return { code: '2.05', contentFormat: fmt, payload };
    } catch (err) {
      return fail('4.06', (err as Error).message);
    }
  }

  private async read(req: OpRequest): Promise<OpResult> {
    if (req.path.length === 0) return fail('4.05', 'read of root');
    if (req.accept !== undefined && !SUPPORTED_FORMATS.includes(req.accept)) return fail('4.06', `accept ${req.accept} not supported`);
    const recs = await this.readRecords(req.path, req.serverId ?? 0, req.bootstrap === true, req.remote === true, req.hideInstances);
    if (isStatus(recs)) return fail(recs.code, recs.message);
    return this.encodeRead(req.path, recs, req.accept);
  }

  private async readRecordsOp(req: OpRequest): Promise<OpResult> {
    const out: LwRecord[] = [];
    for (const p of req.paths ?? [req.path]) {
      const r = await this.readRecords(p, req.serverId ?? 0, req.bootstrap === true, req.remote === true, req.hideInstances);
      if (isStatus(r)) {
        if (r.code === '4.04') continue; // Read-Composite skips missing paths
        return fail(r.code, r.message);
      }
      out.push(...r);
    }
    return { code: '2.05', records: out };
  }

  // ---- Write / Write-Update / Create ----
  private decodeFor(req: OpRequest, base: Path): LwRecord[] | OpResult {
    if (req.format === undefined) return fail('4.00', 'Content-Format missing');
    if (!SUPPORTED_FORMATS.includes(req.format)) return fail('4.15', `content format ${req.format} not supported`);
    try {
      return decode(req.format, req.payload ?? new Uint8Array(0), { ...this.codec, basePath: base });
    } catch (err) {
      if (err instanceof CodedError && err.code === 'FORMAT_UNSUPPORTED') return fail('4.15', err.message);
      return fail('4.00', (err as Error).message);
    }
  }

  private async write(req: OpRequest, partial: boolean): Promise<OpResult> {
    const path = req.path;
    const bootstrap = req.bootstrap === true;
    if (path.length < 2 && !(bootstrap && path.length === 1)) return fail('4.05', 'write needs an instance or resource path');
    if (path.length === 2 && !bootstrap && !this.store.has(path[1])) return fail('4.04', 'no such instance');
    const recs = this.decodeFor(req, path);
    if (!Array.isArray(recs)) return recs;
    return this.applyWrite(path, recs, { partial, bootstrap, serverId: req.serverId ?? 0 });
  }

  private async writeRecordsOp(req: OpRequest): Promise<OpResult> {
    const recs = req.records ?? [];
    for (const r of recs) if (!this.store.has(r.path[1])) return fail('4.04', `no instance ${formatPath(r.path.slice(0, 2))}`);
    return this.applyWrite([this.def.id], recs, { partial: true, bootstrap: false, serverId: req.serverId ?? 0, composite: true });
  }

  /** Validates every record, asks the write hooks, then commits all values at once (nothing changes on failure). */
  private async applyWrite(path: Path, recs: readonly LwRecord[], o: { partial: boolean; bootstrap: boolean; serverId: number; composite?: boolean; create?: boolean }): Promise<OpResult> {
    const oid = this.def.id;
    // group by instance → resource
    const plan = new Map<number, Map<number, { def: ResourceDef; value?: LwValue; insts?: Map<number, LwValue> }>>();
    for (const r of recs) {
      if (r.path.length < 3 || r.path[0] !== oid) return fail('4.00', `record ${formatPath(r.path)} is not a resource under ${formatPath(path)}`);
      for (let i = 0; i < path.length; i++) if (r.path[i] !== path[i] && !(i === 1 && o.create)) return fail('4.00', `record ${formatPath(r.path)} is outside ${formatPath(path)}`);
      const d = this.resources.get(r.path[2]);
      if (!d) return fail(o.bootstrap ? '4.00' : '4.04', `no resource ${formatPath(r.path)}`);
      if (!o.bootstrap && !o.create && !WRITABLE(d)) return fail('4.05', `${formatPath(r.path)} is not writable`);
      if (o.create && d.operations === 'E') return fail('4.00', `${formatPath(r.path)} is executable`);
      const why = checkValue(d, r.value);
      if (why) return fail('4.00', why);
      const big = checkSize(d, r.value, this.maxValueBytes);
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
    if (path.length >= 3 && recs.length === 0 && !this.resources.get(path[2])?.multiple) return fail('4.00', 'no value');
    if (path.length >= 3 && !this.resources.has(path[2])) return fail('4.04', 'no such resource');
    // compute new instance maps
    const next = new Map<number, Map<number, ResourceValue>>();
    for (const [iid, res] of plan) {
      const cur = this.store.get(iid);
      if (!cur && !o.bootstrap && !o.create) return fail('4.04', `no instance /${oid}/${iid}`);
      const replaceInstance = !o.partial && path.length <= 2 && !o.create;
      const m = new Map<number, ResourceValue>(cur ?? []);
      if (replaceInstance && !o.bootstrap) for (const d of this.def.resources) if (WRITABLE(d)) m.delete(d.id);
      for (const [rid, e] of res) {
        if (e.insts) {
          const prev = m.get(rid);
          const replaceRes = !o.partial && path.length <= 3;
          const base = !replaceRes && prev instanceof Map ? new Map(prev) : new Map<number, LwValue>();
          for (const [ri, v] of e.insts) base.set(ri, v);
          m.set(rid, base);
        } else if (e.value !== undefined) m.set(rid, e.value);
      }
      next.set(iid, m);
    }
    // empty replace of a multiple resource (PUT /o/i/r with no instances) clears it
    if (path.length === 3 && recs.length === 0 && !o.partial) {
      const cur = this.store.get(path[1]);
      if (!cur) return fail('4.04', 'no such instance');
      next.set(path[1], new Map(cur).set(path[2], new Map()));
    }
    if (o.create) return { code: '2.01', records: [...next].flatMap(([iid, m]) => [...m].map(([rid, v]) => ({ path: [oid, iid, rid], value: v as LwValue }))) };
    // ask the hooks (any refusal cancels the whole write)
    // A 2.xx Status means "accepted, do not keep the value" (e.g. a firmware package streamed elsewhere).
    const notKept: [number, number][] = [];
    if (this.spec.write) {
      for (const [iid, res] of plan) {
        for (const rid of res.keys()) {
          const v = next.get(iid)!.get(rid)!;
          const answer = await this.spec.write(this.target(iid, rid, o.serverId), v, this.runtime);
          if (isStatus(answer)) {
            if (!answer.code.startsWith('2.')) return fail(answer.code, answer.message);
            notKept.push([iid, rid]);
          }
        }
      }
    }
    for (const [iid, rid] of notKept) {
      const prev = this.store.get(iid)?.get(rid);
      if (prev === undefined) next.get(iid)!.delete(rid);
      else next.get(iid)!.set(rid, prev);
    }
    // commit
    const changed: Path[] = [];
    let newInstance = false;
    for (const [iid, m] of next) {
      if (!this.store.has(iid)) newInstance = true;
      this.store.set(iid, m);
      for (const rid of plan.get(iid)?.keys() ?? []) changed.push([oid, iid, rid]);
    }
    if (path.length === 3 && recs.length === 0) changed.push(path);
    if (newInstance) this.instancesChanged();
    if (changed.length) this.changed(changed);
    return { code: '2.04' };
  }

  private async create(req: OpRequest): Promise<OpResult> {
    if (req.path.length !== 1) return fail('4.05', 'create is on an object path');
    const recs = this.decodeFor(req, req.path);
    if (!Array.isArray(recs)) return recs;
    const given = new Set(recs.map((r) => r.path[1]).filter((i) => i >= 0));
    if (given.size > 1) return fail('4.00', 'create of several instances');
    let iid = given.size === 1 ? [...given][0] : -1;
    if (iid >= 0 && this.store.has(iid)) return fail('4.00', `instance /${this.def.id}/${iid} exists`);
    if (!this.def.multiple && this.store.size > 0) return fail('4.00', 'single-instance object already has its instance');
    if (req.remote === true && this.store.size >= this.maxInstances) return fail('4.00', `object ${this.def.id} already holds ${this.store.size} instances (client.maxInstances)`);
    if (iid < 0) { iid = 0; while (this.store.has(iid)) iid++; }
    if (iid > 65534) return fail('4.00', 'instance id out of range');
    const fixed = recs.map((r) => ({ ...r, path: [r.path[0], iid, ...r.path.slice(2)] }));
    // A new instance starts complete: every mandatory resource that holds a value must be in the payload.
    const present = new Set(fixed.map((r) => r.path[2]));
    const missing = this.def.resources.filter((d) => d.mandatory === true && d.operations !== 'E' && !present.has(d.id)).map((d) => d.id);
    if (missing.length > 0) return fail('4.00', `create of /${this.def.id} misses mandatory resources ${missing.join(', ')}`);
    const planned = await this.applyWrite([this.def.id], fixed, { partial: true, bootstrap: req.bootstrap === true, serverId: req.serverId ?? 0, create: true });
    if (planned.code !== '2.01') return planned;
    const values = new Map<number, ResourceValue>();
    for (const r of fixed) {
      const d = this.resources.get(r.path[2])!;
      if (d.multiple) {
        const m = (values.get(d.id) as Map<number, LwValue> | undefined) ?? new Map<number, LwValue>();
        m.set(r.path[3] ?? 0, r.value);
        values.set(d.id, m);
      } else values.set(d.id, r.value);
    }
    if (this.spec.create) {
      const answer = await this.spec.create(iid, values, this.runtime);
      if (isStatus(answer)) return fail(answer.code, answer.message);
    }
    this.store.set(iid, values);
    this.instancesChanged();
    return { code: '2.01', location: [String(this.def.id), String(iid)] };
  }

  private async delete(req: OpRequest): Promise<OpResult> {
    const p = req.path;
    if (req.bootstrap && p.length === 1) {
      // A single-instance object keeps its instance: the Device object's, as the spec asks, and the others alike (the
      // device fills them: Connectivity Monitoring, Firmware Update, Location …). Device-owned instances of
      // multiple-instance objects (the water meter's) refuse in their delete hook.
      if (!this.def.multiple) return { code: '2.02' };
      for (const iid of this.instanceIds()) {
        const a = this.spec.delete ? await this.spec.delete(iid, this.runtime) : undefined;
        if (!isStatus(a)) this.store.delete(iid);
      }
      this.instancesChanged();
      return { code: '2.02' };
    }
    if (p.length !== 2) return fail('4.05', 'delete is on an instance path');
    if (!this.store.has(p[1])) return fail('4.04', 'no such instance');
    if (!this.def.multiple) return fail('4.05', 'the instance of a single-instance object cannot be deleted');
    if (this.spec.delete) {
      const a = await this.spec.delete(p[1], this.runtime);
      if (isStatus(a)) return fail(a.code, a.message);
    }
    this.store.delete(p[1]);
    for (const m of this.attrs.values()) for (const k of [...m.keys()]) if (k.startsWith(`/${this.def.id}/${p[1]}`) && (k.length === `/${this.def.id}/${p[1]}`.length || k[`/${this.def.id}/${p[1]}`.length] === '/')) m.delete(k);
    this.instancesChanged();
    return { code: '2.02' };
  }

  private async execute(req: OpRequest): Promise<OpResult> {
    const p = req.path;
    if (p.length !== 3) return fail('4.05', 'execute is on a resource path');
    if (!this.store.has(p[1])) return fail('4.04', 'no such instance');
    const d = this.resources.get(p[2]);
    if (!d) return fail('4.04', 'no such resource');
    if (d.operations !== 'E') return fail('4.05', 'resource is not executable');
    const args = Buffer.from(req.payload ?? new Uint8Array(0)).toString('utf8');
    if (!parseExecArgs(args)) return fail('4.00', 'execute arguments do not follow the LwM2M syntax');
    if (this.spec.execute) {
      const a = await this.spec.execute(this.target(p[1], p[2], req.serverId ?? 0), args, this.runtime);
      if (isStatus(a)) return fail(a.code, a.message);
    }
    return { code: '2.04' };
  }

  // ---- attributes and Discover ----
  /** Every server's Write-Attributes, for the actor's store. */
  attributeSnapshot(): AttributeSnapshot {
    const out: AttributeSnapshot = {};
    for (const [sid, m] of this.attrs) {
      if (m.size === 0) continue;
      const paths: Record<string, Attributes> = {};
      for (const [k, a] of m) paths[k] = { ...a };
      out[String(sid)] = paths;
    }
    return out;
  }

  /** Replaces the attributes with a stored snapshot (only paths of this object; instances may appear later). */
  restoreAttributes(snap: AttributeSnapshot): void {
    this.attrs.clear();
    const prefix = `/${this.def.id}`;
    for (const [sid, paths] of Object.entries(snap)) {
      const m = this.attrMap(Number(sid));
      for (const [k, a] of Object.entries(paths)) if (k === prefix || k.startsWith(prefix + '/')) m.set(k, { ...a });
    }
  }

  /** Drops one server's attributes (a new registration); true when there were any. */
  clearAttributes(serverId: number): boolean {
    const had = (this.attrs.get(serverId)?.size ?? 0) > 0;
    this.attrs.delete(serverId);
    return had;
  }

  private attrMap(serverId: number): Map<string, Attributes> {
    let m = this.attrs.get(serverId);
    if (!m) this.attrs.set(serverId, (m = new Map()));
    return m;
  }

  /** Attributes set at exactly this path level (for one server). */
  attributesAt(path: Path, serverId = 0): Attributes | undefined {
    return this.attrs.get(serverId)?.get(formatPath(path));
  }

  /** Effective attributes for an observation of `path`: inherited from object → instance → resource → resource instance. */
  effectiveAttributes(path: Path, serverId = 0, defaults?: Attributes): Attributes {
    const levels: (Attributes | undefined)[] = [];
    for (let n = 1; n <= path.length; n++) levels.push(this.attributesAt(path.slice(0, n), serverId));
    return mergeAttributes(levels, defaults);
  }

  private writeAttributes(req: OpRequest): OpResult {
    const p = req.path;
    if (p.length === 0) return fail('4.05', 'write-attributes on root');
    if (p.length >= 2 && !this.store.has(p[1])) return fail('4.04', 'no such instance');
    const d = p.length >= 3 ? this.resources.get(p[2]) : undefined;
    if (p.length >= 3 && !d) return fail('4.04', 'no such resource');
    if (p.length === 4 && !d?.multiple) return fail('4.04', 'not a multiple resource');
    const parsed = parseAttributeQuery(req.query ?? []);
    if (!parsed.ok) return fail('4.00', parsed.reason);
    const m = this.attrMap(req.serverId ?? 0);
    const key = formatPath(p);
    const next = applyChange(m.get(key), parsed.value);
    const valid = validateAttributes(next, p.length, d?.type, d?.multiple === true);
    if (!valid.ok) return fail('4.00', valid.reason);
    if (Object.keys(next).length === 0) m.delete(key);
    else m.set(key, next);
    return { code: '2.04' };
  }

  /**
   * Discover links for a path (object, instance or resource), with `dim` of multiple resources and the attributes
   * LwM2M 1.1 (TS Core, Discover) shows for the targeted level (see `discoverAttributes`).
   * `depth` (LwM2M 1.2) counts levels below the target; defaults: object 2 (instances and resources), instance 1,
   * resource 1 (its resource instances).
   */
  async discoverLinks(path: Path, serverId = 0, depth?: number): Promise<Link[] | Status> {
    const oid = this.def.id;
    const links: Link[] = [];
    const with_ = (p: Path, extra: Record<string, number | string> = {}): Link =>
      ({ target: formatPath(p), params: { ...extra, ...attributeParams(this.discoverAttributes(path.length, p, serverId)) } });
    const resLinks = async (iid: number, only: number | undefined, withInstances: boolean): Promise<void> => {
      for (const d of this.def.resources) {
        if (only !== undefined && d.id !== only) continue;
        const stored = this.store.get(iid)?.get(d.id);
        let v: ResourceValue | Status | undefined = stored;
        if (d.multiple && this.spec.read) v = await this.valueOf(iid, d, serverId);
        const present = d.operations === 'E' || stored !== undefined || (READABLE(d) && this.spec.read !== undefined) || d.mandatory === true;
        if (!present && only === undefined) continue;
        const extra: Record<string, number> = {};
        if (d.multiple && v instanceof Map) extra.dim = v.size;
        links.push(with_([oid, iid, d.id], extra));
        if (withInstances && d.multiple && v instanceof Map) {
          for (const ri of [...v.keys()].sort((a, b) => a - b)) links.push(with_([oid, iid, d.id, ri]));
        }
      }
    };
    if (path.length === 1) {
      const dp = depth ?? 2;
      const ver = this.def.version && this.def.version !== '1.0' ? { ver: this.def.version } : undefined;
      links.push(with_([oid], ver));
      for (const iid of this.instanceIds()) {
        if (dp >= 1) links.push(with_([oid, iid]));
        if (dp >= 2) await resLinks(iid, undefined, dp >= 3);
      }
    } else if (path.length === 2) {
      if (!this.store.has(path[1])) return statusOf('4.04', 'no such instance');
      const dp = depth ?? 1;
      links.push(with_(path));
      if (dp >= 1) await resLinks(path[1], undefined, dp >= 2);
    } else if (path.length === 3) {
      if (!this.store.has(path[1])) return statusOf('4.04', 'no such instance');
      if (!this.resources.has(path[2])) return statusOf('4.04', 'no such resource');
      await resLinks(path[1], path[2], (depth ?? 1) >= 1);
    } else return statusOf('4.05', 'discover of a resource instance');
    return links;
  }

  /**
   * The attributes a Discover targeting a path of `targetLevel` (1 object, 2 instance, 3 resource) shows on the link
   * of `p` (LwM2M 1.1 TS Core, Discover): an object target shows the object's own attributes only; an instance target
   * those of the instance and of its resources; a resource target the resource's effective attributes (inherited from
   * the object and instance levels, the deeper wins) and each resource instance's own.
   */
  private discoverAttributes(targetLevel: number, p: Path, serverId: number): Attributes | undefined {
    if (targetLevel === 1) return p.length === 1 ? this.attributesAt(p, serverId) : undefined;
    if (targetLevel === 2) return p.length <= 3 ? this.attributesAt(p, serverId) : undefined;
    if (p.length === 3) return this.effectiveAttributes(p, serverId);
    return this.attributesAt(p, serverId);
  }

  private async discover(req: OpRequest): Promise<OpResult> {
    if (req.accept !== undefined && req.accept !== ContentFormat.LINK) return fail('4.06', 'discover answers link format');
    let depth: number | undefined;
    for (const q of req.query ?? []) {
      const m = /^depth=([0-3])$/.exec(q);
      if (m) depth = Number(m[1]);
      else if (q.startsWith('depth')) return fail('4.00', 'depth must be 0..3');
    }
    const links = req.bootstrap ? this.bootstrapLinks() : await this.discoverLinks(req.path, req.serverId ?? 0, depth);
    if (isStatus(links)) return fail(links.code, links.message);
    return { code: '2.05', contentFormat: ContentFormat.LINK, payload: new Uint8Array(Buffer.from(formatLinks(links), 'utf8')) };
  }

  /** Bootstrap-Discover links of this object: `</1>;ver=1.1,</1/0>;ssid=101` (ssid/uri added by objects 0/1 via their values). */
  bootstrapLinks(): Link[] {
    const oid = this.def.id;
    const links: Link[] = [{ target: `/${oid}`, params: this.def.version && this.def.version !== '1.0' ? { ver: this.def.version } : {} }];
    for (const iid of this.instanceIds()) {
      const params: Record<string, string | number> = {};
      const inst = this.store.get(iid)!;
      if (oid === 1) { const s = inst.get(0); if (typeof s === 'number') params.ssid = s; }
      if (oid === 0) {
        const b = inst.get(1);
        const s = inst.get(10);
        const u = inst.get(0);
        if (b !== true && typeof s === 'number') params.ssid = s;
        if (typeof u === 'string') params.uri = u;
      }
      links.push({ target: `/${oid}/${iid}`, params });
    }
    return links;
  }
}

function statusOf(code: Status['code'], message: string): Status {
  return status(code, message);
}
