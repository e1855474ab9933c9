// actor-api.ts: the contract between an actor module (an XState machine plus plain message handling) and the runtime
// that hosts it.
import type { AnyStateMachine, AnyActorRef } from 'xstate';
import type {
  AnyEvent,
  AnyRequest,
  Checked,
  CheckedReply,
  MessageType,
  OpenMessage,
  ReplyOf,
} from '../messages/index.js';
import type { Logger } from './log.js';

/**
 * The main thread's address: a message sent to it is emitted by the Runtime as 'control' (reboot, server accounts …).
 */
export const RUNTIME_ADDRESS = 'runtime';

/**
 * A message as the wire and plugins see it: plain data with a dotted domain type ('modem.status', 'object.request' …).
 * The built-in ones are typed in src/messages (the message map).
 */
export type ActorMessage = OpenMessage;

/** Durable key/value state that outlives a restart (atomic writes; see runtime/store.ts). */
export interface ActorStore {
  read<T = unknown>(key: string): Promise<T | undefined>;
  write(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
}

/** What every actor gets from the runtime besides messaging. */
interface ActorContextBase {
  /** The actor's unique name ('client', 'socket', 'modem', 'meter', 'object:3' …). */
  readonly name: string;
  /** This actor's configuration (validated by the runtime's config schema). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The whole validated configuration, read-only. */
  readonly fullConfig: Readonly<Record<string, unknown>>;
  readonly log: Logger;
  readonly store: ActorStore;
  /** Registers the XState actor ref for inspection (done by `startMachine`). */
  inspect?(ref: AnyActorRef): void;
}

/**
 * Messaging open to plugin-defined types: a message of a built-in type is checked against the map and its reply typed
 * from it.
 */
export interface OpenMessaging {
  readonly send: <M extends { type: string }>(to: string, msg: M & Checked<M>) => void;
  readonly request: <M extends { type: string }, R = unknown>(
    to: string,
    msg: M & Checked<M>,
    opts?: { timeoutMs?: number },
  ) => Promise<CheckedReply<M, R>>;
  readonly publish: <M extends { type: string }>(msg: M & Checked<M>) => void;
}

/** What the runtime gives a built-in actor inside its worker: messaging typed by the message map (src/messages). */
export interface ActorContext extends ActorContextBase {
  /** The same messaging, open: for hosting plugin code (an object spec's runtime, a plugin's actor). */
  readonly open: OpenMessaging;
  /** Fire-and-forget event to another actor by name. Uint8Array fields are transferred where possible. */
  send(to: string, msg: AnyEvent): void;
  /**
   * Request/response to another actor by name; rejects with a CodedError ('ACTOR_TIMEOUT', 'ACTOR_UNAVAILABLE', or the
   * peer's).
   */
  request<M extends AnyRequest>(to: string, msg: M, opts?: { timeoutMs?: number }): Promise<ReplyOf<M['type']>>;
  /** Publishes to every actor that subscribed to this message type (see ActorModule.subscribes). */
  publish(msg: AnyEvent): void;
}

/** What a plugin's actor gets: the same, with messaging open to the plugin's own message types. */
export interface PluginActorContext extends ActorContextBase, OpenMessaging {}

/** A running actor as the runtime sees it; `M` is the union of the messages it accepts (see ActorModule.accepts). */
export interface ActorInstance<M = ActorMessage> {
  /** Handles a message; for requests, the returned value (or rejection) is the reply. */
  receive(msg: M): unknown;
  /** A message whose type is not in the module's `accepts` (a plugin-defined one); absent: answered UNKNOWN_MESSAGE. */
  receiveOther?(msg: ActorMessage): unknown;
  /** Stops the actor (flush files, close sockets). Must finish within the shutdown budget. */
  stop(): void | Promise<void>;
}

/** What a built-in actor file (src/actors/*.actor.ts) exports as default. */
export interface ActorModule {
  /** The statechart, for `lwm2m-meter diagram` and the inspector. */
  readonly machine?: AnyStateMachine;
  /** Message types (exact, or prefix ending in '.*') this actor receives from `publish`. */
  readonly subscribes?: readonly string[];
  /**
   * The message types `receive` takes (its union is `Accepted<typeof list>`). The host checks each incoming message
   * against it before `receive` (other types go to `receiveOther`, or are refused with UNKNOWN_MESSAGE); absent: all.
   */
  readonly accepts?: readonly MessageType[];
  create(ctx: ActorContext): ActorInstance | Promise<ActorInstance>;
}

/** What a plugin's actor file exports as default (`defineActor` of the plugin API). */
export interface PluginActorModule {
  readonly machine?: AnyStateMachine;
  readonly subscribes?: readonly string[];
  create(ctx: PluginActorContext): ActorInstance | Promise<ActorInstance>;
}

export function defineActor(mod: ActorModule): ActorModule {
  return mod;
}

export function definePluginActor(mod: PluginActorModule): PluginActorModule {
  return mod;
}
