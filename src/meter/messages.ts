// messages.ts: messages between the meter actor, object 3424's actor and the serial bridge.
import type { MeterSnapshot } from './meter-core.js';

/** meter → object:3424 (after every journal fsync and every reading): the durable values to show. */
export interface MeterReadingMessage { type: 'meter.reading'; snapshot: MeterSnapshot }
/** object:3424 → meter: executes /3424/0/2 and /3424/0/5. */
export interface MeterResetVolume { type: 'meter.reset-volume' }
export interface MeterResetPulses { type: 'meter.reset-pulses' }
/** object:3424 → meter: /3424/0/6 written. */
export interface MeterPulseRatio { type: 'meter.pulse-ratio'; value: number }
/** main-thread serial bridge → meter: bytes from the meter head (source kind 'serial'). */
export interface MeterSerialData { type: 'meter.serial-data'; data: Uint8Array }
/** anyone → meter (request): the current durable snapshot and queue length. Reply: { snapshot, queued }. */
export interface MeterStatus { type: 'meter.status' }

export const MeterMessageTypes = {
  reading: 'meter.reading',
  resetVolume: 'meter.reset-volume',
  resetPulses: 'meter.reset-pulses',
  pulseRatio: 'meter.pulse-ratio',
  serialData: 'meter.serial-data',
  status: 'meter.status',
} as const;
