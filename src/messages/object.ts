// object.ts: messages between the socket actor and object actors (object:N): operations, observations, notifications,
// streamed Block1 writes.
import type { Attributes } from '../lwm2m/attributes.js';
import type { OpRequest, OpResult } from '../lwm2m/operations/types.js';
import type { Path } from '../lwm2m/types.js';
import type { Ok } from './common.js';

/** socket (or client) → object:N: one LwM2M operation on this object (OpRequest's fields, as plain data). */
export type ObjectRequest = { type: 'object.request' } & Pick<OpRequest, keyof OpRequest>;

/**
 * socket → object:N: start (or replace) an observation of `path`; the reply is the initial read (OpResult).
 * Later values come as `object.notify` to `notifyTo` (default 'socket'). mode 'records' notifies records (composite).
 */
export type ObjectObserve = {
  type: 'object.observe';
  observationId: string;
  path: Path;
  accept?: number;
  serverId?: number;
  /** Server defaults (/1/x/2 pmin, /1/x/3 pmax) under the attributes set on paths. */
  defaults?: Attributes;
  mode?: 'encoded' | 'records';
  notifyTo?: string;
  /**
   * Observe-Composite part (mode 'records'): the observation also holds while its instance is absent. An absent path
   * answers 2.05 with no records (and is observed); a Delete notifies 4.04 without ending it; a Create of the instance
   * notifies its values.
   */
  whileAbsent?: boolean;
};

/** socket → object:N: stop one observation, or all of a server's / all (`observationId` absent). */
export type ObjectCancelObserve = { type: 'object.cancel-observe'; observationId?: string; serverId?: number };

/**
 * object:N → socket: a notification for one observation. code other than 2.05 ends it (e.g. 4.04 after Delete), except
 * for a `whileAbsent` one.
 */
export type ObjectNotify = {
  type: 'object.notify';
  observationId: string;
  code: OpResult['code'];
  contentFormat?: number;
  payload?: Uint8Array;
  records?: OpResult['records'];
};

/**
 * socket → object:N: the server `serverId` accepted a new Register (not an Update): its Write-Attributes and
 * observations belong to the old registration and are dropped (also from the store).
 */
export type ObjectRegistrationNew = { type: 'object.registration-new'; serverId: number };

/**
 * object:N → every socket (published), on every start: after a supervisor restart the socket has the object observe its
 * live relations again.
 */
export type ObjectStarted = { type: 'object.started'; objectId: number };

/** anyone → object:N (diagnostics, tests): the ids of its live observations. */
export type ObjectObservations = { type: 'object.observations' };

export interface ObjectRequests {
  'object.request': { msg: ObjectRequest; reply: OpResult };
  'object.observe': { msg: ObjectObserve; reply: OpResult };
  'object.cancel-observe': { msg: ObjectCancelObserve; reply: Ok };
  'object.registration-new': { msg: ObjectRegistrationNew; reply: Ok };
  'object.observations': { msg: ObjectObservations; reply: { ids: string[] } };
}

export interface ObjectEvents {
  /** The socket ends observations without waiting. */
  'object.cancel-observe': ObjectCancelObserve;
  'object.registration-new': ObjectRegistrationNew;
  'object.notify': ObjectNotify;
  'object.started': ObjectStarted;
}
