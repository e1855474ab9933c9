// machine.ts: the meter's lifecycle statechart: source (starting → counting → failed/retry), journal fsync, readings, Send batches.
import { assign, fromCallback, fromPromise, setup } from 'xstate';
import { CodedError, toWireError, type WireError } from '../errors.js';
import type { LwRecord } from '../lwm2m/types.js';
import type { MeterConfig } from './config-schema.js';
import type { MeterCore, MeterSnapshot } from './meter-core.js';
import type { MeterReading } from './reading.js';
import type { PulseSource } from './sources/source.js';

/** The reply of the client actor to `lwm2m.send` (see src/actors/messages.ts). */
export interface SendReply { code: string }

export interface MeterDeps {
  cfg: MeterConfig;
  core: MeterCore;
  /** Wall/simulated clock (ms): aligns readings and batches to interval boundaries. */
  now(): number;
  createSource(): PulseSource;
  /** LwM2M Send of these records through the client; resolves with the server's code, rejects NOT_REGISTERED when offline. */
  send(records: LwRecord[]): Promise<SendReply>;
  /** Pushes the durable values to object 3424. */
  publish(snapshot: MeterSnapshot): void;
  log: { info(o: object, msg?: string): void; warn(o: object, msg?: string): void; error(o: object, msg?: string): void };
}

export interface MeterContext {
  deps: MeterDeps;
  retries: number;
  lastError: WireError | undefined;
  /** Readings acknowledged by the server since start (for status and tests). */
  sent: number;
}

export type MeterEvent =
  | { type: 'SOURCE_STARTED' }
  | { type: 'SOURCE_FAILED'; error: WireError }
  /** network.up or lwm2m.registered: try to send what is queued now. */
  | { type: 'ONLINE' }
  /** Take a reading now (besides the timer; e.g. a server-triggered Send). */
  | { type: 'READ_NOW' };

/**
 * Delay until the next multiple of `periodMs` (plus `offsetMs`) after `now`. A timer that fires a little early (up to
 * min(1 s, period/10)) must not schedule a second reading for the same boundary, so boundaries that close are skipped.
 */
export function untilBoundary(now: number, periodMs: number, offsetMs = 0): number {
  const slack = Math.min(1000, periodMs / 10);
  const next = Math.floor((now + slack - offsetMs) / periodMs) * periodMs + periodMs + offsetMs;
  return next - now;
}

/**
 * Sends every queued reading in order, one batch at a time; a batch leaves the queue only on 2.04. The next batch goes
 * out while the previous acknowledgement is being fsynced (acknowledgements in flight share one record), so a drain
 * costs one round trip per batch, not a round trip plus an fsync; a cut meanwhile only means those batches come again.
 */
