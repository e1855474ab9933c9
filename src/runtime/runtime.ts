// runtime.ts: the main-thread actor runtime: piscina pools by placement, routing by name, publish, direct channels,
// supervision, shutdown.
import { EventEmitter } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { realClock, type Clock } from '../clock.js';
import { CodedError, toWireError, type WireError } from '../errors.js';
import { log, writeWorkerLogLine, type LogEntryMessage } from './log.js';
import { CrashPolicy } from './supervisor.js';
import { prefixInspectionEvent } from './inspect-relay.js';
import {
  matchesName,
  matchesSubscription,
  transferables,
  type FromWorker,
  type StartTask,
  type TaskEnd,
  type ToWorker,
} from './wire.js';
import type { Placement, SupervisorConfig } from './config.js';
import { RUNTIME_ADDRESS } from './actor-api.js';

const rlog = log.child({ mod: 'runtime' });

/** The name actors send to for the main thread itself ('control' event; fire-and-forget messages only). */
export { RUNTIME_ADDRESS };

/** Room a shared worker keeps for actors added after start (two further LwM2M servers' client/socket pairs). */
const SPARE_TASKS = 4;

/** One actor to run: a unique name, its module (file:// URL), and its own options (ctx.config). */
export interface ActorSpec {
  name: string;
  moduleUrl: string;
  options?: Record<string, unknown>;
  /** Fields added to every log line of and about this actor (a plugin's name and folder). */
  logFields?: Record<string, string>;
}

export interface RuntimeOptions {
  actors: ActorSpec[];
  placement: Placement;
  supervisor: SupervisorConfig;
  stateDir: string;
  fullConfig?: Record<string, unknown>;
  logLevel?: string;
  inspect?: boolean;
  /** Pairs of actor name patterns ('socket', 'object:*') that get a direct MessageChannel. */
  directPairs?: [string, string][];
  shutdownTimeoutMs?: number;
  /** The clock the supervisor uses for backoff and crash windows (inject a fake in tests). */
  clock?: Clock;
  /** Worker entry (defaults to the compiled worker.js next to this file). */
  workerUrl?: string;
  /**
   * Actors whose give-up is not fatal (plugins): logged, 'gave-up-optional' emitted instead of 'gave-up', and `start()`
   * does not fail because of them; the rest keeps running.
   */
  optionalActors?: readonly string[];
}

type SlotState = 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped' | 'gave-up';

interface Slot {
  spec: ActorSpec;
  group: number;
  state: SlotState;
  port: MessagePort | undefined;
  generation: number;
  subscribes: string[];
  buffer: ToWorker[];
  policy: CrashPolicy;
  task: Promise<unknown> | undefined;
  ready: { resolve(): void; reject(e: unknown): void } | undefined;
  restartTimer: unknown;
  lastError: WireError | undefined;
}

/**
 * Events: 'ready' (name), 'crash' (name, WireError), 'restart' (name, generation), 'gave-up' (name, CodedError),
 * 'gave-up-optional' (name, CodedError), 'control' (msg, from: a message sent to 'runtime'), 'inspection' (event
 * object).
 */
export class Runtime extends EventEmitter {
  private readonly slots = new Map<string, Slot>();
  private readonly order: string[] = [];
  private readonly pools: Piscina[] = [];
  /** Room left per pool for actors added after start. */
  private readonly spare: number[] = [];
  /** Actors added after start(), in order. */
  private readonly added: string[] = [];
  /** Relayed requests in flight: id → requester and target. */
  private readonly relayed = new Map<string, { from: string; to: string }>();
  private readonly clock: Clock;
  private readonly opts: RuntimeOptions;
  private stopping = false;
  private mainSeq = 0;
  private readonly mainPending = new Map<
    string,
    { resolve(v: unknown): void; reject(e: unknown): void; timer: NodeJS.Timeout }
  >();
  /** Counters: messages relayed through the main thread (send, request, reply, publish deliveries). */
  readonly stats = { relayed: 0 };

