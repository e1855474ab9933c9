// config-schema.ts: modem settings: serial port, profile, radio mode, APN, power saving, timers.
import { z } from 'zod';

const ms = (dflt: number, min = 0): z.ZodDefault<z.ZodNumber> =>
  z.number().int().min(min).max(86_400_000).default(dflt);

export const modemTimeoutsSchema = z
  .object({
    /** Default timeout of one AT command. */
    commandMs: ms(5_000, 50),
    /** Long commands: AT+COPS=, AT+CFUN=, socket open, PDP activation. */
    longCommandMs: ms(60_000, 50),
    /** Waiting for +CEREG stat 1/5 after the radio is on. */
    attachMs: ms(180_000, 100),
    /**
     * First pause before retrying a failed step (probe, SIM, attach) or a repeated recovery; doubles per failure in a
     * row.
     */
    retryMs: ms(10_000, 10),
    /** Cap of that growing pause. */
    retryMaxMs: ms(600_000, 10),
    /** Online this long without a failure: the next failure starts from retryMs again. */
    stableMs: ms(120_000, 0),
    /** CFUN=0 → CFUN=1 pause during recovery. */
    cfunCycleMs: ms(2_000, 0),
    /** Signal / cell polling period while online. */
    signalIntervalMs: ms(60_000, 100),
    /** Registration may drop shortly (cell change): how long before network.down is published. */
    lossGraceMs: ms(30_000, 0),
  })
  .strict();

export const simulatedSchema = z
  .object({
    /** Time from power on to attach. */
    attachDelayMs: ms(1_500),
    /** Scripted outages: registration lost at `atMs` after start for `durationMs`. */
    outages: z.array(z.object({ atMs: ms(0), durationMs: ms(10_000) }).strict()).default([]),
    /** Starting RSRP (dBm) for the drifting signal. */
    rsrpDbm: z.number().min(-140).max(-44).default(-95),
    /** Seed for the drift (deterministic). */
    seed: z.number().int().default(1),
  })
  .strict();

/** Owned by the modem area; every key has a documented default (see docs/modem.md). */
export const modemConfigSchema = z
  .object({
    kind: z.enum(['simulated', 'serial']).default('simulated'),
    port: z.string().min(1).default('/dev/ttyUSB2'),
    baudRate: z.number().int().positive().default(115_200),
    profile: z.enum(['auto', 'generic', 'nrf91', 'bg95', 'sim7080']).default('auto'),
    mode: z.enum(['lte-m', 'nb-iot']).default('lte-m'),
    apn: z.string().default(''),
    /** LTE bands to allow (empty: the modem's default). */
    bands: z.array(z.number().int().min(1).max(255)).default([]),
    /** Numeric operator (MCC+MNC, e.g. "26201") for manual selection; empty: automatic. */
    operator: z
      .string()
      .regex(/^(\d{5,6})?$/)
      .default(''),
    dataPath: z.enum(['host', 'modem-socket']).default('host'),
    /** PSM (3GPP TS 27.007 §7.38 +CPSMS): requested periodic TAU (T3412) and active time (T3324) in seconds. */
    psm: z
      .object({
        enabled: z.boolean().default(false),
        tauS: z.number().int().min(2).default(3600),
        activeS: z.number().int().min(0).default(60),
      })
      .strict()
      .default({ enabled: false, tauS: 3600, activeS: 60 }),
    /** eDRX (TS 27.007 §7.40 +CEDRXS): requested cycle as the 4-bit value of TS 24.008 table 10.5.5.32. */
    edrx: z
      .object({
        enabled: z.boolean().default(false),
        value: z
          .string()
          .regex(/^[01]{4}$/)
          .default('0101'),
      })
      .strict()
      .default({ enabled: false, value: '0101' }),
    timeouts: modemTimeoutsSchema.default(modemTimeoutsSchema.parse({})),
    /** Hardware reset line (libgpiod): chip and line; empty chip: no GPIO reset. */
    resetGpio: z
      .object({
        chip: z.string().default(''),
        line: z.number().int().min(0).default(0),
        activeLow: z.boolean().default(true),
        pulseMs: ms(300),
      })
      .strict()
      .default({ chip: '', line: 0, activeLow: true, pulseMs: 300 }),
    /**
     * Random shortening of each retry pause, 0..1 (0.2: between 80 and 100 % of it), so that modems do not retry in
     * step.
     */
    retryJitter: z.number().min(0).max(1).default(0.2),
    /**
     * Signal polls in a row that fail (no answer, ERROR, +CME ERROR) while online: the link is declared down and
     * recovered.
     */
    maxPollFailures: z.number().int().min(1).max(100).default(3),
    /** CFUN cycles before a GPIO reset is tried (if configured). */
    cfunCyclesBeforeReset: z.number().int().min(0).default(2),
    simulated: simulatedSchema.default(simulatedSchema.parse({})),
  })
  .strict()
  .prefault({});
export type ModemConfig = z.infer<typeof modemConfigSchema>;
export type ModemTimeouts = z.infer<typeof modemTimeoutsSchema>;

export function parseModemConfig(raw: unknown): ModemConfig {
  return modemConfigSchema.parse(raw ?? {});
}
