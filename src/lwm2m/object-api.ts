// object-api.ts: what a built-in object or a plugin writes: a definition (data) and small hooks returning values or
// statuses.
import type { Clock } from '../clock.js';
import type { LwValue, Path, ResourceType } from './types.js';
import type { Checked, CheckedReply, OpenMessage } from '../messages/index.js';

/** Operations a resource allows, as in the OMA DDF: R, W, RW, E, or none (''). */
export type Operations = 'R' | 'W' | 'RW' | 'E' | '';

export interface ResourceDef {
  id: number;
  name: string;
  type: ResourceType;
  operations: Operations;
  /** Multiple-instance resource. */
  multiple?: boolean;
  mandatory?: boolean;
  units?: string;
  /** Numeric range (inclusive) or allowed string length range; checked on Write. */
  range?: { min?: number; max?: number };
  /** Allowed values for enumerations (checked on Write when present). */
  enum?: readonly (string | number)[];
  description?: string;
}

export interface ObjectDef {
  id: number;
  name: string;
  /** Object version, e.g. '1.0' (shown in registration links when not 1.0). */
  version?: string;
  /** LwM2M version the definition was written for (DDF LWM2MVersion). */
  lwm2mVersion?: string;
  /** Multiple instances allowed. */
  multiple: boolean;
  mandatory?: boolean;
  urn?: string;
  description?: string;
  resources: readonly ResourceDef[];
}

/** CoAP response codes used as LwM2M statuses ('2.05' Content, '4.04' Not Found …). */
export type StatusCode =
  | '2.01'
  | '2.02'
  | '2.03'
  | '2.04'
  | '2.05'
  | '2.31'
  | '4.00'
  | '4.01'
  | '4.02'
  | '4.03'
  | '4.04'
  | '4.05'
  | '4.06'
  | '4.08'
  | '4.09'
  | '4.12'
  | '4.13'
  | '4.15'
  | '5.00'
  | '5.01'
  | '5.03';

/** A hook's way to answer with an LwM2M status instead of a value (e.g. `return status('4.05')`). */
export class Status {
  readonly code: StatusCode;
  readonly message: string | undefined;
  constructor(code: StatusCode, message?: string) {
    this.code = code;
    this.message = message;
  }
}
export function status(code: StatusCode, message?: string): Status {
  return new Status(code, message);
}
export function isStatus(v: unknown): v is Status {
  return v instanceof Status;
}

/** A resource value as stored: single value, or resource-instance id → value for multiple resources. */
export type ResourceValue = LwValue | ReadonlyMap<number, LwValue>;

/** What hooks receive to identify the target. */
export interface HookTarget {
  objectId: number;
  instanceId: number;
  resourceId: number;
  /** Present when the operation addresses one resource instance. */
  resourceInstanceId?: number;
  /** The short server ID of the requesting server (0 when local). */
  serverId: number;
  /**
   * True when the request came from a server over the network (false/absent for the device's own actors, e.g. the
   * client).
   */
  remote?: boolean;
}

type MaybePromise<T> = T | Promise<T>;

/** One resource value a write transaction stored. */
export interface ResourceChange {
  instanceId: number;
  resourceId: number;
  value: ResourceValue;
  /** The value before the write (undefined when the resource had none). */
  previous: ResourceValue | undefined;
}

/**
 * What `apply` receives: the stored changes of one Write, Write-Update, Write-Composite part, Bootstrap-Write or
 * Create.
 */
export interface AppliedWrite {
  op: 'write' | 'write-update' | 'write-composite' | 'bootstrap-write' | 'create';
  /** The short server ID of the requesting server (0 when local or the bootstrap server). */
  serverId: number;
  /** True when the request came from a server over the network. */
  remote: boolean;
  changes: readonly ResourceChange[];
}

/** Extra link parameters of one instance in a Bootstrap-Discover answer (e.g. `ssid`, `uri` for objects 0 and 1). */
export type LinkParams = Record<string, string | number>;

