// services.ts: what the meter machine's named services and effects do (pulse source, batched Send, journal fsync,
// readings); the adapter provides them.
import { fromCallback, fromPromise } from 'xstate';
import { CodedError, toWireError } from '../errors.js';
import type { LwRecord } from '../lwm2m/types.js';
import type { MeterConfig } from './config-schema.js';
import type { MeterEvent, SendReply } from './machine.js';
import type { MeterCore, MeterSnapshot } from './meter-core.js';
import type { MeterReading } from './reading.js';
import type { PulseSource } from './sources/source.js';

export interface MeterServiceDeps {
  cfg: MeterConfig;
  core: MeterCore;
  createSource(): PulseSource;
  /**
   * LwM2M Send of these records through the client; resolves with the server's code, rejects NOT_REGISTERED when
   * offline.
   */
  send(records: LwRecord[]): Promise<SendReply>;
  /** Pushes the durable values to object 3424. */
  publish(snapshot: MeterSnapshot): void;
  log: {
    info(o: object, msg?: string): void;
    warn(o: object, msg?: string): void;
    error(o: object, msg?: string): void;
  };
}

/**
 * Sends every queued reading in order, one batch at a time; a batch leaves the queue only on 2.04. The next batch goes
 * out while the previous acknowledgement is being fsynced (acknowledgements in flight share one record), so a drain
 * costs one round trip per batch, not a round trip plus an fsync; a cut meanwhile only means those batches come again.
 */
async function sendAll(deps: MeterServiceDeps): Promise<number> {
  let sent = 0;
  let after: MeterReading | undefined;
  let acked: Promise<void> = Promise.resolve();
  let ackError: unknown;
  try {
    for (
      let batch = deps.core.nextBatch(deps.cfg.sendMaxReadings);
      batch;
      batch = deps.core.nextBatch(deps.cfg.sendMaxReadings, after)
    ) {
      if (ackError !== undefined) throw ackError;
      const reply = await deps.send(batch.records);
      if (reply.code !== '2.04') {
        throw new CodedError(
          'METER_SEND_REFUSED',
          `server answered ${reply.code} to a Send of ${batch.readings.length} readings`,
          { code: reply.code },
        );
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

/** The machine's `actors` and effect `actions` for one meter. */
export function meterImplementations(deps: MeterServiceDeps) {
  return {
    actors: {
      source: fromCallback<MeterEvent, void>(({ sendBack }) => {
        let src: PulseSource | undefined;
        let stopped = false;
        const fail = (err: unknown): void => {
          if (!stopped) sendBack({ type: 'meter.source-failed', error: toWireError(err) });
        };
        try {
          src = deps.createSource();
          src
            .start({
              event: (e) => {
                try {
                  deps.core.onEvent(e);
                } catch (err) {
                  deps.log.error({ err: toWireError(err) }, 'pulse event not counted');
                }
              },
              error: fail,
              warn: (msg, details) => deps.log.warn(details ?? {}, msg),
            })
            .then(() => {
              if (!stopped) sendBack({ type: 'meter.source-started' });
            }, fail);
        } catch (err) {
          fail(err);
        }
        return () => {
          stopped = true;
          if (src)
            src.stop().catch((err: unknown) => deps.log.warn({ err: toWireError(err) }, 'pulse source stop failed'));
        };
      }),
      sendPending: fromPromise<number, void>(() => sendAll(deps)),
    },
    actions: {
      flushJournal: (): void => {
        try {
          if (deps.core.flush()) deps.publish(deps.core.snapshot());
        } catch (err) {
          deps.log.error({ err: toWireError(err) }, 'pulse journal flush failed');
        }
      },
      takeReading: (): void => {
        try {
          const r = deps.core.takeReading();
          deps.publish(deps.core.snapshot());
          deps.log.info(
            { seq: r.seq, time: r.time, volumeM3: r.volumeM3, queued: deps.core.queue.size },
            'reading stored',
          );
        } catch (err) {
          deps.log.error({ err: toWireError(err) }, 'reading not stored');
        }
      },
    },
  };
}
