// object.actor.ts: hosts one ObjectHost for one ObjectSpec module: answers socket requests, runs observations
// (pmin/pmax timers), routes messages to the spec.
import { defineActor, type ActorContext, type ActorInstance, type ActorModule } from '../runtime/actor-api.js';
import { unhandled } from '../runtime/dispatch.js';
import { ObjectHost } from '../lwm2m/object-host.js';
import type { ObjectSpec } from '../lwm2m/object-api.js';
import type { LwRecord, Path } from '../lwm2m/types.js';
import type { Attributes } from '../lwm2m/attributes.js';
import {
  initialState,
  mayEvaluate,
  nextWake,
  numericValue,
  onChange,
  onTimer,
  sent,
  type Decision,
  type PlanState,
} from '../lwm2m/observe-plan.js';
import { isPrefix } from '../lwm2m/path.js';
import { isStatus } from '../lwm2m/object-api.js';
import { backgroundClock, type Clock } from '../clock.js';
import { CodedError } from '../errors.js';
import {
  ActorNames,
  type Accepted,
  type ObjectCancelObserve,
  type ObjectNotify,
  type ObjectObserve,
  type ObjectRegistrationNew,
  type ObjectRequest,
} from '../messages/index.js';

/**
 * The messages every object actor takes (the host refuses no others: the rest go to the spec's own `receive`,
 * e.g. 'meter.reading' for object 3424, 'server.settings' for object 1, a plugin's own types).
 */
export const OBJECT_ACCEPTS = [
  'object.request',
  'object.observe',
  'object.cancel-observe',
  'object.observations',
  'object.registration-new',
] as const;
export type ObjectInbound = Accepted<typeof OBJECT_ACCEPTS>;
import { attributeStore } from '../objects/attr-store.js';
import type { OpResult } from '../lwm2m/operations/types.js';
import { restoreInstances, snapshotInstances, type InstanceSnapshot } from '../lwm2m/instance-snapshot.js';
import { startMachine } from '../runtime/inspect.js';
import { objectMachine, TRACKED_OPERATIONS } from '../objects/machine.js';

export interface ObjectActorOptions {
  /** The spec to host; without it the module named by ctx.config.spec is loaded. */
  spec?: ObjectSpec;
  timers?: Clock;
  /** Format for multi-value reads without Accept (default: ctx.config.preferredFormat or SenML CBOR). */
  preferredFormat?: number;
}

interface Observation {
  id: string;
  path: Path;
  accept: number | undefined;
  serverId: number;
  attrs: Attributes;
  defaults: Attributes | undefined;
  state: PlanState;
  timer: unknown;
  mode: 'encoded' | 'records';
  notifyTo: string;
  busy: boolean;
  /** A change arrived within epmin of the last evaluation: evaluate at lastEvalAt + epmin. */
  deferred: boolean;
  /** Kept while the path is absent (Observe-Composite part); `absent` says whether it was at the last read. */
  whileAbsent: boolean;
  absent: boolean;
}

/**
 * Loads an ObjectSpec module: 'objects/device.js' (relative to dist/src) or a file:// URL; default export or `spec`.
 */
