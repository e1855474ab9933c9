// dispatch.ts: the boundary between the wire and an actor's receive: a message is handed on only when its type is one
// the actor accepts.
import { CodedError } from '../errors.js';
import type { ActorInstance, ActorMessage } from './actor-api.js';

/**
 * What the host knows of an actor to dispatch to it: its instance and the message types it accepts (undefined: any).
 */
export interface DispatchTarget {
  name: string;
  instance: ActorInstance;
  accepts: ReadonlySet<string> | undefined;
}

/** True when `m` is a message at all: an object with a string type. */
export function isMessage(m: unknown): m is ActorMessage {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}

/**
 * Hands a message from the wire to the actor: to `receive` when its type is accepted (the map types it), to
 * `receiveOther` otherwise (plugin-defined messages of an object), else throws UNKNOWN_MESSAGE (a request is
 * answered with it; the host drops a fire-and-forget one with a warning).
 */
export function dispatch(t: DispatchTarget, msg: unknown): unknown {
  if (!isMessage(msg)) throw new CodedError('BAD_MESSAGE', `${t.name}: a message needs a string type`);
  if (t.accepts === undefined || t.accepts.has(msg.type)) return t.instance.receive(msg);
  if (t.instance.receiveOther) return t.instance.receiveOther(msg);
  throw new CodedError('UNKNOWN_MESSAGE', `${t.name} takes no message ${msg.type}`);
}

/** The never-branch of an exhaustive `switch (msg.type)`: a message that passed the boundary but has no case. */
export function unhandled(actor: string, msg: never): never {
  throw new CodedError('UNKNOWN_MESSAGE', `${actor} takes no message ${(msg as { type?: unknown }).type as string}`);
}