async function sendAll(deps: MeterDeps): Promise<number> {
  let sent = 0;
  let after: MeterReading | undefined;
  let acked: Promise<void> = Promise.resolve();
  let ackError: unknown;
  try {
    for (let batch = deps.core.nextBatch(deps.cfg.sendMaxReadings); batch; batch = deps.core.nextBatch(deps.cfg.sendMaxReadings, after)) {
      if (ackError !== undefined) throw ackError;
      const reply = await deps.send(batch.records);
      if (reply.code !== '2.04') {
        throw new CodedError('METER_SEND_REFUSED', `server answered ${reply.code} to a Send of ${batch.readings.length} readings`, { code: reply.code });
      }
      after = batch.readings[batch.readings.length - 1];
      acked = deps.core.acknowledge(after.seq).catch((err: unknown) => {
        ackError ??= err;
      });
      sent += batch.readings.length;
      // Let whatever arrived meanwhile (a server's Read, other actors' messages) run before the next batch.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    await acked;
  }
  if (ackError !== undefined) throw ackError;
  return sent;
}

export const meterMachine = setup({
  types: {
    context: {} as MeterContext,
    events: {} as MeterEvent,
    input: {} as { deps: MeterDeps },
  },
  actors: {
    /** Runs the pulse source while in `running`; pulses go straight to the core (plain code), failures come back as events. */
    source: fromCallback<MeterEvent, MeterDeps>(({ input: deps, sendBack }) => {
      let src: PulseSource | undefined;
      let stopped = false;
      const fail = (err: unknown): void => {
        if (!stopped) sendBack({ type: 'SOURCE_FAILED', error: toWireError(err) });
      };
      try {
        src = deps.createSource();
        src.start({
          event: (e) => {
            try {
              deps.core.onEvent(e);
            } catch (err) {
              deps.log.error({ err: toWireError(err) }, 'pulse event not counted');
            }
          },
          error: fail,
          warn: (msg, details) => deps.log.warn(details ?? {}, msg),
        }).then(() => {
          if (!stopped) sendBack({ type: 'SOURCE_STARTED' });
        }, fail);
      } catch (err) {
        fail(err);
      }
      return () => {
        stopped = true;
        if (src) src.stop().catch((err: unknown) => deps.log.warn({ err: toWireError(err) }, 'pulse source stop failed'));
      };
    }),
    sendPending: fromPromise<number, MeterDeps>(({ input }) => sendAll(input)),
  },
  actions: {
    flushJournal: ({ context }) => {
      const d = context.deps;
      try {
        if (d.core.flush()) d.publish(d.core.snapshot());
      } catch (err) {
        d.log.error({ err: toWireError(err) }, 'pulse journal flush failed');
      }
    },
    takeReading: ({ context }) => {
      const d = context.deps;
      try {
        const r = d.core.takeReading();
        d.publish(d.core.snapshot());
        d.log.info({ seq: r.seq, time: r.time, volumeM3: r.volumeM3, queued: d.core.queue.size }, 'reading stored');
      } catch (err) {
        d.log.error({ err: toWireError(err) }, 'reading not stored');
      }
    },
    noteFailure: assign(({ context, event }) => {
      const error = event.type === 'SOURCE_FAILED' ? event.error : undefined;
      context.deps.log.warn({ error, retries: context.retries }, 'pulse source failed');
      return { lastError: error, retries: context.retries + 1 };
    }),
    noteStarted: assign(({ context }) => {
      context.deps.log.info({ kind: context.deps.cfg.source.kind }, 'pulse source counting');
      return { retries: 0, lastError: undefined };
    }),
  },
  delays: {
    fsyncInterval: ({ context }) => context.deps.cfg.fsyncIntervalS * 1000,
    readingInterval: ({ context }) => untilBoundary(context.deps.now(), context.deps.cfg.readingIntervalS * 1000),
    sendBatch: ({ context }) => untilBoundary(context.deps.now(), context.deps.cfg.sendBatchS * 1000, context.deps.cfg.sendOffsetS * 1000),
    sendRetry: ({ context }) => context.deps.cfg.sendRetryS * 1000,
    retryDelay: ({ context }) => Math.min(context.deps.cfg.retryS * 2 ** Math.max(0, context.retries - 1), context.deps.cfg.retryMaxS) * 1000,
  },
}).createMachine({
  id: 'meter',
  type: 'parallel',
  context: ({ input }) => ({ deps: input.deps, retries: 0, lastError: undefined, sent: 0 }),
  states: {
    source: {
      initial: 'running',
      states: {
        running: {
          invoke: { src: 'source', input: ({ context }) => context.deps },
          initial: 'starting',
          states: {
            starting: { on: { SOURCE_STARTED: { target: 'counting', actions: 'noteStarted' } } },
            counting: {},
          },
          on: { SOURCE_FAILED: { target: 'failed', actions: 'noteFailure' } },
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
          on: { READ_NOW: { target: 'waiting', reenter: true, actions: 'takeReading' } },
        },
      },
    },
    send: {
      initial: 'idle',
      states: {
        idle: { after: { sendBatch: 'sending' }, on: { ONLINE: 'sending' } },
        sending: {
          invoke: {
            src: 'sendPending',
            input: ({ context }) => context.deps,
            onDone: { target: 'idle', actions: assign({ sent: ({ context, event }) => context.sent + event.output }) },
            onError: {
              target: 'offline',
              actions: ({ context, event }) => context.deps.log.info({ err: toWireError(event.error), queued: context.deps.core.queue.size }, 'readings kept for later'),
            },
          },
        },
        /** Sending failed (not registered, timeout, refused): retry on a timer, or at once on ONLINE. */
        offline: { after: { sendRetry: 'sending' }, on: { ONLINE: 'sending' } },
      },
    },
  },
});
