// machine.ts: the socket's lifecycle statechart (closed → opening → open ⇄ paused, closing, failed); the adapter
// (socket.actor.ts) provides the transport work as the `connect` / `disconnect` actors and the `reportNetworkError`
// action.
import { assign, fromPromise, setup } from 'xstate';
import { toWireError, type WireError } from '../errors.js';
import type { ServerTarget } from '../messages/index.js';

export interface SocketContext {
  /** The server of the last open: resume re-opens to it. */
  server: ServerTarget | undefined;
  /** Counts open attempts: a request waits for the outcome of its own attempt (a newer open supersedes it). */
  attempt: number;
  /** Where closing ends: 'closed' (close) or 'paused' (pause: resume re-opens). */
  after: 'closed' | 'paused';
  /** Closing waits for answers still being sent (coap.closeDrainMs); not when the link is down. */
  drain: boolean;
  /** Why the last attempt or the open transport failed. */
  error: WireError | undefined;
}

export type SocketEvent =
  | { type: 'socket.open'; server: ServerTarget }
  | { type: 'socket.resume' }
  | { type: 'socket.pause'; drain: boolean }
  | { type: 'socket.close' }
  /** The open transport failed (a transport error or close event, a send that met NETWORK_ERROR). */
  | { type: 'socket.fail'; error: WireError };

export interface ConnectInput {
  server: ServerTarget;
  attempt: number;
}
export interface DisconnectInput {
  drain: boolean;
}

const toOpening = { target: 'opening', reenter: true, actions: 'startAttempt' } as const;

/**
 * What drives the socket: open / resume / pause / close requests are events; the transport work runs in the invoked
 * `connect` (tears down what was open, opens the transport and the endpoint) and `disconnect` (drains and closes);
 * the defaults here do nothing and are replaced by the adapter with `.provide()`.
 */
export const socketMachine = setup({
  types: { context: {} as SocketContext, events: {} as SocketEvent },
  actors: {
    connect: fromPromise<void, ConnectInput>(() => Promise.resolve()),
    disconnect: fromPromise<void, DisconnectInput>(() => Promise.resolve()),
  },
  actions: {
    /** Tells the other actors that the network failed (network.error); provided by the adapter. */
    reportNetworkError: (_args, _params: { error: WireError | undefined }) => undefined,
    startAttempt: assign(({ context, event }) => ({
      attempt: context.attempt + 1,
      server: event.type === 'socket.open' ? event.server : context.server,
      error: undefined,
    })),
    closeTo: assign((_, params: { after: 'closed' | 'paused'; drain: boolean }) => ({
      after: params.after,
      drain: params.drain,
    })),
    recordFailure: assign((_, params: { error: unknown }) => ({ error: toWireError(params.error) })),
  },
  guards: {
    /** A server was opened before: resume knows where to. */
    hasServer: ({ context }) => context.server !== undefined,
    /** Closing was asked by a pause. */
    pausing: ({ context }) => context.after === 'paused',
  },
}).createMachine({
  id: 'socket',
  initial: 'closed',
  context: { server: undefined, attempt: 0, after: 'closed', drain: true, error: undefined },
  states: {
    closed: {
      on: { 'socket.open': toOpening, 'socket.resume': { guard: 'hasServer', ...toOpening } },
    },
    opening: {
      invoke: {
        src: 'connect',
        input: ({ context }) => ({ server: context.server as ServerTarget, attempt: context.attempt }),
        onDone: 'open',
        onError: {
          target: 'failed',
          actions: [
            { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) },
            { type: 'reportNetworkError', params: ({ event }) => ({ error: toWireError(event.error) }) },
          ],
        },
      },
      on: {
        'socket.open': toOpening,
        'socket.close': { target: 'closing', actions: { type: 'closeTo', params: { after: 'closed', drain: true } } },
        'socket.pause': {
          target: 'closing',
          actions: { type: 'closeTo', params: ({ event }) => ({ after: 'paused', drain: event.drain }) },
        },
      },
    },
    open: {
      on: {
        'socket.open': toOpening,
        'socket.close': { target: 'closing', actions: { type: 'closeTo', params: { after: 'closed', drain: true } } },
        'socket.pause': {
          target: 'closing',
          actions: { type: 'closeTo', params: ({ event }) => ({ after: 'paused', drain: event.drain }) },
        },
        'socket.fail': {
          target: 'failed',
          actions: [
            { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) },
            { type: 'reportNetworkError', params: ({ event }) => ({ error: event.error }) },
          ],
        },
      },
    },
    closing: {
      invoke: {
        src: 'disconnect',
        input: ({ context }) => ({ drain: context.drain }),
        onDone: [{ guard: 'pausing', target: 'paused' }, { target: 'closed' }],
        onError: [{ guard: 'pausing', target: 'paused' }, { target: 'closed' }],
      },
      on: { 'socket.open': toOpening, 'socket.resume': toOpening },
    },
    paused: {
      on: { 'socket.open': toOpening, 'socket.resume': toOpening, 'socket.close': 'closed' },
    },
    failed: {
      on: {
        'socket.open': toOpening,
        'socket.resume': toOpening,
        'socket.close': { target: 'closing', actions: { type: 'closeTo', params: { after: 'closed', drain: true } } },
        'socket.pause': {
          target: 'closing',
          actions: { type: 'closeTo', params: ({ event }) => ({ after: 'paused', drain: event.drain }) },
        },
      },
    },
  },
});
