// machine.ts: the meter's lifecycle statechart: source (starting → counting → failed/retry), journal fsync, readings,
// Send batches.
import { assign, emit, fromCallback, fromPromise, setup } from 'xstate';
import { CodedError, toWireError, type WireError } from '../errors.js';
import type { MeterConfig } from './config-schema.js';

/** The reply of the client actor to `lwm2m.send` (see src/messages/lwm2m.ts). */
export interface SendReply {
  code: string;
}

export interface MeterContext {
  cfg: MeterConfig;
  retries: number;
  lastError: WireError | undefined;
  /** Readings acknowledged by the server since start (for status and tests). */
  sent: number;
}

export type MeterEvent =
  | { type: 'meter.source-started' }
  | { type: 'meter.source-failed'; error: WireError }
  /** network.up or lwm2m.registered: try to send what is queued now. */
  | { type: 'meter.online' }
  /** Take a reading now (besides the timer; e.g. a server-triggered Send). */
  | { type: 'meter.read-now' };

/** What the machine emits for the adapter to log. */
export type MeterEmitted =
  | { type: 'meter.counting'; kind: string }
  | { type: 'meter.source-down'; error: WireError | undefined; retries: number }
  | { type: 'meter.send-deferred'; error: WireError };

/**
 * Delay until the next multiple of `periodMs` (plus `offsetMs`) after `now`. A timer that fires a little early (up to
 * min(1 s, period/10)) must not schedule a second reading for the same boundary, so boundaries that close are skipped.
 */
export function untilBoundary(now: number, periodMs: number, offsetMs = 0): number {
  const slack = Math.min(1000, periodMs / 10);
  const next = Math.floor((now + slack - offsetMs) / periodMs) * periodMs + periodMs + offsetMs;
  return next - now;
}

/** The delays aligned to wall-clock boundaries, read from `now` (the adapter provides them with its clock). */
export function boundaryDelays(now: () => number) {
  return {
    readingInterval: ({ context }: { context: MeterContext }) =>
      untilBoundary(now(), context.cfg.readingIntervalS * 1000),
    sendBatch: ({ context }: { context: MeterContext }) =>
      untilBoundary(now(), context.cfg.sendBatchS * 1000, context.cfg.sendOffsetS * 1000),
  };
}

const notProvided = (name: string) => (): never => {
  throw new CodedError('NOT_PROVIDED', `meter ${name} is not provided`);
};

export const meterMachine = setup({
  types: {
    context: {} as MeterContext,
    events: {} as MeterEvent,
    input: {} as { cfg: MeterConfig },
    emitted: {} as MeterEmitted,
  },
  actors: {
    /**
     * Runs the pulse source while in `running`; pulses go straight to the core (plain code), failures come back as
     * events.
     */
    source: fromCallback<MeterEvent, void>(notProvided('source')),
    /** Sends every queued reading in batches; resolves with how many the server acknowledged. */
    sendPending: fromPromise<number, void>(notProvided('sendPending')),
  },
  actions: {
    /** fsync the pulse journal when it has news (and publish the snapshot). */
    flushJournal: notProvided('flushJournal'),
    /** Store a reading in the queue (and publish the snapshot). */
    takeReading: notProvided('takeReading'),
    noteFailure: assign(({ context, event }) => ({
      lastError: event.type === 'meter.source-failed' ? event.error : undefined,
      retries: context.retries + 1,
    })),
    emitSourceDown: emit(({ context }) => ({
      type: 'meter.source-down' as const,
      error: context.lastError,
      retries: context.retries - 1,
    })),
    noteStarted: assign({ retries: 0, lastError: undefined }),
    emitCounting: emit(({ context }) => ({ type: 'meter.counting' as const, kind: context.cfg.source.kind })),
    // casts in these two: XState types a done / error event's output only inside the invoke, not in a named action
    noteSent: assign({ sent: ({ context, event }) => context.sent + (event as unknown as { output: number }).output }),
    emitSendDeferred: emit(({ event }) => ({
      type: 'meter.send-deferred' as const,
      error: toWireError((event as unknown as { error: unknown }).error),
    })),
  },
  delays: {
    fsyncInterval: ({ context }) => context.cfg.fsyncIntervalS * 1000,
    ...boundaryDelays(Date.now),
    sendRetry: ({ context }) => context.cfg.sendRetryS * 1000,
    retryDelay: ({ context }) =>
      Math.min(context.cfg.retryS * 2 ** Math.max(0, context.retries - 1), context.cfg.retryMaxS) * 1000,
  },
}).createMachine({
  id: 'meter',
  type: 'parallel',
  context: ({ input }) => ({ cfg: input.cfg, retries: 0, lastError: undefined, sent: 0 }),
  states: {
    source: {
      initial: 'running',
      states: {
        running: {
          invoke: { src: 'source' },
          initial: 'starting',
          states: {
            starting: {
              on: { 'meter.source-started': { target: 'counting', actions: ['noteStarted', 'emitCounting'] } },
            },
            counting: {},
          },
          on: { 'meter.source-failed': { target: 'failed', actions: ['noteFailure', 'emitSourceDown'] } },
        },
        failed: { after: { retryDelay: 'running' } },
      },
    },
    journal: {
      initial: 'batching',
      states: {
        batching: { after: { fsyncInterval: { target: 'batching', reenter: true, actions: 'flushJournal' } } },
      },
    },
    readings: {
      initial: 'waiting',
      states: {
        waiting: {
          after: { readingInterval: { target: 'waiting', reenter: true, actions: 'takeReading' } },
          on: { 'meter.read-now': { target: 'waiting', reenter: true, actions: 'takeReading' } },
        },
      },
    },
    send: {
      initial: 'idle',
      states: {
        idle: { after: { sendBatch: 'sending' }, on: { 'meter.online': 'sending' } },
        sending: {
          invoke: {
            src: 'sendPending',
            onDone: { target: 'idle', actions: 'noteSent' },
            onError: { target: 'offline', actions: 'emitSendDeferred' },
          },
        },
        /** Sending failed (not registered, timeout, refused): retry on a timer, or at once on meter.online. */
        offline: { after: { sendRetry: 'sending' }, on: { 'meter.online': 'sending' } },
      },
    },
  },
});

export type MeterMachine = typeof meterMachine;
