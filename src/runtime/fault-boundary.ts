// fault-boundary.ts: the error boundary of a worker thread: an uncaught exception or unhandled rejection fails the
// actor whose code raised it, not the thread.
import { AsyncLocalStorage, executionAsyncResource } from 'node:async_hooks';
import type { Logger } from './log.js';
import { toWireError } from '../errors.js';

/** What the boundary needs of an actor hosted in this thread (worker.ts's ActorHost). */
export interface FaultOwner {
  /** The actor's name, for the log. */
  readonly name: string;
  /** True once this generation of the actor has stopped or failed. */
  readonly finished: boolean;
  /** The actor's logger (its lines name the actor, and a plugin's name its plugin). */
  readonly log: Logger;
  /** Fails the actor with an error its own code did not catch (it is restarted or given up by the supervisor). */
  fault(err: unknown, kind: FaultKind): void;
}

export type FaultKind = 'uncaught exception' | 'unhandled rejection';

/**
 * The actor whose code is running: every entry into an actor (create, receive, stop) runs inside `runAs`, and Node
 * carries the store into whatever that code schedules (timers, promises, I/O callbacks, child-process events).
 */
const current = new AsyncLocalStorage<FaultOwner>();

/** Runs `fn` as `owner`'s code: errors it leaves uncaught, now or in anything it schedules, are `owner`'s. */
export function runAs<T>(owner: FaultOwner, fn: () => T): T {
  return current.run(owner, fn);
}

/**
 * The actor a rejected promise belongs to: the store Node attached to the promise when it was created (async_hooks
 * based AsyncLocalStorage, Node 20 and 22), else the actor running when the rejection is reported.
 */
function ownerOfPromise(promise: Promise<unknown>): FaultOwner | undefined {
  // casts: Node's internal store key and the promise's symbol slot are no public API (checked for absence instead)
  const key = (current as unknown as { kResourceStore?: symbol }).kResourceStore;
  const stored = key !== undefined ? (promise as unknown as Record<symbol, unknown>)[key] : undefined;
  return (stored as FaultOwner | undefined) ?? current.getStore();
}

/** Every actor of this thread, for an error no actor can be blamed for. */
let everyone: () => Iterable<FaultOwner> = () => [];
/** The thread's logger, for an error no actor can be blamed for. */
let threadLog: Logger | undefined;

function handle(err: unknown, kind: FaultKind, owner: FaultOwner | undefined): void {
  if (owner !== undefined && !owner.finished) {
    owner.fault(err, kind);
    return;
  }
  if (owner !== undefined) {
    // A timer or callback left behind by a generation that already failed or stopped: it cannot fail anything
    // anymore; a repeating timer is cleared so it does not fire (and fail) forever.
    const res = executionAsyncResource() as { hasRef?: unknown; refresh?: unknown };
    // cast: the async resource of a timer callback is its Timeout (told apart by refresh / hasRef just above)
    if (typeof res.refresh === 'function' && typeof res.hasRef === 'function')
      clearInterval(res as unknown as NodeJS.Timeout);
    owner.log.warn(
      { code: 'ACTOR_LATE_FAULT', err: toWireError(err) },
      `${kind} from ${owner.name} after it had stopped (ignored)`,
    );
    return;
  }
  // Nobody's: the thread's state is in doubt, so every actor in it fails (each restarted by the supervisor), as if
  // the worker had crashed.
  threadLog?.error(
    { code: 'WORKER_FAULT', err: toWireError(err) },
    `${kind} outside any actor: every actor in this worker fails`,
  );
  for (const o of [...everyone()]) if (!o.finished) o.fault(err, kind);
}

let installed = false;

/** Installs the boundary in this thread once: `owners` lists the actors hosted here. */
export function installFaultBoundary(owners: () => Iterable<FaultOwner>, logger: Logger): void {
  everyone = owners;
  threadLog = logger;
  if (installed) return;
  installed = true;
  process.on('uncaughtException', (err) => handle(err, 'uncaught exception', current.getStore()));
  process.on('unhandledRejection', (reason, promise) => handle(reason, 'unhandled rejection', ownerOfPromise(promise)));
}
