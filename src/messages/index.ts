// index.ts: the message map: every request (with its reply) and event (fire-and-forget or published) the built-in
// actors exchange.
import type { DeviceEvents } from './device.js';
import type { FirmwareEvents, FirmwareRequests } from './firmware.js';
import type { LocationEvents, LocationRequests } from './location.js';
import type { Lwm2mEvents, Lwm2mRequests } from './lwm2m.js';
import type { MeterEvents, MeterRequests } from './meter.js';
import type { ModemEvents, ModemRequests } from './modem.js';
import type { NetworkEvents } from './network.js';
import type { ObjectEvents, ObjectRequests } from './object.js';
import type { SocketEvents, SocketRequests } from './socket.js';

export type * from './common.js';
export type * from './device.js';
export type * from './firmware.js';
export type * from './location.js';
export type * from './lwm2m.js';
export type * from './meter.js';
export type * from './modem.js';
export type * from './network.js';
export type * from './object.js';
export type * from './socket.js';
export { isServerAccountsReport } from './lwm2m.js';
export { isBlock1ChunkMessage } from './firmware.js';
export { ActorNames } from './names.js';

/**
 * Requests by type: the message and the reply its receiver answers with (`ctx.request` resolves to it). A type may
 * also be an event (below) where its receiver takes it without an answer being awaited.
 */
export interface Requests
  extends
    SocketRequests,
    ObjectRequests,
    Lwm2mRequests,
    ModemRequests,
    MeterRequests,
    FirmwareRequests,
    LocationRequests {}

/** Events by type: sent fire-and-forget (`ctx.send`) or published to subscribers (`ctx.publish`). */
export interface Events
  extends
    SocketEvents,
    ObjectEvents,
    Lwm2mEvents,
    NetworkEvents,
    ModemEvents,
    MeterEvents,
    FirmwareEvents,
    DeviceEvents,
    LocationEvents {}

export type RequestType = keyof Requests;
export type EventType = keyof Events;
export type MessageType = RequestType | EventType;

/** The message of a type (the same shape whether requested or sent). */
export type MessageOf<T extends MessageType> = T extends RequestType
  ? Requests[T]['msg']
  : T extends EventType
    ? Events[T]
    : never;
/** What a request of this type resolves to. */
export type ReplyOf<T extends RequestType> = Requests[T]['reply'];

export type AnyRequest = { [K in RequestType]: Requests[K]['msg'] }[RequestType];
export type AnyEvent = Events[EventType];
/** Every message of the map. */
export type Message = AnyRequest | AnyEvent;

/** A message outside the map (plugin-defined), as plugins and the wire see any message. */
export type OpenMessage = { type: string; [key: string]: unknown };
/** A message as the plugin API takes it: checked against the map when its type is a known one, open otherwise. */
export type Checked<M extends { type: string }> = M['type'] extends MessageType ? MessageOf<M['type']> : OpenMessage;
/** The reply to a message sent through the plugin API: the map's when its type is a known request, `R` otherwise. */
export type CheckedReply<M extends { type: string }, R> = M['type'] extends RequestType ? ReplyOf<M['type']> : R;

/** The messages of these types: what an actor accepts, from its `accepts` list. */
export type Accepted<L extends readonly MessageType[]> = MessageOf<L[number]>;