export async function loadSpec(ref: string): Promise<ObjectSpec> {
  const url = ref.startsWith('file:') ? ref : new URL('../' + ref.replace(/^\.?\//, ''), import.meta.url).href;
  const mod = (await import(url)) as { default?: ObjectSpec; spec?: ObjectSpec };
  const spec = mod.default ?? mod.spec;
  if (!spec || typeof spec !== 'object' || !('definition' in spec))
    throw new CodedError('OBJECT_SPEC_INVALID', `${ref} exports no ObjectSpec`);
  return spec;
}

function singleNumber(recs: readonly LwRecord[]): number | undefined {
  return recs.length === 1 ? numericValue(recs[0].value) : undefined;
}

export async function createObjectActor(
  ctx: ActorContext,
  opts: ObjectActorOptions = {},
): Promise<ActorInstance<ObjectInbound>> {
  const timers = opts.timers ?? backgroundClock;
  const specRef = ctx.config.spec;
  const spec = opts.spec ?? (typeof specRef === 'string' ? await loadSpec(specRef) : undefined);
  if (!spec) throw new CodedError('OBJECT_SPEC_INVALID', `${ctx.name}: config.spec names no object module`);
  const clientSection = ctx.fullConfig.client as
    { preferredFormat?: unknown; maxValueBytes?: unknown; maxInstances?: unknown } | undefined;
  const fromConfig = ctx.config.preferredFormat ?? clientSection?.preferredFormat;
  const preferred = opts.preferredFormat ?? (typeof fromConfig === 'number' ? fromConfig : undefined);
  const log = ctx.log.child({ mod: 'object', object: spec.definition.id });
  // The lifecycle statechart (inspection, `diagram object:N`): lifecycle changes, observations, notifications and the
  // operations that change the object go through it; reads do not.
  const life = startMachine(
    ctx,
    objectMachine.provide({
      // After a supervisor restart the socket still holds the server's relations: it has us observe them again.
      actions: { announce: () => ctx.publish({ type: 'object.started', objectId: spec.definition.id }) },
    }),
    { input: { objectId: spec.definition.id } },
  );
  const settled = (): void => {
    life.send({ type: 'object.done' });
  };
  const host = new ObjectHost(spec, {
    // the spec may be a plugin's: its messages go out through the open form (built-in types still checked)
    emit: ctx.open.send,
    publish: ctx.open.publish,
    send: (paths) => ctx.send(ActorNames.client, { type: 'lwm2m.send', paths: paths.map((p) => [...p]) }),
    request: ctx.open.request,
    log: {
      info: (o, m) => log.info(o, m),
      warn: (o, m) => log.warn(o, m),
      error: (o, m) => log.error(o, m),
      debug: (o, m) => log.debug(o, m),
    },
    config: { ...ctx.fullConfig, ...ctx.config },
    ...(opts.timers ? { clock: opts.timers } : {}),
    ...(preferred !== undefined ? { preferredFormat: preferred } : {}),
    ...(typeof clientSection?.maxValueBytes === 'number' ? { maxValueBytes: clientSection.maxValueBytes } : {}),
    ...(typeof clientSection?.maxInstances === 'number' ? { maxInstances: clientSection.maxInstances } : {}),
  });
  const observations = new Map<string, Observation>();
  let started = false;

  const stopTimer = (o: Observation): void => {
    if (o.timer !== undefined) timers.clearTimeout(o.timer);
    o.timer = undefined;
  };
  const schedule = (o: Observation, at: number | undefined): void => {
    stopTimer(o);
    if (at === undefined) return;
    o.timer = timers.setTimeout(
      () => {
        o.timer = undefined;
        void tick(o);
      },
      Math.max(0, at - timers.now()),
    );
  };
  const end = (o: Observation): void => {
    stopTimer(o);
    if (observations.delete(o.id)) life.send({ type: 'object.observe', count: observations.size });
  };

  const current = async (o: Observation): Promise<LwRecord[] | OpResult> => {
    const r = await host.readRecords(o.path, o.serverId, false, true);
    return isStatus(r) ? { code: r.code } : r;
  };

  const notify = async (o: Observation, recs?: LwRecord[]): Promise<void> => {
    const got = recs ?? (await current(o));
    if (!observations.has(o.id)) return;
    const msg: ObjectNotify = { type: 'object.notify', observationId: o.id, code: '2.05' };
    o.absent = !Array.isArray(got) && got.code === '4.04';
    if (!Array.isArray(got)) {
      msg.code = got.code;
      if (!(o.whileAbsent && o.absent)) end(o);
    } else if (o.mode === 'records') {
      msg.records = got;
      sent(o.state, timers.now(), singleNumber(got));
    } else {
      const enc = host.encodeRead(o.path, got, o.accept);
      msg.code = enc.code;
      if (enc.contentFormat !== undefined) msg.contentFormat = enc.contentFormat;
      if (enc.payload) msg.payload = enc.payload;
      sent(o.state, timers.now(), singleNumber(got));
      if (enc.code !== '2.05') end(o);
    }
    ctx.send(o.notifyTo, msg);
    life.send({ type: 'object.notify' });
    if (observations.has(o.id)) schedule(o, nextWake(o.attrs, o.state));
  };

  const decide = async (o: Observation, d: Decision, recs?: LwRecord[]): Promise<void> => {
    if (d.notify) await notify(o, recs);
    else schedule(o, d.wakeAt);
  };

  const tick = async (o: Observation): Promise<void> => {
    if (!observations.has(o.id)) return;
    if (o.deferred && mayEvaluate(o.attrs, o.state, timers.now())) {
      o.deferred = false;
      const recs = await current(o);
      if (!Array.isArray(recs)) {
        await notify(o);
        return;
      }
      await decide(o, onChange(o.attrs, o.state, timers.now(), singleNumber(recs)), recs);
      return;
    }
    // epmax: re-evaluate a dynamic value (read hook) and treat a change like a set
    if (spec.read && o.attrs.epmax !== undefined) {
      const recs = await current(o);
      if (Array.isArray(recs)) {
        const v = singleNumber(recs);
        const changed = v === undefined || v !== o.state.lastSentValue;
        if (changed) {
          await decide(o, onChange(o.attrs, o.state, timers.now(), v), recs);
          return;
        }
      }
    }
    await decide(o, onTimer(o.attrs, o.state, timers.now()));
  };

  host.onChange((paths) => {
    for (const o of observations.values()) {
      if (!paths.some((p) => isPrefix(o.path, p) || isPrefix(p, o.path))) continue;
      if (o.busy || o.deferred) continue;
      if (!mayEvaluate(o.attrs, o.state, timers.now())) {
        o.deferred = true;
        const at = o.state.lastEvalAt + (o.attrs.epmin ?? 0) * 1000;
        const wake = nextWake(o.attrs, o.state);
        schedule(o, wake === undefined ? at : Math.min(at, wake));
        continue;
      }
      o.busy = true;
      void current(o)
        .then(async (recs) => {
          o.busy = false;
          if (!observations.has(o.id)) return;
          if (!Array.isArray(recs)) {
            await notify(o, undefined);
            return;
          }
          await decide(o, onChange(o.attrs, o.state, timers.now(), singleNumber(recs)), recs);
        })
        .catch((err: unknown) => {
          o.busy = false;
          log.warn({ err: (err as Error).message }, 'observation update failed');
        });
    }
  });
  host.onInstancesChanged(() => {
    // published: every LwM2M server's client announces the change with an Update
    if (started) ctx.publish({ type: 'lwm2m.objects-changed' });
    // observations of deleted instances end with 4.04; those kept while absent (composite parts) report 4.04 and,
    // once the instance is created again, its values
    for (const o of [...observations.values()]) {
      const exists = o.path.length < 2 || host.instanceIds().includes(o.path[1]);
      if (!exists ? !o.absent || !o.whileAbsent : o.absent) void notify(o);
    }
  });

  const onObjectObserve = async (m: ObjectObserve): Promise<OpResult> => {
    const prev = observations.get(m.observationId);
    if (prev) end(prev);
    const serverId = m.serverId ?? 0;
    const read = await host.readRecords(m.path, serverId, false, true);
    const whileAbsent = m.whileAbsent === true && m.mode === 'records';
    const absent = isStatus(read) && read.code === '4.04';
    if (isStatus(read) && !(absent && whileAbsent)) return { code: read.code };
    const recs = isStatus(read) ? [] : read;
    const first: OpResult =
      m.mode === 'records' ? { code: '2.05', records: recs } : host.encodeRead(m.path, recs, m.accept);
    if (first.code !== '2.05') return first;
    const attrs = host.effectiveAttributes(m.path, serverId, m.defaults);
    const o: Observation = {
      id: m.observationId,
      path: [...m.path],
      accept: m.accept,
      serverId,
      attrs,
      defaults: m.defaults,
      state: initialState(timers.now(), singleNumber(recs)),
      timer: undefined,
      mode: m.mode ?? 'encoded',
      notifyTo: m.notifyTo ?? 'socket',
      busy: false,
      deferred: false,
      whileAbsent,
      absent,
    };
    observations.set(o.id, o);
    life.send({ type: 'object.observe', count: observations.size });
    schedule(o, nextWake(attrs, o.state));
    return first;
  };

  const onObjectCancelObserve = (m: ObjectCancelObserve): { ok: true } => {
    for (const o of [...observations.values()]) {
      if (
        m.observationId !== undefined ? o.id === m.observationId : m.serverId === undefined || o.serverId === m.serverId
      )
        end(o);
    }
    return { ok: true };
  };

  // Objects 0, 1 and 2 (or any with config.persist) keep server-written instances in the store across restarts.
  const persist =
    ctx.config.persist === true ||
    (ctx.config.persist !== false &&
      (spec.definition.id === 0 || spec.definition.id === 1 || spec.definition.id === 2));
  if (persist) {
    try {
      const snap = await ctx.store.read<InstanceSnapshot>('instances');
      if (snap !== undefined && snap !== null) host.restore(restoreInstances(snap));
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'stored instances unreadable; starting from config');
    }
  }
  let saving = Promise.resolve();
  const save = (): void => {
    if (!persist) return;
    const snap = snapshotInstances(host.allInstances());
    saving = saving
      .then(() => ctx.store.write('instances', snap))
      .catch((err: unknown) => log.error({ err: (err as Error).message }, 'cannot store instances'));
  };
  // Write-Attributes (per server) survive a restart of the actor or the process; a new Register drops them.
  const attrStore = attributeStore(ctx.store, host, log);
  await attrStore.load();
  const onObjectRegistrationNew = (m: ObjectRegistrationNew): { ok: true } => {
    onObjectCancelObserve({ type: 'object.cancel-observe', serverId: m.serverId });
    if (host.clearAttributes(m.serverId)) attrStore.save();
    return { ok: true };
  };
  try {
    if (spec.start) await spec.start(host.runtime);
  } catch (err) {
    life.send({
      type: 'object.start-failed',
      code: (err as { code?: string }).code ?? 'OBJECT_START_FAILED',
      message: (err as Error).message,
    });
    life.stop();
    throw err;
  }
  started = true;
  life.send({ type: 'object.started' });

  /** One LwM2M operation; persists what changed (instances, attributes) and refreshes observations' attributes. */
  const operation = (m: ObjectRequest): Promise<OpResult> => {
    const mutating =
      m.op === 'write' || m.op === 'write-update' || m.op === 'create' || m.op === 'delete' || m.op === 'write-records';
    const r =
      mutating && persist
        ? host.handle(m).then((res) => {
            if (res.code.startsWith('2.')) save();
            return res;
          })
        : host.handle(m);
    if (m.op === 'delete') {
      // a deleted instance takes its attributes with it
      return r.then((res) => {
        if (res.code === '2.02') attrStore.save();
        return res;
      });
    }
    if (m.op === 'write-attributes') {
      // attributes changed: store them, refresh the attributes of observations under the path
      return r.then((res) => {
        if (res.code === '2.04') attrStore.save();
        if (res.code === '2.04')
          for (const o of observations.values()) {
            if (isPrefix(m.path, o.path) || isPrefix(o.path, m.path)) {
              o.attrs = host.effectiveAttributes(o.path, o.serverId, o.defaults);
              schedule(o, nextWake(o.attrs, o.state));
            }
          }
        return res;
      });
    }
    return r;
  };

  /** object.request: operations that change the object go through the lifecycle machine (busy until answered). */
  const onObjectRequest = (m: ObjectRequest): Promise<OpResult> => {
    if (!TRACKED_OPERATIONS.has(m.op)) return operation(m);
    life.send({ type: 'object.request', op: m.op });
    const r = operation(m);
    void r.then(settled, settled);
    return r;
  };

  return {
    receive(msg: ObjectInbound): unknown {
      switch (msg.type) {
        case 'object.request':
          return onObjectRequest(msg);
        case 'object.observe':
          return onObjectObserve(msg);
        case 'object.cancel-observe':
          return onObjectCancelObserve(msg);
        case 'object.observations':
          return { ids: [...observations.keys()] };
        case 'object.registration-new':
          return onObjectRegistrationNew(msg);
        default:
          return unhandled(ctx.name, msg);
      }
    },
    /** Any other type is the spec's (e.g. 'meter.reading' for object 3424, a plugin's own). */
    receiveOther(msg) {
      return spec.receive ? spec.receive(msg, host.runtime) : undefined;
    },
    async stop(): Promise<void> {
      life.send({ type: 'object.stop' });
      for (const o of [...observations.values()]) end(o);
      await saving;
      await attrStore.flushed();
      if (spec.stop) await spec.stop();
      life.send({ type: 'object.stopped' });
      life.stop();
    },
  };
}

/** Factory for tests and the runtime: an object actor module with injected timers / spec. */
export function objectActorModule(opts: ObjectActorOptions = {}): ActorModule {
  return defineActor({
    machine: objectMachine,
    accepts: OBJECT_ACCEPTS,
    create: (ctx) => createObjectActor(ctx, opts),
  });
}

export default objectActorModule();