  constructor(opts: RuntimeOptions) {
    super();
    this.opts = opts;
    this.clock = opts.clock ?? realClock;
    const groups = groupActors(
      opts.actors.map((a) => a.name),
      opts.placement,
    );
    groups.forEach((names) => {
      // a shared or configured group keeps room for actors added later (see add); a worker of one actor does not
      const gi = this.newPool(names.length, names.length === 1 && opts.placement !== 'shared' ? 0 : SPARE_TASKS);
      for (const name of names) {
        const spec = opts.actors.find((a) => a.name === name);
        if (spec) this.slots.set(name, this.newSlot(spec, gi));
      }
    });
  }

  /** A piscina pool of one worker for `size` long-lived actor tasks plus `spare` added later; returns its index. */
  private newPool(size: number, spare: number): number {
    const gi = this.pools.length;
    const pool = new Piscina({
      filename: this.opts.workerUrl ?? new URL('./worker.js', import.meta.url).href,
      minThreads: 1,
      maxThreads: 1,
      concurrentTasksPerWorker: Math.max(1, size + spare),
      atomics: 'disabled',
      idleTimeout: 2 ** 31 - 1,
      resourceLimits: {
        maxOldGenerationSizeMb: this.opts.supervisor.maxOldGenerationSizeMb,
        ...(this.opts.supervisor.maxYoungGenerationSizeMb
          ? { maxYoungGenerationSizeMb: this.opts.supervisor.maxYoungGenerationSizeMb }
          : {}),
      },
    });
    pool.on('message', (m: unknown) => {
      const e = m as Partial<LogEntryMessage>;
      if (e && e.type === 'log' && typeof e.line === 'string') writeWorkerLogLine(e.line);
    });
    pool.on('error', (e: unknown) => rlog.warn({ err: toWireError(e), group: gi }, 'worker error'));
    this.pools.push(pool);
    this.spare.push(spare);
    return gi;
  }

  private newSlot(spec: ActorSpec, group: number): Slot {
    return {
      spec,
      group,
      state: 'stopped',
      port: undefined,
      generation: -1,
      subscribes: [],
      buffer: [],
      policy: new CrashPolicy(this.opts.supervisor),
      task: undefined,
      ready: undefined,
      restartTimer: undefined,
      lastError: undefined,
    };
  }

  /**
   * Starts one more actor after start() (e.g. the client/socket pair of an LwM2M server a bootstrap server added).
   * It shares the worker of `near` when the placement groups actors and that worker has room (SPARE_TASKS), else it
   * gets a worker of its own; it is stopped first on shutdown. Resolves when it is ready.
   */
  add(spec: ActorSpec, near?: string): Promise<void> {
    if (this.stopping)
      return Promise.reject(new CodedError('RUNTIME_STOPPING', `cannot add ${spec.name}: the runtime is stopping`));
    if (this.slots.has(spec.name))
      return Promise.reject(new CodedError('ACTOR_EXISTS', `an actor named ${spec.name} is already running`));
    const host = near !== undefined && this.opts.placement !== 'per-actor' ? this.slots.get(near) : undefined;
    let group: number;
    if (host !== undefined && this.spare[host.group] > 0) {
      group = host.group;
      this.spare[group]--;
    } else {
      group = this.newPool(1, 0);
    }
    const slot = this.newSlot(spec, group);
    this.slots.set(spec.name, slot);
    this.added.push(spec.name);
    this.order.push(spec.name);
    return this.launch(slot);
  }

