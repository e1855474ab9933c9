// machine.ts: one GNSS fix at a time in the modem actor: hold the RF (exclusive receivers), acquire, release, reply.
import { assign, emit, fromPromise, setup } from 'xstate';
import { CodedError, toWireError, type WireError } from '../../errors.js';
import type { GnssFix, GnssOptions, RfSharing } from './types.js';

export interface GnssMachineInput {
  /** Added to the fix timeout in the RF hold asked of the client (start, stop and release take time too). */
  holdMarginMs: number;
}

export interface GnssContext {
  holdMarginMs: number;
  /** The attempt in progress. */
  request?: (GnssOptions & { rf: RfSharing }) | undefined;
  /** Its outcome, replied once the RF is released. */
  result?: { fix: GnssFix } | { error: WireError } | undefined;
}

export type GnssEvent =
  | { type: 'modem.gnss.fix'; timeoutMs: number; accuracyM?: number; rf: RfSharing }
  | { type: 'network.down'; reason?: string };

/** The outcome of the attempt, after the RF went back to LTE. */
export type GnssEmitted = { type: 'modem.gnss.done'; result: { fix: GnssFix } | { error: WireError } };

const notProvided = (name: string): Promise<never> =>
  Promise.reject(new CodedError('NOT_PROVIDED', `GNSS service ${name} is not provided`));

const failed = (err: unknown): { error: WireError } => ({ error: toWireError(err) });

export const gnssMachine = setup({
  types: {
    context: {} as GnssContext,
    events: {} as GnssEvent,
    input: {} as GnssMachineInput,
    emitted: {} as GnssEmitted,
  },
  actors: {
    /** Asks the client to hold its LTE traffic for up to `maxMs` (client.rf-hold); rejects GNSS_RF_REFUSED. */
    holdRf: fromPromise<unknown, { maxMs: number }>(() => notProvided('holdRf')),
    /** One fix attempt on the driver; the receiver is off again when it settles (aborted with the actor). */
    acquire: fromPromise<GnssFix, GnssOptions>(() => notProvided('acquire')),
    /** client.rf-release. */
    releaseRf: fromPromise<unknown, undefined>(() => notProvided('releaseRf')),
  },
  guards: {
    holdRefused: ({ event }) => (event as { error?: { code?: unknown } }).error?.code === 'GNSS_RF_REFUSED',
    // On the request itself (guards run before the transition's actions) or on the attempt in progress.
    exclusiveRf: ({ context: c, event }) =>
      (event.type === 'modem.gnss.fix' ? event.rf : c.request?.rf) === 'exclusive',
  },
  actions: {
    takeRequest: assign(({ event }) =>
      event.type === 'modem.gnss.fix'
        ? {
            request: {
              timeoutMs: event.timeoutMs,
              rf: event.rf,
              ...(event.accuracyM !== undefined ? { accuracyM: event.accuracyM } : {}),
            },
            result: undefined,
          }
        : {},
    ),
    noteFix: assign({ result: ({ event }) => ({ fix: (event as unknown as { output: GnssFix }).output }) }),
    noteError: assign({ result: ({ event }) => failed((event as unknown as { error: unknown }).error) }),
    noteAborted: assign({
      result: () => failed(new CodedError('GNSS_ABORTED', 'GNSS fix aborted: the network went down')),
    }),
    reply: emit(({ context: c }) => ({
      type: 'modem.gnss.done' as const,
      result: c.result ?? failed(new CodedError('INTERNAL', 'GNSS attempt ended without a result')),
    })),
    clear: assign({ request: undefined, result: undefined }),
  },
}).createMachine({
  id: 'gnss',
  context: ({ input }) => ({ holdMarginMs: input.holdMarginMs }),
  initial: 'idle',
  states: {
    idle: {
      entry: 'clear',
      on: {
        'modem.gnss.fix': [
          { guard: 'exclusiveRf', target: 'holdingRf', actions: 'takeRequest' },
          { target: 'acquiring', actions: 'takeRequest' },
        ],
      },
    },
    /** Exclusive receivers: the client holds Updates and Sends (it waits for an exchange in flight to end). */
    holdingRf: {
      invoke: {
        src: 'holdRf',
        input: ({ context: c }) => ({ maxMs: (c.request?.timeoutMs ?? 0) + c.holdMarginMs }),
        onDone: 'acquiring',
        onError: [
          { guard: 'holdRefused', target: 'idle', actions: ['noteError', 'reply'] },
          // No answer (a request timeout): a hold the client grants later is given back at once.
          { target: 'releasing', actions: 'noteError' },
        ],
      },
      // A hold granted after this is given back at once.
      on: { 'network.down': { target: 'releasing', actions: 'noteAborted' } },
    },
    acquiring: {
      invoke: {
        src: 'acquire',
        input: ({ context: c }) => ({
          timeoutMs: c.request?.timeoutMs ?? 0,
          ...(c.request?.accuracyM !== undefined ? { accuracyM: c.request.accuracyM } : {}),
        }),
        onDone: { target: 'done', actions: 'noteFix' },
        onError: { target: 'done', actions: 'noteError' },
      },
      // Leaving the state stops the invoked attempt: its signal aborts it and the receiver is stopped.
      on: { 'network.down': { target: 'done', actions: 'noteAborted' } },
    },
    done: {
      always: [
        { guard: 'exclusiveRf', target: 'releasing' },
        { target: 'idle', actions: 'reply' },
      ],
    },
    /** The RF back to LTE: the client sends what it held. */
    releasing: {
      invoke: {
        src: 'releaseRf',
        onDone: { target: 'idle', actions: 'reply' },
        onError: { target: 'idle', actions: 'reply' },
      },
    },
  },
});

export type GnssMachine = typeof gnssMachine;
