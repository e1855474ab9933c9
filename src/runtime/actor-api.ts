// actor-api.ts: the contract between an actor module (an XState machine plus plain message handling) and the runtime that hosts it.
import type { AnyStateMachine, AnyActorRef } from 'xstate';
import type { Logger } from './log.js';

/** The main thread's address: a message sent to it is emitted by the Runtime as 'control' (reboot, server accounts …). */
export const RUNTIME_ADDRESS = 'runtime';

/** A message between actors: plain data with a dotted domain type ('modem.attached', 'coap.request' …). */
export interface ActorMessage {
  type: string;
  [key: string]: unknown;
}

/** Durable key/value state that outlives a restart (atomic writes; see runtime/store.ts). */
export interface ActorStore {
  read<T = unknown>(key: string): Promise<T | undefined>;
  write(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
}

/** What the runtime gives an actor inside its worker. */
export interface ActorContext {
  /** The actor's unique name ('client', 'socket', 'modem', 'meter', 'object:3' …). */
  readonly name: string;
  /** This actor's configuration (validated by the runtime's config schema). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The whole validated configuration, read-only. */
  readonly fullConfig: Readonly<Record<string, unknown>>;
  readonly log: Logger;
  readonly store: ActorStore;
  /** Fire-and-forget message to another actor by name. Uint8Array fields are transferred where possible. */
  send(to: string, msg: ActorMessage): void;
  /** Request/response to another actor by name; rejects with a CodedError ('ACTOR_TIMEOUT', 'ACTOR_UNAVAILABLE', or the peer's). */
  request<R = unknown>(to: string, msg: ActorMessage, opts?: { timeoutMs?: number }): Promise<R>;
  /** Publishes to every actor that subscribed to this message type (see ActorModule.subscribes). */
  publish(msg: ActorMessage): void;
  /** Registers the XState actor ref for inspection (done by `startMachine`). */
  inspect?(ref: AnyActorRef): void;
}

/** A running actor as the runtime sees it. */
export interface ActorInstance {
  /** Handles a message; for requests, the returned value (or rejection) is the reply. */
  receive(msg: ActorMessage): unknown;
  /** Stops the actor (flush files, close sockets). Must finish within the shutdown budget. */
  stop(): void | Promise<void>;
}

/** What an actor file (src/actors/*.actor.ts or a plugin's actor) exports as default. */
export interface ActorModule {
  /** The statechart, for `lwm2m-meter diagram` and the inspector. */
  readonly machine?: AnyStateMachine;
  /** Message types (exact, or prefix ending in '.*') this actor receives from `publish`. */
  readonly subscribes?: readonly string[];
  create(ctx: ActorContext): ActorInstance | Promise<ActorInstance>;
}

export function defineActor(mod: ActorModule): ActorModule {
  return mod;
}