  /**
   * Stops an actor added with `add` (e.g. the pair of an LwM2M server a bootstrap server removed) within `timeoutMs`
   * and forgets it: its name is free again. Actors of the start-up set are not removable (`ACTOR_NOT_ADDED`).
   */
  async remove(name: string, timeoutMs = 2000): Promise<void> {
    const slot = this.slots.get(name);
    if (slot === undefined) throw new CodedError('ACTOR_UNKNOWN', `no actor named ${name}`);
    if (!this.added.includes(name))
      throw new CodedError('ACTOR_NOT_ADDED', `${name} was not added after start and cannot be removed`);
    if (slot.restartTimer !== undefined) this.clock.clearTimeout(slot.restartTimer);
    if (slot.state === 'running' || slot.state === 'starting' || slot.state === 'restarting') {
      slot.state = 'stopping';
      this.post(slot, { t: 'stop' });
      await Promise.race([
        (slot.task ?? Promise.resolve()).then(
          () => undefined,
          () => undefined,
        ),
        new Promise<void>((r) => setTimeout(r, timeoutMs).unref()),
      ]);
    }
    slot.state = 'stopped';
    for (const w of slot.buffer.splice(0)) this.rejectRequest(w, 'ACTOR_UNAVAILABLE', `actor ${name} was removed`);
    this.slots.delete(name);
    this.added.splice(this.added.indexOf(name), 1);
    this.order.splice(this.order.indexOf(name), 1);
    // a worker of its own goes (a start-up actor always remains in a shared one); a place in a shared one is free again
    if ([...this.slots.values()].some((s) => s.group === slot.group)) this.spare[slot.group]++;
    else await this.pools[slot.group].destroy().catch(() => undefined);
  }

  /** Names of the actors in start order (those added later at the end). */
  get names(): string[] {
    return [...this.opts.actors.map((a) => a.name), ...this.added];
  }

  /** Number of worker threads the placement uses. */
  get workerCount(): number {
    return new Set([...this.slots.values()].map((s) => s.group)).size;
  }

  stateOf(name: string): SlotState | undefined {
    return this.slots.get(name)?.state;
  }

  /** How an actor was declared (its module URL and options): the inspection page draws its statechart from it. */
  specOf(name: string): ActorSpec | undefined {
    return this.slots.get(name)?.spec;
  }

  /** Starts every actor (all at once) and resolves when all are ready; rejects with the first start failure. */
  async start(): Promise<void> {
    const readies = this.opts.actors.map((a) => {
      this.order.push(a.name);
      return this.launch(this.slots.get(a.name)!);
    });
    await Promise.all(readies);
  }

  private launch(slot: Slot): Promise<void> {
    slot.generation++;
    slot.state = slot.generation === 0 ? 'starting' : 'restarting';
    const { port1, port2 } = new MessageChannel();
    slot.port = port1;
    const task: StartTask = {
      t: 'start',
      port: port2,
      name: slot.spec.name,
      moduleUrl: slot.spec.moduleUrl,
      config: slot.spec.options ?? {},
      fullConfig: this.opts.fullConfig ?? {},
      stateDir: this.opts.stateDir,
      logLevel: this.opts.logLevel ?? String(log.level),
      inspect: this.opts.inspect ?? false,
      generation: slot.generation,
      requestTimeoutMs: this.opts.supervisor.requestTimeoutMs,
      startTimeoutMs: this.opts.supervisor.startTimeoutMs,
      ...(slot.spec.logFields ? { logFields: slot.spec.logFields } : {}),
    };
    const ready = new Promise<void>((resolve, reject) => {
      slot.ready = { resolve, reject };
    });
    ready.catch(() => undefined);
    port1.on('message', (m: FromWorker) => this.onWorker(slot, port1, m));
    const gen = slot.generation;
    const run = this.pools[slot.group].run(task, { transferList: [port2] });
    slot.task = run;
    run
      .then(
        (end: TaskEnd) => this.onTaskEnd(slot, gen, typeof end === 'object' ? end.failed : undefined),
        // the thread died (exit, out of memory): the actor's own last word, if it had one, else the thread's error
        (e: unknown) => this.onTaskEnd(slot, gen, slot.lastError ?? toWireError(e)),
      )
      .catch((e: unknown) => rlog.error({ actor: slot.spec.name, err: toWireError(e) }, 'supervisor error'));
    return ready;
  }

