// object-messages.ts: messages between the socket actor and object actors (object:N): operations, observations, notifications.
import type { OpRequest, OpResult } from '../lwm2m/operations/types.js';
import type { Attributes } from '../lwm2m/attributes.js';
import type { Path } from '../lwm2m/types.js';

/** socket → object:N (request). Reply: OpResult ({ code, contentFormat?, payload?, location?, records? }). */
export interface ObjectRequest extends OpRequest { type: 'object.request' }

/**
 * socket → object:N (request): start (or replace) an observation of `path`; the reply is the initial read (OpResult).
 * Later values come as `object.notify` to `notifyTo` (default 'socket'). mode 'records' notifies records (composite).
 */
export interface ObjectObserve {
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
}
/** socket → object:N: stop one observation (Reply: { ok: true }), or all of a server's / all (`observationId` absent). */
export interface ObjectCancelObserve { type: 'object.cancel-observe'; observationId?: string; serverId?: number }

/** object:N → socket: a notification for one observation. code other than 2.05 ends it (e.g. 4.04 after Delete), except for a `whileAbsent` one. */
export interface ObjectNotify {
  type: 'object.notify';
  observationId: string;
  code: OpResult['code'];
  contentFormat?: number;
  payload?: Uint8Array;
  records?: OpResult['records'];
}

/**
 * socket → object:N: the server `serverId` accepted a new Register (not an Update): its Write-Attributes and
 * observations belong to the old registration and are dropped (also from the store). Reply: { ok: true }.
 */
export interface ObjectRegistrationNew { type: 'object.registration-new'; serverId: number }

/** object:N → socket, on every start: after a supervisor restart the socket has the object observe its live relations again. */
export interface ObjectStarted { type: 'object.started'; objectId: number }
