// inspect.ts: XState inspection inside a worker: startMachine() creates an actor wired to the worker's inspector.
import {
  createActor,
  type Actor,
  type ActorOptions,
  type AnyStateMachine,
  type InspectionEvent,
  type Observer,
} from 'xstate';
import type { ActorContext, PluginActorContext } from './actor-api.js';

/** Either context (built-in or plugin actor): inspection needs neither's messaging. */
type AnyContext = ActorContext | PluginActorContext;

/** Per-actor inspection observer, registered by the worker host when inspection is on. */
const observers = new WeakMap<AnyContext, Observer<InspectionEvent>>();

export function registerInspector(ctx: AnyContext, observer: Observer<InspectionEvent>): void {
  observers.set(ctx, observer);
}

export function inspectorOf(ctx: AnyContext): Observer<InspectionEvent> | undefined {
  return observers.get(ctx);
}

export interface StartMachineOptions<M extends AnyStateMachine> extends ActorOptions<M> {
  /** Start the actor before returning it (default true). */
  start?: boolean;
}

/**
 * Creates the XState actor for `machine`, with the runtime's inspector attached when inspection is on, and starts it.
 */
export function startMachine<M extends AnyStateMachine>(
  ctx: AnyContext,
  machine: M,
  options: StartMachineOptions<M> = {},
): Actor<M> {
  const { start = true, inspect: own, ...rest } = options;
  const ours = observers.get(ctx);
  let inspect: ActorOptions<M>['inspect'] = own;
  if (ours && own) {
    const theirs = own;
    inspect = (ev: InspectionEvent) => {
      ours.next?.(ev);
      if (typeof theirs === 'function') theirs(ev);
      else theirs.next?.(ev);
    };
  } else if (ours) {
    inspect = ours;
  }
  const actor = createActor(machine, { ...rest, ...(inspect ? { inspect } : {}) });
  if (!ours) ctx.inspect?.(actor);
  if (start) actor.start();
  return actor;
}
