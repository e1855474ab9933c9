// meter.actor.ts: the meter actor: runs the pulse source, journals pulses, stores readings, Sends them in batches,
// feeds object 3424.
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { createActor, type Actor } from 'xstate';
import { CodedError } from '../errors.js';
import type { LwRecord } from '../lwm2m/types.js';
import { meterConfigSchema, type MeterConfig } from '../meter/config-schema.js';
import { MeterCore } from '../meter/meter-core.js';
import { isTotals, type JournalDamage, type PulseTotals } from '../meter/journal.js';
import { DeviceErrorCode } from '../objects/device-errors.js';
import { boundaryDelays, meterMachine, type MeterMachine, type SendReply } from '../meter/machine.js';
import { meterImplementations, type MeterServiceDeps } from '../meter/services.js';
import { createPulseSource } from '../meter/sources/index.js';
import { realClock, type Clock } from '../clock.js';
import type { PulseSource } from '../meter/sources/source.js';
import { startMachine } from '../runtime/inspect.js';
import { defineActor, type ActorContext, type ActorInstance } from '../runtime/actor-api.js';
import { unhandled } from '../runtime/dispatch.js';
import { ActorNames, type Accepted } from '../messages/index.js';

/** The messages the meter actor takes (the host refuses others before `receive`). */
export const METER_ACCEPTS = [
  'network.up',
  'lwm2m.registered',
  'meter.reset-volume',
  'meter.reset-pulses',
  'meter.pulse-ratio',
  'meter.serial-data',
  'meter.valve',
  'meter.status',
] as const;
export type MeterInbound = Accepted<typeof METER_ACCEPTS>;

/** Actor-store key of a pulse ratio written by the server (/3424/0/6). */
const PULSE_RATIO_KEY = 'pulseRatio';
/**
 * Actor-store key of the journal checkpoint: a copy of the durable totals outside the meter dir, a floor at the next
 * start.
 */
const CHECKPOINT_KEY = 'journalCheckpoint';

/** What a host (the runtime, or a test with a simulated clock and a fake client) gives the meter service. */
export interface MeterServiceOptions {
  config: MeterConfig;
  /** Directory for the journal and reading queue. */
  dir: string;
  clock: Clock;
  send: ActorContext['send'];
  request: ActorContext['request'];
  log: MeterServiceDeps['log'] & { debug?(o: object, msg?: string): void };
  /** Overrides the configured source (tests). */
  createSource?: () => PulseSource;
  /** A pulse ratio written by the server earlier (wins over config.pulseRatio). */
  savedPulseRatio?: number;
  /** Persists a pulse ratio written by the server (the actor store). */
  savePulseRatio?: (ratio: number) => Promise<void>;
  /** The journal checkpoint saved earlier (a floor for the total). */
  checkpoint?: PulseTotals;
  /** Saves the journal checkpoint (the actor store); called at most once per reading interval, and after resets. */
  saveCheckpoint?: (totals: PulseTotals) => Promise<void>;
  /** Starts the XState actor from the provided machine (the runtime passes one wired to the inspector); clock-aware. */
  start?: (machine: MeterMachine, input: { cfg: MeterConfig }) => Actor<MeterMachine>;
}

export interface MeterService extends ActorInstance<MeterInbound> {
  readonly actor: Actor<MeterMachine>;
  readonly core: MeterCore;
  /** Synchronous: the journal is flushed and closed when it returns. */
  stop(): void;
}

/**
 * A damaged journal: an error line naming the files and where they were kept, and an error code in /3/0/11 for the
 * server.
 */
function reportDamage(o: MeterServiceOptions, core: MeterCore, d: JournalDamage): void {
  const foundM3 = core.volumeOf(d.found);
  const restoredM3 = core.volumeOf(d.restored);
  o.log.error(
    {
      code: d.code,
      file: d.files[0],
      files: d.files,
      keptAs: d.keptAs,
      reasons: d.reasons,
      foundM3,
      restoredM3,
      deviceErrorCode: DeviceErrorCode.meterStateDamaged,
    },
    `pulse journal damaged: ${d.files.join(', ')}: ${d.reasons.join('; ')}; ${d.keptAs.length > 0 ? `kept as ${d.keptAs.join(', ')}; ` : ''}` +
      `the total goes on from ${restoredM3} m³ (the highest durable value; the journal itself had ${foundM3} m³)`,
  );
  o.send(ActorNames.object(3), { type: 'device.error', code: DeviceErrorCode.meterStateDamaged });
}

