// object-host.ts: one object's instances and values for an ObjectSpec, and the dispatch of LwM2M operations to
// src/lwm2m/operations/.
import { resourceValueProblem } from './value-check.js';
import type { ObjectDef, ObjectRuntime, ObjectSpec, ResourceDef, ResourceValue, Status } from './object-api.js';
import { ContentFormat, type LwRecord, type Path } from './types.js';
import type { CodecContext } from './formats/index.js';
import type { Link } from './formats/link.js';
import { formatPath } from './path.js';
import type { AttributeSnapshot, Attributes } from './attributes.js';
import { AttributeStore } from './attribute-store.js';
import { fail, type OpRequest, type OpResult } from './operations/types.js';
import { DEFAULT_MAX_INSTANCES, DEFAULT_MAX_VALUE_BYTES } from './operations/validate.js';
import type { InstanceValues, ObjectModel } from './operations/context.js';
import { encodeRead, read, readRecords, readRecordsOp } from './operations/read.js';
import { write, writeRecordsOp } from './operations/write.js';
import { create, del } from './operations/create-delete.js';
import { execute } from './operations/execute.js';
import { writeAttributes } from './operations/attributes.js';
import { bootstrapLinks, discover, discoverLinks } from './operations/discover.js';
import { CodedError } from '../errors.js';
import { realClock, type Clock } from '../clock.js';

export type { OpRequest, OpResult } from './operations/types.js';

/** What the host environment (the object actor, or a test) gives the host. */
export interface ObjectHostEnv {
  emit?: ObjectRuntime['emit'];
  publish?: ObjectRuntime['publish'];
  send?: ObjectRuntime['send'];
  request?: ObjectRuntime['request'];
  log?: ObjectRuntime['log'];
  config?: Readonly<Record<string, unknown>>;
  /** The clock hooks get as `rt.clock` (default: Node's, realClock). */
  clock?: Clock;
  /** Format used for multi-value reads without Accept (default SenML CBOR). */
  preferredFormat?: number;
  /**
   * Largest string (UTF-8 bytes) / opaque value a write may carry where the definition gives no range.max (default
   * DEFAULT_MAX_VALUE_BYTES).
   */
  maxValueBytes?: number;
  /** Most instances a server's Create may bring an object to (default DEFAULT_MAX_INSTANCES). */
  maxInstances?: number;
}

/** Listener for value changes (observe) and for instance set changes (registration update). */
export type ChangeListener = (paths: readonly Path[]) => void;

const quietLog: ObjectRuntime['log'] = { info() {}, warn() {}, error() {}, debug() {} };

export class ObjectHost {
  readonly def: ObjectDef;
  readonly spec: ObjectSpec;
  readonly runtime: ObjectRuntime;
  readonly codec: CodecContext;
  private readonly resources = new Map<number, ResourceDef>();
  private store = new Map<number, InstanceValues>();
  private readonly attrs: AttributeStore;
  private readonly changeListeners: ChangeListener[] = [];
  private readonly instanceListeners: (() => void)[] = [];
  /** The view the operation modules get. */
  private readonly model: ObjectModel;

