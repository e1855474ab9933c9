// worker.ts: the piscina task that hosts one actor in a worker thread: loads its module, wires its context to the port,
// runs until stopped.
import type { MessagePort } from 'node:worker_threads';
import type { AnyActorRef } from 'xstate';
import { join } from 'node:path';
import { CodedError, fromWireError, toWireError, type WireError } from '../errors.js';
import { log, setLogLevel } from './log.js';
import { FileStore } from './store.js';
import { registerInspector } from './inspect.js';
import {
  transferables,
  type FromWorker,
  type PeerWire,
  type StartTask,
  type TaskEnd,
  type ToWorker,
  type WireMessage,
} from './wire.js';
import { cloneMessage } from './clone.js';
import { idleDeadline } from './idle-deadline.js';
import { installFaultBoundary, runAs, type FaultKind, type FaultOwner } from './fault-boundary.js';
import type { ActorContext, ActorInstance, ActorModule, PluginActorContext, PluginActorModule } from './actor-api.js';
import { dispatch, type DispatchTarget } from './dispatch.js';

type InspectedSnapshot = { status?: 'active' | 'done' | 'error' | 'stopped'; context?: unknown; value?: unknown };

/** Systems already wired to an inspector (startMachine wires at creation, ctx.inspect afterwards). */
const inspected = new WeakSet<object>();

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  /** Date.now() after which the request fails with ACTOR_TIMEOUT. */
  due: number;
  timeoutMs: number;
  type: string;
  to: string;
  via: string | undefined;
}

/** File name under the state directory for an actor's own store ('object:3' → 'object_3'). */
export function actorStoreDir(stateDir: string, name: string): string {
  return join(stateDir, 'actors', name.replace(/[^A-Za-z0-9._-]/g, '_'));
}

/**
 * Actors running in this worker thread (shared placement puts several here), by name. Messages between them skip the
 * MessagePort: a structured clone keeps each actor's state its own, as a port would, at a fraction of the cost
 * (the Read hot path socket → object:N → socket is two hops per request).
 */
const localHosts = new Map<string, ActorHost>();

/** Every actor generation of this thread that has not finished yet (running or still starting). */
const liveHosts = new Set<ActorHost>();

class ActorHost implements FaultOwner {
  private readonly port: MessagePort;
  private readonly peers = new Map<string, MessagePort>();
  private readonly pending = new Map<string, Pending>();
  private seq = 0;
  /** Request ids are this prefix and a sequence number. */
  private readonly idPrefix: string;
  /** One timer for every pending request's deadline (armed for the earliest), not a timer per request. */
  private deadlineTimer: NodeJS.Timeout | undefined;
  private deadlineAt = Infinity;
  private instance: ActorInstance | undefined;
  /** The instance and the message types it accepts (the boundary of its typed receive). */
  private target: DispatchTarget | undefined;
  private readonly store: FileStore;
  /** Built-in actors see the typed context, plugin actors the open one: the same functions. */
  private readonly ctx: ActorContext & PluginActorContext;
  private settle!: (end: TaskEnd) => void;
  private done = false;

  constructor(private readonly task: StartTask) {
    this.port = task.port;
    this.idPrefix = `${task.name}#${task.generation}#`;
    this.store = new FileStore(actorStoreDir(task.stateDir, task.name));
    const messaging = {
      send: (to: string, msg: WireMessage): void => this.sendTo(to, msg),
      // the reply's type is the receiver's side of the message map: it crosses the thread unchecked
      request: <R>(to: string, msg: WireMessage, opts?: { timeoutMs?: number }): Promise<R> =>
        this.requestTo(to, msg, opts?.timeoutMs) as Promise<R>,
      publish: (msg: WireMessage): void => this.post({ t: 'publish', msg }),
    };
    this.ctx = {
      name: task.name,
      config: Object.freeze({ ...task.config }),
      fullConfig: Object.freeze({ ...task.fullConfig }),
      log: log.child({ actor: task.name, ...task.logFields }),
      store: this.store,
      ...messaging,
      open: messaging,
    };
  }

  get name(): string {
    return this.task.name;
  }

  get finished(): boolean {
    return this.done;
  }

  get log(): ActorContext['log'] {
    return this.ctx.log;
  }