  private onWorker(slot: Slot, port: MessagePort, m: FromWorker): void {
    if (slot.port !== port) return; // a previous generation's late message
    switch (m.t) {
      case 'ready':
        slot.subscribes = m.subscribes;
        slot.state = 'running';
        slot.ready?.resolve();
        for (const w of slot.buffer.splice(0)) this.post(slot, w);
        this.openPeers(slot);
        this.emit('ready', slot.spec.name);
        break;
      case 'send':
        this.stats.relayed++;
        this.deliver(m.to, { t: 'message', from: slot.spec.name, msg: m.msg }, slot.spec.name);
        break;
      case 'request':
        this.stats.relayed++;
        this.relayed.set(m.id, { from: slot.spec.name, to: m.to });
        this.deliver(m.to, { t: 'request', id: m.id, from: slot.spec.name, msg: m.msg }, slot.spec.name);
        break;
      case 'reply': {
        const r = this.relayed.get(m.id);
        if (!r) return;
        this.relayed.delete(m.id);
        this.stats.relayed++;
        if (r.from === 'main') {
          this.settleMain(m.id, m.ok, m.value, m.error);
          return;
        }
        const to = this.slots.get(r.from);
        if (to?.state === 'running') this.post(to, m);
        break;
      }
      case 'publish':
        this.stats.relayed++;
        this.publishFrom(slot.spec.name, m.msg);
        break;
      case 'log':
        writeWorkerLogLine(m.line);
        break;
      case 'inspection': {
        const ev = prefixInspectionEvent(m.json, `${slot.spec.name}.${slot.generation}`);
        if (ev) this.emit('inspection', ev);
        break;
      }
      case 'error':
        slot.lastError = m.error;
        break;
      case 'stopped':
        break;
    }
  }

  /** Delivers a published message to every other actor subscribed to its type. */
  private publishFrom(from: string, msg: { type: string; [k: string]: unknown }): void {
    for (const s of this.slots.values()) {
      if (s.spec.name !== from && s.subscribes.some((p) => matchesSubscription(p, msg.type))) {
        this.deliver(s.spec.name, { t: 'message', from, msg }, from);
      }
    }
  }

  private post(slot: Slot, w: ToWorker): void {
    slot.port?.postMessage(w, transferables(w));
  }

  private rejectRequest(w: ToWorker, code: string, message: string): void {
    if (w.t !== 'request') {
      rlog.warn({ code, type: w.t === 'message' ? w.msg.type : w.t }, `message dropped: ${message}`);
      return;
    }
    const r = this.relayed.get(w.id);
    this.relayed.delete(w.id);
    if (r?.from === 'main') {
      this.settleMain(w.id, false, undefined, { code, message });
      return;
    }
    const from = r && this.slots.get(r.from);
    if (from?.state === 'running') this.post(from, { t: 'reply', id: w.id, ok: false, error: { code, message } });
  }

  /** Routes a message or request to an actor by name: posted, buffered while it (re)starts, or rejected. */
  private deliver(to: string, w: ToWorker, _from: string): void {
    if (to === RUNTIME_ADDRESS && w.t === 'message') {
      // Control messages for the main thread itself (e.g. 'device.reboot' from object 3): see `run`.
      this.emit('control', w.msg, w.from);
      return;
    }
    const slot = this.slots.get(to);
    if (!slot) {
      this.rejectRequest(w, 'ACTOR_UNKNOWN', `no actor named ${to}`);
      return;
    }
    switch (slot.state) {
      case 'running':
        this.post(slot, w);
        return;
      case 'starting':
      case 'restarting':
        if (slot.buffer.length < this.opts.supervisor.bufferLimit) slot.buffer.push(w);
        else this.rejectRequest(w, 'ACTOR_UNAVAILABLE', `actor ${to} is restarting and its buffer is full`);
        return;
      default:
        this.rejectRequest(w, 'ACTOR_UNAVAILABLE', `actor ${to} is ${slot.state}`);
    }
  }