  constructor(spec: ObjectSpec, env: ObjectHostEnv = {}) {
    this.spec = spec;
    this.def = spec.definition;
    for (const r of this.def.resources) this.resources.set(r.id, r);
    const oid = this.def.id;
    this.attrs = new AttributeStore(oid);
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
    const noRequest = (): Promise<never> =>
      Promise.reject(new CodedError('ACTOR_UNAVAILABLE', 'no actor routing in this host'));
    this.runtime = {
      set: (iid, rid, value) => {
        const why = this.setProblem(rid, value);
        if (why === undefined) {
          this.setLocal(iid, rid, value);
          return;
        }
        const plugin = typeof env.config?.plugin === 'string' ? env.config.plugin : undefined;
        const path = `/${this.def.id}/${iid}/${rid}`;
        this.runtime.log.warn(
          { code: 'OBJECT_SET_REFUSED', plugin, object: this.def.id, instance: iid, resource: rid, reason: why },
          `${plugin ? `plugin ${plugin}: ` : ''}object ${this.def.id} (${this.def.name}): rt.set(${path}) refused, value not kept: ${why}`,
        );
      },
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
      clock: env.clock ?? realClock,
    };
    this.model = {
      def: this.def,
      spec,
      runtime: this.runtime,
      codec: this.codec,
      attributes: this.attrs,
      preferredFormat: env.preferredFormat ?? ContentFormat.SENML_CBOR,
      maxValueBytes: env.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES,
      maxInstances: env.maxInstances ?? DEFAULT_MAX_INSTANCES,
      resource: (rid) => this.resources.get(rid),
      instance: (iid) => this.store.get(iid),
      instanceIds: () => this.instanceIds(),
      instanceCount: () => this.store.size,
      putInstance: (iid, values) => {
        this.store.set(iid, values);
      },
      removeInstance: (iid) => this.store.delete(iid),
      changed: (paths) => this.changed(paths),
      instancesChanged: () => this.instancesChanged(),
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

  /** Why a device-side set of resource `rid` to `value` is refused (no such resource, a value of another type). */
  private setProblem(rid: number, value: ResourceValue): string | undefined {
    const def = this.resources.get(rid);
    if (!def) return `object ${this.def.id} has no resource ${rid} (it has ${[...this.resources.keys()].join(', ')})`;
    const why = resourceValueProblem(def, value);
    return why === undefined ? undefined : `resource ${rid} (${def.name}): ${why}`;
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

  // ---- operations (one module each under operations/) ----
  /** Runs one operation; never throws for bad input (errors are 4.xx / 5.00 results). */
  async handle(req: OpRequest): Promise<OpResult> {
    const m = this.model;
    try {
      if (req.path.length > 0 && req.path[0] !== this.def.id) return fail('4.04', 'not this object');
      switch (req.op) {
        case 'read':
          return await read(m, req);
        case 'discover':
          return await discover(m, req);
        case 'write':
          return await write(m, req, false);
        case 'write-update':
          return await write(m, req, true);
        case 'write-attributes':
          return writeAttributes(m, req);
        case 'execute':
          return await execute(m, req);
        case 'create':
          return await create(m, req);
        case 'delete':
          return await del(m, req);
        case 'read-records':
          return await readRecordsOp(m, req);
        case 'write-records':
          return await writeRecordsOp(m, req);
        default:
          return fail('4.05', `unknown operation ${String((req as { op: unknown }).op)}`);
      }
    } catch (err) {
      if (err instanceof CodedError && err.code === 'FORMAT_DECODE') return fail('4.00', err.message);
      if (err instanceof CodedError && err.code === 'FORMAT_UNSUPPORTED') return fail('4.15', err.message);
      this.runtime.log.error(
        { err: (err as Error).message, op: req.op, path: formatPath(req.path) },
        'object operation failed',
      );
      return fail('5.00', (err as Error).message);
    }
  }

  /** Records at a path (object, instance, resource, resource instance), or a Status. */
  readRecords(
    path: Path,
    serverId = 0,
    bootstrap = false,
    remote = false,
    hide?: readonly number[],
  ): Promise<LwRecord[] | Status> {
    return readRecords(this.model, path, serverId, bootstrap, remote, hide);
  }
  /** Encodes records for a path; used by Read and by notifications. */
  encodeRead(path: Path, records: readonly LwRecord[], accept: number | undefined): OpResult {
    return encodeRead(this.model, path, records, accept);
  }
  /** Discover links for a path (see operations/discover.ts). */
  discoverLinks(path: Path, serverId = 0, depth?: number): Promise<Link[] | Status> {
    return discoverLinks(this.model, path, serverId, depth);
  }
  /** Bootstrap-Discover links of this object. */
  bootstrapLinks(): Link[] {
    return bootstrapLinks(this.model);
  }

  // ---- attributes (attribute-store.ts) ----
  /** Every server's Write-Attributes, for the actor's store. */
  attributeSnapshot(): AttributeSnapshot {
    return this.attrs.snapshot();
  }
  /** Replaces the attributes with a stored snapshot (only paths of this object; instances may appear later). */
  restoreAttributes(snap: AttributeSnapshot): void {
    this.attrs.restore(snap);
  }
  /** Drops one server's attributes (a new registration); true when there were any. */
  clearAttributes(serverId: number): boolean {
    return this.attrs.clearServer(serverId);
  }
  /** Attributes set at exactly this path level (for one server). */
  attributesAt(path: Path, serverId = 0): Attributes | undefined {
    return this.attrs.at(path, serverId);
  }
  /**
   * Effective attributes for an observation of `path`: inherited from object → instance → resource → resource instance.
   */
  effectiveAttributes(path: Path, serverId = 0, defaults?: Attributes): Attributes {
    return this.attrs.effective(path, serverId, defaults);
  }
}
