// meter.ts: messages between the meter actor, object 3424's actor and the serial bridge.
import type { StateValue } from 'xstate';
import type { MeterSnapshot } from '../meter/meter-core.js';
import type { Ok } from './common.js';

/** meter → object:3424 (after every journal fsync and every reading): the durable values to show. */
export type MeterReading = { type: 'meter.reading'; snapshot: MeterSnapshot };
/** object:3424 → meter: executes /3424/0/2 and /3424/0/5. */
export type MeterResetVolume = { type: 'meter.reset-volume' };
export type MeterResetPulses = { type: 'meter.reset-pulses' };
/** object:3424 → meter: /3424/0/6 written (a positive integer; BAD_MESSAGE otherwise). */
export type MeterPulseRatio = { type: 'meter.pulse-ratio'; value: number };
/** main-thread serial bridge → meter: bytes from the meter head (source kind 'serial'). */
export type MeterSerialData = { type: 'meter.serial-data'; data: Uint8Array };
/**
 * a valve (the valve plugin) → meter: the supply is shut (open false) or open again. A simulated source counts no flow
 * while it is shut; real sources need nothing (no water, no pulses).
 */
export type MeterValve = { type: 'meter.valve'; open: boolean };
/** anyone → meter: the current durable snapshot and queue length. */
export type MeterStatus = { type: 'meter.status' };

export interface MeterRequests {
  'meter.reset-volume': { msg: MeterResetVolume; reply: Ok };
  'meter.reset-pulses': { msg: MeterResetPulses; reply: Ok };
  'meter.pulse-ratio': { msg: MeterPulseRatio; reply: Ok };
  'meter.status': { msg: MeterStatus; reply: { snapshot: MeterSnapshot; queued: number; state: StateValue } };
}

export interface MeterEvents {
  'meter.reading': MeterReading;
  /** object:3424 executes and writes without waiting. */
  'meter.reset-volume': MeterResetVolume;
  'meter.reset-pulses': MeterResetPulses;
  'meter.pulse-ratio': MeterPulseRatio;
  'meter.serial-data': MeterSerialData;
  'meter.valve': MeterValve;
}
