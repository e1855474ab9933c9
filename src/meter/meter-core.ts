// meter-core.ts: one meter's bookkeeping without threads or timers: pulses → journal + accounting, readings → durable
// queue.
import * as path from 'node:path';
import { Accounting } from './accounting.js';
import type { MeterConfig } from './config-schema.js';
import { PulseJournal, type PulseTotals } from './journal.js';
import { ReadingQueue } from './reading-queue.js';
import { readingRecords, type MeterReading, type ReadingFlags } from './reading.js';
import type { PulseEvent } from './sources/source.js';
import type { LwRecord } from '../lwm2m/types.js';

/**
 * A register drop larger than this (pulses) is a replaced / reset meter head, not back flow: re-baselined, not counted.
 */
export const REGISTER_RESET_PULSES = 1000;

/** What object 3424 shows: only fsynced totals, so a value the server saw never goes back after a power cut. */
export interface MeterSnapshot {
  volumeM3: number;
  pulses: number;
  pulseRatio: number;
  meterType: string;
  minFlow: number;
  maxFlow: number;
  flags: ReadingFlags;
  /** Seconds since epoch of the snapshot. */
  time: number;
}

export interface MeterCoreOptions {
  config: MeterConfig;
  now: () => number;
  /** Overrides config.stateDir. */
  dir?: string;
  warn?: (msg: string, details?: Record<string, unknown>) => void;
  /** Damaged state files found at open (each names its file; the meter goes on with what is intact). */
  error?: (msg: string, details?: Record<string, unknown>) => void;
  /** Reading-queue compaction threshold (bytes); default 64 KiB. */
  queueCompactBytes?: number;
  /** A pulse ratio written by the server earlier (wins over config.pulseRatio). */
  pulseRatio?: number;
  /** The durable totals as last copied elsewhere (the actor store): a floor for the journal. */
  checkpoint?: PulseTotals;
}

export class MeterCore {
  readonly journal: PulseJournal;
  readonly queue: ReadingQueue;
  readonly accounting: Accounting;
  private pulseRatio: number;
  private lastFlow = { minFlow: 0, maxFlow: 0 };
  private readonly now: () => number;

  constructor(private readonly opts: MeterCoreOptions) {
    const cfg = opts.config;
    const dir = path.resolve(opts.dir ?? cfg.stateDir ?? './var/meter');
    this.now = opts.now;
    this.pulseRatio =
      opts.pulseRatio !== undefined && Number.isSafeInteger(opts.pulseRatio) && opts.pulseRatio > 0
        ? opts.pulseRatio
        : cfg.pulseRatio;
    this.queue = ReadingQueue.open(dir, {
      maxReadings: cfg.queueMaxReadings,
      log: { warn: (msg, d) => opts.warn?.(msg, d), error: (msg, d) => (opts.error ?? opts.warn)?.(msg, d) },
      ...(opts.queueCompactBytes === undefined ? {} : { compactBytes: opts.queueCompactBytes }),
    });
    // Every durable value is a floor for the total: the journal, its checkpoint, and the latest reading stored or
    // acknowledged.
    const latest = this.queue.peek().at(-1) ?? this.queue.lastAcknowledged;
    this.journal = PulseJournal.open(dir, {
      compactRecords: cfg.journalCompactRecords,
      now: opts.now,
      ...(opts.checkpoint ? { checkpoint: opts.checkpoint } : {}),
      ...(latest
        ? {
            reading: {
              timeMs: latest.time * 1000,
              volumeM3: latest.volumeM3,
              pulses: latest.pulses,
              pulseRatio: this.pulseRatio,
            },
          }
        : {}),
    });
    const lastPulse = this.journal.state.seq > 0 ? this.journal.state.timeMs : undefined;
    this.accounting = new Accounting(
      {
        pulseRatio: this.pulseRatio,
        flowWindowS: cfg.flowWindowS,
        leak: cfg.leak,
        backflowMinPulses: cfg.backflowMinPulses,
        blockedAfterS: cfg.blockedAfterS,
      },
      opts.now(),
      lastPulse,
    );
  }