  /** The fault boundary's verdict: an error this actor's code (or what it scheduled) left uncaught. */
  fault(err: unknown, kind: FaultKind): void {
    const e = toWireError(err);
    this.fail(
      new CodedError(
        'ACTOR_FAULT',
        `${kind} in ${this.task.name}: ${e.code === 'INTERNAL' ? '' : `${e.code}: `}${e.message}`,
        { kind, last: e },
      ),
    );
  }

  private post(m: FromWorker): void {
    if (this.done) return;
    this.port.postMessage(m, transferables(m));
  }

  /** Delivers a message or request from an actor in this same thread (see localHosts). */
  deliverLocal(m: PeerWire, answer: (r: PeerWire) => void): void {
    queueMicrotask(() => this.handle(m, answer));
  }

  /** An actor in this thread stopped or failed: requests it had not answered fail now instead of timing out. */
  localGone(name: string): void {
    for (const [id, p] of this.pending) {
      if (p.via === `local:${name}`)
        this.settleReply(id, false, undefined, {
          code: 'ACTOR_UNAVAILABLE',
          message: `actor ${name} went away during the request`,
        });
    }
  }

  private local(to: string): ActorHost | undefined {
    const h = localHosts.get(to);
    return h !== undefined && h !== this ? h : undefined;
  }

  private sendTo(to: string, msg: WireMessage): void {
    if (this.done) return; // a timer or callback of a generation that already failed or stopped
    const local = this.local(to);
    if (local) {
      local.deliverLocal({ t: 'message', from: this.task.name, msg: cloneMessage(msg) }, () => undefined);
      return;
    }
    const peer = this.peers.get(to);
    if (peer) {
      const w: PeerWire = { t: 'message', from: this.task.name, msg };
      peer.postMessage(w, transferables(w));
    } else {
      this.post({ t: 'send', to, msg });
    }
  }

  private requestTo(to: string, msg: WireMessage, timeoutMs = this.task.requestTimeoutMs): Promise<unknown> {
    if (this.done) return Promise.reject(new CodedError('ACTOR_STOPPED', `actor ${this.task.name} has stopped`));
    const id = this.idPrefix + ++this.seq;
    return new Promise((resolve, reject) => {
      const due = Date.now() + timeoutMs;
      this.armDeadline(due);
      const local = this.local(to);
      if (local) {
        this.pending.set(id, { resolve, reject, due, timeoutMs, type: msg.type, to, via: `local:${to}` });
        local.deliverLocal({ t: 'request', id, from: this.task.name, msg: cloneMessage(msg) }, (r) => {
          const reply = cloneMessage(r);
          queueMicrotask(() => this.handle(reply, () => undefined));
        });
        return;
      }
      const peer = this.peers.get(to);
      this.pending.set(id, { resolve, reject, due, timeoutMs, type: msg.type, to, via: peer ? to : undefined });
      if (peer) {
        const w: PeerWire = { t: 'request', id, from: this.task.name, msg };
        peer.postMessage(w, transferables(w));
      } else {
        this.post({ t: 'request', id, to, msg });
      }
    });
  }

  /**
   * The deadline timer fires by the earliest due request; it stays armed when that one is answered (cheaper than
   * re-arming per request).
   */
  private armDeadline(due: number): void {
    if (due >= this.deadlineAt) return;
    if (this.deadlineTimer !== undefined) clearTimeout(this.deadlineTimer);
    this.deadlineAt = due;
    // unref: the actor's ports keep the thread alive while it runs; a deadline alone must not.
    this.deadlineTimer = setTimeout(() => this.expire(), Math.max(0, due - Date.now())).unref();
  }

  private expire(): void {
    this.deadlineTimer = undefined;
    this.deadlineAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    for (const [id, p] of this.pending) {
      if (p.due > now) {
        next = Math.min(next, p.due);
        continue;
      }
      this.pending.delete(id);
      p.reject(new CodedError('ACTOR_TIMEOUT', `request ${p.type} to ${p.to} timed out after ${p.timeoutMs} ms`));
    }
    if (next !== Infinity) this.armDeadline(next);
  }