/** Services the runtime gives an object implementation (inside its actor). */
export interface ObjectRuntime {
  /**
   * Sets a resource value from the device side (e.g. a new meter reading); observers are notified per their attributes.
   */
  set(instanceId: number, resourceId: number, value: ResourceValue): void;
  get(instanceId: number, resourceId: number): ResourceValue | undefined;
  /** Creates an instance from the device side (no server involved). */
  createInstance(instanceId: number, values: ReadonlyMap<number, ResourceValue>): void;
  deleteInstance(instanceId: number): void;
  instances(): number[];
  /**
   * Sends a message to another actor (by name) — the only way objects reach the rest of the device. A message of a
   * built-in type is checked against the message map (src/messages); a plugin's own types are open.
   */
  emit<M extends { type: string }>(to: string, message: M & Checked<M>): void;
  /** Publishes a message to every actor that subscribes to its type (e.g. 'lwm2m.trigger' to each server's client). */
  publish<M extends { type: string }>(message: M & Checked<M>): void;
  /** Asks for an LwM2M Send (POST /dp) of these paths' current values (fire-and-forget). */
  send(paths: readonly Path[]): void;
  /** Request/response to another actor by name (e.g. `request('client', { type: 'lwm2m.send', records })`). */
  request<M extends { type: string }, R = unknown>(
    to: string,
    message: M & Checked<M>,
    opts?: { timeoutMs?: number },
  ): Promise<CheckedReply<M, R>>;
  /** Module logger for this object. */
  log: {
    info(o: object | string, msg?: string): void;
    warn(o: object | string, msg?: string): void;
    error(o: object | string, msg?: string): void;
    debug(o: object | string, msg?: string): void;
  };
  /** This object's configuration section (from the config file / plugin config). */
  config: Readonly<Record<string, unknown>>;
  /** Wall time and one-shot timers (simulated in tests): use it rather than Date.now / setTimeout. */
  clock: Clock;
}

/**
 * An object implementation: definition plus optional hooks. Values not served by `read` are kept by the runtime.
 * Hooks return a value / nothing for success, or a Status for an LwM2M error.
 */
export interface ObjectSpec {
  definition: ObjectDef;
  /** Instances present at start: instance id → resource id → value. */
  instances?: Readonly<Record<number, Readonly<Record<number, ResourceValue>>>>;
  /** Called once when the object's actor starts. */
  start?(rt: ObjectRuntime): MaybePromise<void>;
  stop?(): MaybePromise<void>;
  /** Dynamic value of a readable resource; return undefined to use the stored value. */
  read?(t: HookTarget, rt: ObjectRuntime): MaybePromise<ResourceValue | Status | undefined>;
  /**
   * Validation of one written resource, after the definition's checks (type, range, enum, size): return nothing to
   * accept, a 4.xx/5.xx Status to refuse the whole operation, or a 2.xx Status for "accepted, do not keep the value"
   * (e.g. a firmware package streamed elsewhere). Keep it free of side effects: a later resource of the same Write
   * may still be refused. Side effects go in `apply`.
   */
  write?(t: HookTarget, value: ResourceValue, rt: ObjectRuntime): MaybePromise<void | Status>;
  /**
   * Called once per Write / Write-Update / Write-Composite part / Bootstrap-Write / Create after every resource passed
   * validation (the definition, then `write` per resource, or `create`) and the values are stored: the place for side
   * effects (drive a relay, tell another actor). `rt.get` already returns the new values; `previous` holds the old.
   * A 4.xx/5.xx Status undoes the stored values and is the operation's answer; observers hear of the change only after.
   */
  apply?(w: AppliedWrite, rt: ObjectRuntime): MaybePromise<void | Status>;
  /** Execute with the raw argument string (LwM2M 1.1 Execute arguments, e.g. "0='abc',1"). */
  execute?(t: HookTarget, args: string, rt: ObjectRuntime): MaybePromise<void | Status>;
  create?(
    instanceId: number,
    values: ReadonlyMap<number, ResourceValue>,
    rt: ObjectRuntime,
  ): MaybePromise<void | Status>;
  delete?(instanceId: number, rt: ObjectRuntime): MaybePromise<void | Status>;
  /** Extra parameters of an instance's link in a Bootstrap-Discover answer (objects 0 and 1: `ssid`, `uri`). */
  bootstrapLink?(instanceId: number, rt: ObjectRuntime): LinkParams | undefined;
  /** A message from another actor (e.g. 'meter.reading' for object 3424, 'connectivity.update' for object 4). */
  receive?(msg: OpenMessage, rt: ObjectRuntime): MaybePromise<unknown>;
}

/** Identity helper that gives plugin authors type checking: `export default defineObject({...})`. */
export function defineObject(spec: ObjectSpec): ObjectSpec {
  return spec;
}