/**
 * Copies the durable totals to the actor store when they changed: at most once per reading interval, or at once
 * (resets).
 */
function checkpointSaver(o: MeterServiceOptions, core: MeterCore): (force: boolean) => void {
  let savedSeq = -1;
  let savedAt = -Infinity;
  return (force) => {
    const d = core.journal.durable;
    const t = o.clock.now();
    if (!o.saveCheckpoint || d.seq === savedSeq || (!force && t - savedAt < o.config.readingIntervalS * 1000)) return;
    savedSeq = d.seq;
    savedAt = t;
    o.saveCheckpoint({ ...d }).catch((err: unknown) =>
      o.log.warn({ err: String(err) }, 'journal checkpoint not saved'),
    );
  };
}

/** Tells a source that models the flow itself (the simulated one) that the supply is shut or open. */
function shutSupply(source: PulseSource, shut: boolean): void {
  const s = source as PulseSource & { setSupplyShut?: (shut: boolean) => void };
  if (typeof s.setSupplyShut === 'function') s.setSupplyShut(shut);
}

/** Builds and starts the meter: plain bookkeeping in MeterCore, lifecycle in the machine. */
export function startMeterService(o: MeterServiceOptions): MeterService {
  const cfg = o.config;
  const core = new MeterCore({
    config: cfg,
    dir: o.dir,
    now: () => o.clock.now(),
    warn: (msg, d) => o.log.warn(d ?? {}, msg),
    error: (msg, d) => o.log.error(d ?? {}, msg),
    ...(o.savedPulseRatio !== undefined ? { pulseRatio: o.savedPulseRatio } : {}),
    ...(o.checkpoint ? { checkpoint: o.checkpoint } : {}),
  });
  if (core.journal.damage) reportDamage(o, core, core.journal.damage);
  const checkpoint = checkpointSaver(o, core);
  const serialInput = cfg.source.kind === 'serial' ? new PassThrough() : undefined;
  // the supply valve's last reported position (meter.valve) and the source it applies to
  let supplyShut = false;
  let source: PulseSource | undefined;
  const deps: MeterServiceDeps = {
    cfg,
    core,
    createSource: () => {
      source = (
        o.createSource ??
        (() =>
          createPulseSource(cfg.source, {
            clock: o.clock,
            pulseRatio: cfg.pulseRatio,
            ...(serialInput ? { serialInput } : {}),
          }))
      )();
      shutSupply(source, supplyShut);
      return source;
    },
    send: (records: LwRecord[]): Promise<SendReply> =>
      o.request(ActorNames.client, { type: 'lwm2m.send', records }, { timeoutMs: 180_000 }),
    publish: (snapshot) => {
      o.send(ActorNames.object(3424), { type: 'meter.reading', snapshot });
      checkpoint(false);
    },
    log: o.log,
  };
  const machine = meterMachine.provide({ ...meterImplementations(deps), delays: boundaryDelays(() => o.clock.now()) });
  const input = { cfg };
  const actor = o.start ? o.start(machine, input) : createActor(machine, { input, clock: o.clock }).start();
  actor.on('meter.counting', (e) => o.log.info({ kind: e.kind }, 'pulse source counting'));
  actor.on('meter.source-down', (e) => o.log.warn({ error: e.error, retries: e.retries }, 'pulse source failed'));
  actor.on('meter.send-deferred', (e) =>
    o.log.info({ err: e.error, queued: core.queue.size }, 'readings kept for later'),
  );
  deps.publish(core.snapshot());
  return {
    actor,
    core,
    receive(msg: MeterInbound): unknown {
      switch (msg.type) {
        case 'network.up':
        case 'lwm2m.registered':
          actor.send({ type: 'meter.online' });
          return undefined;
        case 'meter.reset-volume':
          core.resetVolume();
          deps.publish(core.snapshot());
          checkpoint(true);
          return { ok: true };
        case 'meter.reset-pulses':
          core.resetPulses();
          deps.publish(core.snapshot());
          checkpoint(true);
          return { ok: true };
        case 'meter.pulse-ratio':
          // checked all the same: a plugin in plain JS may send it
          if (typeof msg.value !== 'number' || !core.setPulseRatio(msg.value)) {
            throw new CodedError('BAD_MESSAGE', 'meter.pulse-ratio needs a positive integer value');
          }
          o.savePulseRatio?.(msg.value).catch((err: unknown) =>
            o.log.warn({ err: String(err) }, 'pulse ratio not persisted'),
          );
          deps.publish(core.snapshot());
          return { ok: true };
        case 'meter.serial-data':
          if (serialInput && msg.data instanceof Uint8Array) serialInput.write(Buffer.from(msg.data));
          return undefined;
        case 'meter.valve':
          if (typeof msg.open !== 'boolean')
            throw new CodedError('BAD_MESSAGE', 'meter.valve needs open: true or false');
          if (supplyShut === !msg.open) return undefined;
          supplyShut = !msg.open;
          o.log.info(
            { valveOpen: msg.open },
            `supply valve ${msg.open ? 'open' : 'shut'}${cfg.source.kind === 'simulated' ? (msg.open ? ': simulated flow resumes' : ': simulated flow stops') : ''}`,
          );
          if (source) shutSupply(source, supplyShut);
          return undefined;
        case 'meter.status':
          return { snapshot: core.snapshot(), queued: core.queue.size, state: actor.getSnapshot().value };
        default:
          return unhandled('meter', msg);
      }
    },
    stop(): void {
      actor.stop();
      serialInput?.end();
      core.close();
    },
  };
}

