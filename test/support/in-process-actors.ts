// in-process-actors.ts: runs actor modules in this thread with a small ActorContext that routes messages by name (for
// tests).
import type {
  ActorContext,
  ActorInstance,
  ActorMessage,
  ActorModule,
  ActorStore,
} from '../../src/runtime/actor-api.js';
import { log } from '../../src/runtime/log.js';
import { CodedError } from '../../src/errors.js';
import { dispatch } from '../../src/runtime/dispatch.js';
import { fakeMessaging } from './fake-messaging.js';

type Handler = (msg: ActorMessage) => unknown;

/** A message that went to a name with no actor (e.g. 'client'), kept for assertions. */
export interface Captured {
  to: string;
  msg: ActorMessage;
  kind: 'send' | 'request' | 'publish';
}

export class InProcessActors {
  private readonly actors = new Map<string, ActorInstance>();
  private readonly subs = new Map<string, readonly string[]>();
  private readonly accepts = new Map<string, ReadonlySet<string> | undefined>();
  private readonly stubs = new Map<string, Handler>();
  readonly captured: Captured[] = [];
  private readonly fullConfig: Record<string, unknown>;
  private readonly stores = new Map<string, Map<string, unknown>>();

  constructor(fullConfig: Record<string, unknown> = {}) {
    this.fullConfig = fullConfig;
  }

  /** Answers messages to a name that has no actor (e.g. 'client'). */
  stub(name: string, h: Handler): void {
    this.stubs.set(name, h);
  }

  async start(name: string, mod: ActorModule, config: Record<string, unknown> = {}): Promise<ActorInstance> {
    const inst = await mod.create(this.context(name, config));
    this.actors.set(name, inst);
    this.subs.set(name, mod.subscribes ?? []);
    this.accepts.set(name, mod.accepts ? new Set(mod.accepts) : undefined);
    return inst;
  }

  /** The in-memory store of an actor (what it wrote; a benchmark can drop a key to weigh it). */
  storeOf(name: string): Map<string, unknown> | undefined {
    return this.stores.get(name);
  }

  get(name: string): ActorInstance | undefined {
    return this.actors.get(name);
  }

  private deliver(to: string, msg: ActorMessage, kind: Captured['kind']): unknown {
    const copy = structuredClone(msg);
    const a = this.actors.get(to);
    // through the boundary, as the runtime delivers it
    if (a) return dispatch({ name: to, instance: a, accepts: this.accepts.get(to) }, copy);
    this.captured.push({ to, msg: copy, kind });
    const s = this.stubs.get(to);
    if (s) return s(copy);
    if (kind === 'request') throw new CodedError('ACTOR_UNAVAILABLE', `no actor ${to}`);
    return undefined;
  }

  context(name: string, config: Record<string, unknown>): ActorContext {
    // One store per actor name, kept across restarts (like the state directory).
    let store = this.stores.get(name);
    if (!store) this.stores.set(name, (store = new Map<string, unknown>()));
    const actorStore: ActorStore = {
      read: <T>(k: string) => Promise.resolve(structuredClone(store.get(k)) as T | undefined),
      write: (k, v) => {
        store.set(k, structuredClone(v));
        return Promise.resolve();
      },
      remove: (k) => {
        store.delete(k);
        return Promise.resolve();
      },
    };
    return {
      name,
      config: Object.freeze({ ...config }),
      fullConfig: Object.freeze({ ...this.fullConfig }),
      log: log.child({ actor: name }),
      store: actorStore,
      ...fakeMessaging({
        send: (to, msg) => {
          queueMicrotask(() => {
            try {
              void Promise.resolve(this.deliver(to, msg, 'send')).catch(() => undefined);
            } catch {
              /* fire and forget */
            }
          });
        },
        request: async (to, msg) => structuredClone(await this.deliver(to, msg, 'request')),
        publish: (msg) => {
          this.captured.push({ to: '*', msg: structuredClone(msg), kind: 'publish' });
          for (const [n, types] of this.subs) {
            if (types.some((t) => t === msg.type || (t.endsWith('.*') && msg.type.startsWith(t.slice(0, -1))))) {
              queueMicrotask(() => {
                const a = this.actors.get(n);
                if (!a) return;
                try {
                  void dispatch({ name: n, instance: a, accepts: this.accepts.get(n) }, structuredClone(msg));
                } catch (e) {
                  // a type the subscriber does not take is dropped, as the runtime does
                  if (!(e instanceof CodedError && e.code === 'UNKNOWN_MESSAGE')) throw e;
                }
              });
            }
          }
        },
      }),
    };
  }

  async stopAll(): Promise<void> {
    for (const a of this.actors.values()) await a.stop();
    this.actors.clear();
  }
}
