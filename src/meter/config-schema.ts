// config-schema.ts: meter settings: pulse source, pulse ratio, leak rules, journal, reporting.
import { z } from 'zod';

/** GPIO edges through the Linux GPIO character device, read by spawning libgpiod's `gpiomon` (v1 syntax). */
const gpioSource = z
  .object({
    kind: z.literal('gpio'),
    /** gpiochip name or number (`gpiodetect` lists them). */
    chip: z.string().min(1).default('gpiochip0'),
    /** Line offset on the chip. */
    line: z.number().int().min(0).default(17),
    /** Which edge is one pulse. */
    edge: z.enum(['rising', 'falling']).default('falling'),
    activeLow: z.boolean().default(false),
    bias: z.enum(['as-is', 'disable', 'pull-down', 'pull-up']).default('pull-up'),
    /** Edges closer than this to the previous accepted edge are contact bounce and ignored. */
    debounceMs: z.number().min(0).default(20),
    /** The gpiomon executable (path or name on PATH). */
    command: z.string().min(1).default('gpiomon'),
  })
  .strict();

/** A simulated household: daily consumption pattern, optional leak, seeded random. For `make run` and tests. */
const simulatedSource = z
  .object({
    kind: z.literal('simulated'),
    seed: z.number().int().default(1),
    /** Average daily consumption (m³/day); a 2-person household uses about 0.25. */
    dailyM3: z.number().min(0).default(0.3),
    /** Constant leak flow added on top of usage (litres per hour); 0 = no leak. */
    leakLph: z.number().min(0).default(0),
    /** Simulation step: how often pulses are generated (ms of clock time). */
    tickMs: z.number().int().min(10).default(10_000),
    /** Hours offset of local time from UTC for the daily pattern. */
    utcOffsetH: z.number().min(-14).max(14).default(0),
    /**
     * household: the daily pattern (dailyM3, leakLph); demo: a 12 L/min tap running 30 s of every minute (the embedded
     * demo's).
     */
    profile: z.enum(['household', 'demo']).default('household'),
  })
  .strict();

/** Line-based input from a meter's serial/optical head (see docs/meter.md for the line format). */
const serialSource = z
  .object({
    kind: z.literal('serial'),
    path: z.string().min(1).default('/dev/ttyUSB1'),
    baudRate: z.number().int().positive().default(9600),
  })
  .strict();

export const pulseSourceSchema = z.discriminatedUnion('kind', [gpioSource, simulatedSource, serialSource]);
export type PulseSourceConfig = z.infer<typeof pulseSourceSchema>;

export const leakRulesSchema = z
  .object({
    /** A pulse-free gap at least this long counts as a "zero-flow interval" (clears the continuous-flow rule). */
    quietGapS: z.number().int().positive().default(1800),
    /** Continuous flow (no zero-flow interval) this long → leak suspected. 0 disables. */
    suspectedAfterS: z
      .number()
      .int()
      .min(0)
      .default(12 * 3600),
    /** Continuous flow this long → leak detected. 0 disables. */
    detectedAfterS: z
      .number()
      .int()
      .min(0)
      .default(24 * 3600),
    /** Night rule: local night window [start, end) in hours. */
    nightStartHour: z.number().int().min(0).max(23).default(2),
    nightEndHour: z.number().int().min(0).max(23).default(5),
    utcOffsetH: z.number().min(-14).max(14).default(0),
    /** Night rule: the night's bins are this long. */
    nightBinS: z.number().int().positive().default(900),
    /** Night rule: every bin of the night at or above this flow (litres per hour) → leak suspected. 0 disables. */
    nightMinFlowLph: z.number().min(0).default(6),
  })
  .strict();
export type LeakRules = z.infer<typeof leakRulesSchema>;

export const meterConfigSchema = z
  .object({
    source: pulseSourceSchema.prefault({ kind: 'simulated' }),
    /** Pulses per m³ (object 3424 resource 6, Integer). 1000 = one pulse per litre. */
    pulseRatio: z.number().int().positive().default(1000),
    /** Object 3424 resource 3. */
    meterType: z.string().default('cold water'),
    /** Take a time-stamped reading this often (s). */
    readingIntervalS: z.number().int().positive().default(900),
    /** Send queued readings in one LwM2M Send this often (s). 4-hourly (16 readings per Send) keeps a day under 3 kB
     * on the wire even with DTLS (bench/meter.bench.ts: hourly costs 3.7 kB NoSec, 5.2 kB DTLS). Leak flags don't wait:
     * the server observes /3424/0/9 and /3424/0/10. */
    sendBatchS: z.number().int().positive().default(14_400),
    /**
     * While readings are queued and sending failed, retry this often (s) even without network.up / lwm2m.registered.
     */
    sendRetryS: z.number().int().positive().default(300),
    /** Seconds after each sendBatchS boundary the Send goes out (spread a fleet: give devices different offsets). */
    sendOffsetS: z.number().int().min(0).default(5),
    /** At most this many readings per Send (the rest go in the next one, right after). 32 volume readings are about
     * 500 B of SenML CBOR: one datagram, no block-wise transfer. */
    sendMaxReadings: z.number().int().positive().default(32),
    /**
     * Cap on queued readings (default: half a year of 15-min readings, ≈ 3 MiB on disk). Past it, the older readings
     * are merged into coarser ones — hourly, then daily, weekly, monthly — down to 3/4 of the cap; the newest half stay
     * as they are. Readings carry the cumulative volume, so merging never loses the total.
     */
    queueMaxReadings: z.number().int().min(64).default(17_520),
    /** Flow rates (min/max, resources 7/8) are measured over windows this long (s). */
    flowWindowS: z.number().int().positive().default(60),
    /** Where the pulse journal and reading queue live; default `<stateDir>/meter` (top-level stateDir, ./var). */
    stateDir: z.string().min(1).optional(),
    /**
     * Batch journal writes: append + fsync at most this often (s). A power cut loses at most the pulses of this window.
     */
    fsyncIntervalS: z.number().positive().default(10),
    /** Compact the journal when it holds this many records. */
    journalCompactRecords: z.number().int().min(2).default(4096),
    /** Source failure: retry after this long (s), doubling up to retryMaxS. */
    retryS: z.number().positive().default(5),
    retryMaxS: z.number().positive().default(300),
    leak: leakRulesSchema.prefault({}),
    /** Back flow flagged when an interval between readings has at least this many backward pulses. */
    backflowMinPulses: z.number().int().positive().default(1),
    /** Blocked meter: no pulse for this long (s) after the meter had been counting. 0 disables. */
    blockedAfterS: z
      .number()
      .int()
      .min(0)
      .default(7 * 24 * 3600),
  })
  .strict()
  .prefault({});

/** Owned by the meter area; every key has a documented default. */
export type MeterConfig = z.infer<typeof meterConfigSchema>;