  private pairsWith(a: string, b: string): boolean {
    return (this.opts.directPairs ?? []).some(
      ([x, y]) => (matchesName(x, a) && matchesName(y, b)) || (matchesName(x, b) && matchesName(y, a)),
    );
  }

  private openPeers(slot: Slot): void {
    for (const other of this.slots.values()) {
      if (other === slot || other.state !== 'running' || !this.pairsWith(slot.spec.name, other.spec.name)) continue;
      const { port1, port2 } = new MessageChannel();
      slot.port?.postMessage({ t: 'peer', name: other.spec.name, port: port1 } satisfies ToWorker, [port1]);
      other.port?.postMessage({ t: 'peer', name: slot.spec.name, port: port2 } satisfies ToWorker, [port2]);
    }
  }

  /**
   * A task ended: `err` is its failure (the actor's own, or the thread's: exit, out of memory), none when it stopped.
   */
  private onTaskEnd(slot: Slot, gen: number, err: WireError | undefined): void {
    if (gen !== slot.generation) return;
    const name = slot.spec.name;
    const port = slot.port;
    slot.port = undefined;
    port?.close();
    for (const other of this.slots.values()) {
      if (other !== slot && other.state === 'running' && this.pairsWith(name, other.spec.name))
        this.post(other, { t: 'unpeer', name });
    }
    // Requests the dead actor was answering, or had asked, will not be answered through it.
    for (const [id, r] of this.relayed) {
      if (r.to === name)
        this.rejectRequest(
          { t: 'request', id, from: r.from, msg: { type: '?' } },
          'ACTOR_UNAVAILABLE',
          `actor ${name} crashed while handling the request`,
        );
      else if (r.from === name) this.relayed.delete(id);
    }
    // stopping, or removed (see remove): no restart
    if (slot.state === 'stopping' || this.stopping || this.slots.get(name) !== slot) {
      slot.state = 'stopped';
      return;
    }
    const error = err ?? { code: 'ACTOR_EXITED', message: `actor ${name} ended without being stopped` };
    slot.lastError = undefined;
    const wasStarting = slot.state === 'starting' || slot.state === 'restarting';
    const decision = slot.policy.crashed(this.clock.now());
    rlog.warn(
      { actor: name, ...slot.spec.logFields, err: error, crashes: decision.crashesInWindow },
      `actor ${name} crashed: ${error.message}`,
    );
    this.emit('crash', name, error);
    if (decision.action === 'give-up') {
      slot.state = 'gave-up';
      const e = new CodedError(
        'ACTOR_GAVE_UP',
        `actor ${name} gave up after ${decision.crashesInWindow} crashes within ${this.opts.supervisor.windowMs} ms (last: ${error.code}: ${error.message})`,
        { actor: name, last: error },
      );
      for (const w of slot.buffer.splice(0)) this.rejectRequest(w, 'ACTOR_UNAVAILABLE', e.message);
      rlog.error({ actor: name, ...slot.spec.logFields, code: e.code }, e.message);
      if (this.opts.optionalActors?.includes(name)) {
        slot.ready?.resolve();
        this.emit('gave-up-optional', name, e);
        return;
      }
      slot.ready?.reject(e);
      this.emit('gave-up', name, e);
      return;
    }
    slot.state = 'restarting';
    const pendingReady = wasStarting ? slot.ready : undefined;
    slot.restartTimer = this.clock.setTimeout(() => {
      slot.restartTimer = undefined;
      if (this.stopping) return;
      this.emit('restart', name, slot.generation + 1);
      const p = this.launch(slot);
      if (pendingReady)
        p.then(
          () => pendingReady.resolve(),
          (e: unknown) => pendingReady.reject(e),
        );
    }, decision.delayMs);
  }

