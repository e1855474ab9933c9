// wire.ts: the typed messages between the main thread and actor tasks (and between actors over direct channels).
import { MessagePort } from 'node:worker_threads';
import type { WireError } from '../errors.js';

/**
 * A message as it crosses a port: any object with a string type; the receiving host checks it (runtime/dispatch.ts).
 */
export type WireMessage = { type: string };

/** What piscina hands each long-running task: one actor to run, and its port to the main thread. */
export interface StartTask {
  t: 'start';
  port: MessagePort;
  name: string;
  /** file:// URL of the compiled actor module (default export: ActorModule). */
  moduleUrl: string;
  config: Record<string, unknown>;
  fullConfig: Record<string, unknown>;
  stateDir: string;
  logLevel: string;
  inspect: boolean;
  /** Restart count (0 for the first start); used to keep inspection IDs unique across restarts. */
  generation: number;
  requestTimeoutMs: number;
  /** A create that has not finished in this much idle time of its thread fails the actor (ACTOR_START_TIMEOUT). */
  startTimeoutMs?: number;
  /** Fields added to every log line of this actor (a plugin's name and folder). */
  logFields?: Record<string, string>;
}

// ---- main → worker, and peer ↔ peer over a direct channel ----
export interface DeliverMessage {
  t: 'message';
  from: string;
  msg: WireMessage;
}
export interface DeliverRequest {
  t: 'request';
  id: string;
  from: string;
  msg: WireMessage;
}
export interface Reply {
  t: 'reply';
  id: string;
  ok: boolean;
  value?: unknown;
  error?: WireError;
}
/** Main → worker: a direct channel to `name` (the port is transferred). */
export interface PeerOpen {
  t: 'peer';
  name: string;
  port: MessagePort;
}
/** Main → worker: forget the direct channel to `name` (it is restarting or stopped). */
export interface PeerClose {
  t: 'unpeer';
  name: string;
}
export interface Stop {
  t: 'stop';
}

export type ToWorker = DeliverMessage | DeliverRequest | Reply | PeerOpen | PeerClose | Stop;
export type PeerWire = DeliverMessage | DeliverRequest | Reply;

// ---- worker → main ----
export interface Ready {
  t: 'ready';
  subscribes: string[];
}
export interface SendOut {
  t: 'send';
  to: string;
  msg: WireMessage;
}
export interface RequestOut {
  t: 'request';
  id: string;
  to: string;
  msg: WireMessage;
}
export interface PublishOut {
  t: 'publish';
  msg: WireMessage;
}
export interface LogOut {
  t: 'log';
  line: string;
}
/** One Stately inspection event, JSON text (IDs are prefixed by the main thread). */
export interface InspectionOut {
  t: 'inspection';
  json: string;
}
/** The actor failed; the task rejects right after. */
export interface ErrorOut {
  t: 'error';
  error: WireError;
}
export interface Stopped {
  t: 'stopped';
}

export type FromWorker =
  Ready | SendOut | RequestOut | Reply | PublishOut | LogOut | InspectionOut | ErrorOut | Stopped;

/**
 * What an actor task resolves with: stopped when told to, or failed with the actor's error. A failure resolves rather
 * than rejects: a rejection crosses the thread as a bare Error and would lose the code.
 */
export type TaskEnd = 'stopped' | { failed: WireError };

/** Collects what a message must transfer: MessagePorts it carries (they can only move, e.g. the modem's serial bridge),
 *  and the ArrayBuffers of Uint8Array fields that can be transferred without harming others: views that span their
 *  whole (non-shared) buffer. Pooled Node Buffers (slices of a larger pool) are copied instead. */
export function transferables(
  msg: unknown,
  depth = 0,
  out: (ArrayBuffer | MessagePort)[] = [],
): (ArrayBuffer | MessagePort)[] {
  if (depth > 3 || msg === null || typeof msg !== 'object') return out;
  if (msg instanceof MessagePort) {
    if (!out.includes(msg)) out.push(msg);
    return out;
  }
  if (msg instanceof Uint8Array) {
    const buf = msg.buffer;
    if (
      buf instanceof ArrayBuffer &&
      msg.byteOffset === 0 &&
      msg.byteLength === buf.byteLength &&
      buf.byteLength > 0 &&
      !out.includes(buf)
    ) {
      out.push(buf);
    }
    return out;
  }
  if (Array.isArray(msg)) {
    for (const v of msg) transferables(v, depth + 1, out);
    return out;
  }
  for (const v of Object.values(msg as Record<string, unknown>)) transferables(v, depth + 1, out);
  return out;
}

/** True when `type` matches a subscription: exact, '*' or a 'prefix.*' pattern. */
export function matchesSubscription(pattern: string, type: string): boolean {
  if (pattern === '*' || pattern === type) return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return false;
}

/** True when `name` matches an actor pattern: exact or 'prefix*' (e.g. 'object:*'). */
export function matchesName(pattern: string, name: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}