  private settleReply(id: string, ok: boolean, value: unknown, error: WireError | undefined): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (ok) p.resolve(value);
    else p.reject(fromWireError(error ?? { code: 'INTERNAL', message: 'request failed' }));
  }

  /**
   * Runs a message or request through the actor, as its code (fault boundary); `answer` replies on the channel it came
   * from.
   */
  private handle(m: PeerWire, answer: (r: PeerWire) => void): void {
    runAs(this, () => this.handleAs(m, answer));
  }

  private handleAs(m: PeerWire, answer: (r: PeerWire) => void): void {
    if (m.t === 'reply') {
      this.settleReply(m.id, m.ok, m.value, m.error);
      return;
    }
    const target = this.target;
    if (!target) return;
    if (m.t === 'message') {
      let r: unknown;
      try {
        r = dispatch(target, m.msg);
      } catch (e) {
        // a message of a type this actor does not take is dropped: the sender waits for no answer
        if (e instanceof CodedError && (e.code === 'UNKNOWN_MESSAGE' || e.code === 'BAD_MESSAGE')) {
          this.ctx.log.warn({ code: e.code, from: m.from }, e.message);
          return;
        }
        this.fail(e);
        return;
      }
      if (r instanceof Promise) r.catch((e: unknown) => this.fail(e));
      return;
    }
    // request: the returned value (or rejection) is the reply
    const id = m.id;
    let r: unknown;
    try {
      r = dispatch(target, m.msg);
    } catch (e) {
      this.reply(answer, id, false, e);
      return;
    }
    if (typeof (r as { then?: unknown } | null)?.then === 'function') {
      // one promise per request (a then on the actor's own), not a chain
      Promise.resolve(r).then(
        (v) => this.reply(answer, id, true, v),
        (e: unknown) => this.reply(answer, id, false, e),
      );
    } else {
      this.reply(answer, id, true, r);
    }
  }

  /** Sends a request's reply; a reply that cannot be sent (a value that does not clone) fails the actor. */
  private reply(answer: (r: PeerWire) => void, id: string, ok: boolean, v: unknown): void {
    try {
      answer(ok ? { t: 'reply', id, ok: true, value: v } : { t: 'reply', id, ok: false, error: toWireError(v) });
    } catch (e) {
      this.fail(e);
    }
  }

  private onMain(m: ToWorker): void {
    switch (m.t) {
      case 'peer': {
        this.peers.get(m.name)?.close();
        const port = m.port;
        this.peers.set(m.name, port);
        port.on('message', (pm: PeerWire) => this.handle(pm, (r) => port.postMessage(r, transferables(r))));
        port.on('close', () => this.dropPeer(m.name, port));
        break;
      }
      case 'unpeer': {
        const port = this.peers.get(m.name);
        if (port) {
          this.dropPeer(m.name, port);
          port.close();
        }
        break;
      }
      case 'stop':
        void this.stop();
        break;
      default:
        this.handle(m, (r) => this.post(r as FromWorker));
    }
  }

  private dropPeer(name: string, port: MessagePort): void {
    if (this.peers.get(name) !== port) return;
    this.peers.delete(name);
    for (const [id, p] of this.pending) {
      if (p.via === name)
        this.settleReply(id, false, undefined, {
          code: 'ACTOR_UNAVAILABLE',
          message: `actor ${name} went away during the request`,
        });
    }
  }

  async run(): Promise<TaskEnd> {
    const finished = new Promise<TaskEnd>((resolve) => {
      this.settle = resolve;
    });
    this.port.on('message', (m: ToWorker) => this.onMain(m));
    liveHosts.add(this);
    await runAs(this, () => this.startAs());
    return finished;
  }

  private async startAs(): Promise<void> {
    try {
      if (this.task.inspect) await this.setupInspection();
      const loaded = (await import(this.task.moduleUrl)) as { default?: ActorModule | PluginActorModule };
      const mod = loaded.default;
      if (!mod || typeof mod.create !== 'function') {
        throw new CodedError('ACTOR_BAD_MODULE', `${this.task.moduleUrl} has no default ActorModule export`);
      }
      const instance = await this.created(mod);
      if (this.done) {
        // failed while starting (an error its start scheduled): the instance it built is stopped, never used
        void Promise.resolve()
          .then(() => instance.stop())
          .catch(() => undefined);
        return;
      }
      this.instance = instance;
      const accepts = 'accepts' in mod ? mod.accepts : undefined;
      this.target = { name: this.task.name, instance, accepts: accepts ? new Set(accepts) : undefined };
      localHosts.set(this.task.name, this);
      this.post({ t: 'ready', subscribes: [...(mod.subscribes ?? [])] });
    } catch (e) {
      this.fail(e);
    }
  }

  /**
   * The actor's create, within startTimeoutMs of idle thread time: a create that never finishes fails the actor instead
   * of holding it.
   */
  private created(mod: ActorModule | PluginActorModule): Promise<ActorInstance> {
    const limit = this.task.startTimeoutMs;
    const creating = Promise.resolve(mod.create(this.ctx));
    if (limit === undefined) return creating;
    let cancel = (): void => undefined;
    let timedOut = false;
    // Counted in idle time of this thread: in a shared worker every actor starts at once, and while the thread
    // compiles the others' modules (or the machine is loaded) a create that is merely waiting its turn is not late.
    const late = new Promise<never>((_, reject) => {
      cancel = idleDeadline(limit, () => {
        timedOut = true;
        reject(new CodedError('ACTOR_START_TIMEOUT', `actor ${this.task.name} did not start within ${limit} ms`));
      });
    });
    // the instance of a create that finishes after the limit is stopped, never used
    creating.then(
      (inst) => {
        if (timedOut)
          void Promise.resolve()
            .then(() => inst.stop())
            .catch(() => undefined);
      },
      () => undefined,
    );
    return Promise.race([creating, late]).finally(() => cancel());
  }

  private async setupInspection(): Promise<void> {
    const { createInspector } = await import('@statelyai/inspect');
    const inspector = createInspector({
      send: (event) => {
        let json: string;
        try {
          json = JSON.stringify(event, (_k, v: unknown) =>
            typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? `<${v.byteLength} bytes>` : v,
          );
        } catch {
          return;
        }
        this.post({ t: 'inspection', json });
      },
    });
    registerInspector(this.ctx, inspector.inspect);
    // Actors created without startMachine can still be inspected: ctx.inspect(ref) attaches to the ref's system.
    (this.ctx as { inspect?: (ref: AnyActorRef) => void }).inspect = (ref: AnyActorRef): void => {
      if (inspected.has(ref.system)) return;
      inspected.add(ref.system);
      inspector.actor(ref, ref.getSnapshot() as InspectedSnapshot);
      ref.system.inspect(inspector.inspect);
    };
  }

  private fail(e: unknown): void {
    if (this.done) return;
    const error = toWireError(e);
    this.ctx.log.error({ err: error }, `actor ${this.task.name} failed: ${error.message}`);
    this.post({ t: 'error', error });
    this.cleanup();
    const inst = this.instance;
    this.instance = undefined;
    this.target = undefined;
    // Best effort: a failed actor in a shared worker must not keep timers or sockets alive.
    if (inst)
      void Promise.resolve()
        .then(() => inst.stop())
        .catch(() => undefined);
    this.settle({ failed: error });
  }

  private async stop(): Promise<void> {
    if (this.done) return;
    try {
      await runAs(this, () => this.instance?.stop());
      await this.store.flush();
    } catch (e) {
      this.fail(e);
      return;
    }
    this.post({ t: 'stopped' });
    this.cleanup();
    this.settle('stopped');
  }

  private cleanup(): void {
    this.done = true;
    liveHosts.delete(this);
    if (localHosts.get(this.task.name) === this) {
      localHosts.delete(this.task.name);
      for (const h of localHosts.values()) h.localGone(this.task.name);
    }
    if (this.deadlineTimer !== undefined) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    for (const [id, p] of this.pending) {
      p.reject(new CodedError('ACTOR_STOPPED', `actor ${this.task.name} stopped before ${id} was answered`));
    }
    this.pending.clear();
    for (const p of this.peers.values()) p.close();
    this.peers.clear();
    this.port.close();
  }
}

/** piscina task entry: runs one actor until it is told to stop (resolves) or fails (rejects). */
export default async function runActorTask(task: StartTask): Promise<TaskEnd> {
  setLogLevel(task.logLevel);
  installFaultBoundary(() => liveHosts, log.child({ mod: 'worker' }));
  return new ActorHost(task).run();
}