  /** Sends a message to an actor from the main thread (e.g. the CLI or a test). */
  send(to: string, msg: { type: string; [k: string]: unknown }): void {
    this.deliver(to, { t: 'message', from: 'main', msg }, 'main');
  }

  /** Publishes a message from the main thread to every actor that subscribes to its type (ctx.publish's twin). */
  publish(msg: { type: string; [k: string]: unknown }): void {
    this.publishFrom('main', msg);
  }

  /** Request/response to an actor from the main thread; rejects like ctx.request. */
  request<R = unknown>(
    to: string,
    msg: { type: string; [k: string]: unknown },
    timeoutMs = this.opts.supervisor.requestTimeoutMs,
  ): Promise<R> {
    const id = `main#${++this.mainSeq}`;
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.mainPending.delete(id);
        this.relayed.delete(id);
        reject(new CodedError('ACTOR_TIMEOUT', `request ${msg.type} to ${to} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.mainPending.set(id, { resolve: resolve, reject, timer });
      this.relayed.set(id, { from: 'main', to });
      this.deliver(to, { t: 'request', id, from: 'main', msg }, 'main');
    });
  }

  private settleMain(id: string, ok: boolean, value: unknown, error: WireError | undefined): void {
    const p = this.mainPending.get(id);
    if (!p) return;
    this.mainPending.delete(id);
    clearTimeout(p.timer);
    if (ok) p.resolve(value);
    else p.reject(new CodedError(error?.code ?? 'INTERNAL', error?.message ?? 'request failed', error?.details));
  }

  /** Stops every actor in reverse start order, within `shutdownTimeoutMs` in total; then closes the pools. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const budget = this.opts.shutdownTimeoutMs ?? 2000;
    const deadline = Date.now() + budget;
    const order = [...this.order].reverse();
    // Each actor still to stop keeps a small slice of the budget, so one that hangs cannot starve the rest.
    const slice = Math.min(250, budget / (2 * Math.max(1, order.length)));
    for (const [i, name] of order.entries()) {
      const slot = this.slots.get(name)!;
      if (slot.restartTimer !== undefined) this.clock.clearTimeout(slot.restartTimer);
      if (slot.state !== 'running' && slot.state !== 'starting' && slot.state !== 'restarting') {
        if (slot.state !== 'gave-up') slot.state = 'stopped';
        continue;
      }
      slot.state = 'stopping';
      this.post(slot, { t: 'stop' });
      const left = Math.max(1, deadline - Date.now() - slice * (order.length - 1 - i));
      const ok = await Promise.race([
        (slot.task ?? Promise.resolve()).then(
          () => true,
          () => true,
        ),
        new Promise<boolean>((r) => setTimeout(() => r(false), left).unref()),
      ]);
      if (!ok) {
        // No per-task abort: piscina treats an abortable task as filling its worker, which breaks shared placement.
        rlog.warn({ actor: name }, `actor ${name} did not stop in time; its worker is terminated with the pool`);
      }
      slot.state = 'stopped';
    }
    this.relayed.clear();
    await Promise.allSettled(this.pools.map((p) => p.destroy()));
  }
}

/** Splits actor names into worker groups by placement. Names not in any configured group get a worker each. */
export function groupActors(names: string[], placement: Placement): string[][] {
  if (placement === 'per-actor') return names.map((n) => [n]);
  if (placement === 'shared') return names.length ? [names] : [];
  const groups: string[][] = [];
  const placed = new Set<string>();
  for (const g of placement.groups) {
    const members = names.filter((n) => !placed.has(n) && g.some((p) => matchesName(p, n)));
    members.forEach((n) => placed.add(n));
    if (members.length) groups.push(members);
  }
  for (const n of names) if (!placed.has(n)) groups.push([n]);
  return groups;
}