  /** Applies one source event: journal totals (in memory until the next flush) and accounting. */
  onEvent(e: PulseEvent): void {
    const t = this.now();
    if (e.kind === 'pulses') {
      if (e.direction > 0) this.journal.addPulses(e.count, 0);
      else this.journal.addPulses(0, e.count);
      this.accounting.pulses(e.count, e.direction, t);
      return;
    }
    const prev = this.journal.state.register;
    this.journal.setRegister(e.pulses);
    if (prev === undefined) return; // first register value: the baseline
    const delta = e.pulses - prev;
    if (delta > 0) this.onEvent({ kind: 'pulses', count: delta, direction: 1 });
    else if (delta < 0 && -delta <= REGISTER_RESET_PULSES)
      this.onEvent({ kind: 'pulses', count: -delta, direction: -1 });
    else if (delta < 0)
      this.opts.warn?.('meter head register dropped: re-baselined, not counted', { from: prev, to: e.pulses });
  }

  /** fsyncs the journal if anything changed; returns true when it wrote. */
  flush(): boolean {
    const wrote = this.journal.dirty;
    this.journal.flush();
    this.accounting.advance(this.now());
    return wrote;
  }

  /** The volume (m³) a set of totals shows. */
  volumeOf(t: Readonly<PulseTotals>): number {
    return (t.forward - t.backward - t.volumeBase) / this.pulseRatio;
  }

  /** Ends a reading interval: fsyncs the journal, then stores the reading (fsync). Returned = stored. */
  takeReading(): MeterReading {
    const t = this.now();
    const flow = this.accounting.takeInterval(t);
    this.lastFlow = { minFlow: flow.minFlow, maxFlow: flow.maxFlow };
    const d = this.journal.flush();
    return this.queue.append({
      time: Math.round(t / 1000),
      volumeM3: this.volumeOf(d),
      pulses: d.forward - d.backward - d.pulseBase,
      minFlow: flow.minFlow,
      maxFlow: flow.maxFlow,
      ...this.accounting.flags(),
    });
  }

  /** The durable state for object 3424. */
  snapshot(): MeterSnapshot {
    const d = this.journal.durable;
    return {
      volumeM3: this.volumeOf(d),
      pulses: d.forward - d.backward - d.pulseBase,
      pulseRatio: this.pulseRatio,
      meterType: this.opts.config.meterType,
      ...this.lastFlow,
      flags: this.accounting.flags(),
      time: Math.floor(this.now() / 1000),
    };
  }

  /**
   * The next Send: up to `max` oldest readings and their records, flags relative to the last reading the server has.
   * `after`: the last reading of a batch the server stored whose acknowledgement may still be in flight.
   */
  nextBatch(max: number, after?: MeterReading): { readings: MeterReading[]; records: LwRecord[] } | undefined {
    const readings = this.queue.peek(max, after?.seq);
    if (readings.length === 0) return undefined;
    return { readings, records: readingRecords(readings, 0, after ?? this.queue.lastAcknowledged) };
  }

  /** The server stored everything up to `seq`; resolves once that is durable. */
  acknowledge(seq: number): Promise<void> {
    return this.queue.ack(seq);
  }

  resetVolume(): void {
    this.journal.resetVolume();
    this.journal.flush();
  }

  resetPulses(): void {
    this.journal.resetPulses();
    this.journal.flush();
  }

  /** A new pulse ratio (3424/x/6 written): applies to the whole count, as the register is in pulses. */
  setPulseRatio(ratio: number): boolean {
    if (!Number.isSafeInteger(ratio) || ratio <= 0) return false;
    this.pulseRatio = ratio;
    this.accounting.setPulseRatio(ratio);
    return true;
  }

  close(): void {
    try {
      this.journal.close();
    } finally {
      this.queue.close();
    }
  }
}
