// context.ts: what an operation module sees of the object host: definition, spec hooks, the instance store and its
// listeners.
import type { HookTarget, ObjectDef, ObjectRuntime, ObjectSpec, ResourceDef, ResourceValue } from '../object-api.js';
import type { CodecContext } from '../formats/index.js';
import type { AttributeStore } from '../attribute-store.js';
import type { Path } from '../types.js';

/** Instance id → resource id → value. */
export type InstanceValues = Map<number, ResourceValue>;

/** The object host as the operations (read, write, create-delete, execute, discover, attributes) use it. */
export interface ObjectModel {
  readonly def: ObjectDef;
  readonly spec: ObjectSpec;
  readonly runtime: ObjectRuntime;
  readonly codec: CodecContext;
  readonly attributes: AttributeStore;
  /** Format for multi-value reads without Accept. */
  readonly preferredFormat: number;
  /** Largest string / opaque a write may carry where the definition gives no range.max. */
  readonly maxValueBytes: number;
  /** Most instances a server's Create may bring the object to. */
  readonly maxInstances: number;
  resource(rid: number): ResourceDef | undefined;
  instance(iid: number): ReadonlyMap<number, ResourceValue> | undefined;
  instanceIds(): number[];
  instanceCount(): number;
  /** Stores an instance's values as a whole (no listener is told: see changed / instancesChanged). */
  putInstance(iid: number, values: InstanceValues): void;
  /** Removes an instance (no listener is told); true when it existed. */
  removeInstance(iid: number): boolean;
  /** Tells the change listeners (observations) these paths have new values. */
  changed(paths: Path[]): void;
  /** Tells the instance listeners (registration update, observations) the instance set changed. */
  instancesChanged(): void;
}

export const READABLE = (d: ResourceDef): boolean => d.operations === 'R' || d.operations === 'RW';
export const WRITABLE = (d: ResourceDef): boolean => d.operations === 'W' || d.operations === 'RW';

/** The target a hook receives. */
export function hookTarget(
  m: ObjectModel,
  iid: number,
  rid: number,
  serverId: number,
  riid?: number,
  remote?: boolean,
): HookTarget {
  const t: HookTarget = { objectId: m.def.id, instanceId: iid, resourceId: rid, serverId };
  if (riid !== undefined) t.resourceInstanceId = riid;
  if (remote) t.remote = true;
  return t;
}