/**
 * A value from the actor store, or undefined when absent, malformed or unreadable (damaged state does not stop the
 * meter).
 */
async function readStored<T>(ctx: ActorContext, key: string, valid: (v: unknown) => v is T): Promise<T | undefined> {
  try {
    const v = await ctx.store.read(key);
    if (v === undefined || valid(v)) return v;
    ctx.log.warn({ code: 'METER_STORE_IGNORED', key }, `meter: stored ${key} is malformed; ignored`);
  } catch (err) {
    ctx.log.warn({ code: 'METER_STORE_IGNORED', key, err: String(err) }, `meter: stored ${key} is unreadable; ignored`);
  }
  return undefined;
}

const isRatio = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

export default defineActor({
  machine: meterMachine,
  subscribes: ['network.up', 'lwm2m.registered'],
  accepts: METER_ACCEPTS,
  async create(ctx: ActorContext): Promise<ActorInstance> {
    const parsed = meterConfigSchema.safeParse(ctx.config);
    if (!parsed.success) throw new CodedError('CONFIG_INVALID', `meter: ${parsed.error.message}`);
    const cfg = parsed.data;
    const top = typeof ctx.fullConfig.stateDir === 'string' ? ctx.fullConfig.stateDir : './var';
    const saved = await readStored(ctx, PULSE_RATIO_KEY, isRatio);
    const checkpoint = await readStored(ctx, CHECKPOINT_KEY, isTotals);
    const service = startMeterService({
      ...(saved !== undefined ? { savedPulseRatio: saved } : {}),
      savePulseRatio: (ratio) => ctx.store.write(PULSE_RATIO_KEY, ratio),
      ...(checkpoint ? { checkpoint } : {}),
      saveCheckpoint: (totals) => ctx.store.write(CHECKPOINT_KEY, totals),
      config: cfg,
      dir: cfg.stateDir ?? join(top, 'meter'),
      clock: realClock,
      send: (to, msg) => ctx.send(to, msg),
      request: (to, msg, opts) => ctx.request(to, msg, opts),
      log: ctx.log,
      start: (machine, input) => startMachine(ctx, machine, { input }),
    });
    return {
      ...service,
      // a clean stop leaves the checkpoint at the journal's last record: a journal lost later costs no flow at all
      async stop(): Promise<void> {
        service.stop();
        try {
          await ctx.store.write(CHECKPOINT_KEY, { ...service.core.journal.durable });
        } catch (err) {
          ctx.log.warn({ err: String(err) }, 'journal checkpoint not saved at stop');
        }
      },
    };
  },
});
