// water-meter.ts: object 3424 Water meter (uCIFI, v1.1): values pushed by the meter actor, resets forwarded to it.
import { defineObject, status, type ObjectDef, type ObjectRuntime, type ResourceValue } from '../lwm2m/object-api.js';
import type { MeterSnapshot } from '../meter/meter-core.js';

/** Resource IDs of object 3424. */
export const WM = {
  VOLUME: 1,
  VOLUME_RESET: 2,
  METER_TYPE: 3,
  PULSES: 4,
  PULSES_RESET: 5,
  PULSE_RATIO: 6,
  MIN_FLOW: 7,
  MAX_FLOW: 8,
  LEAK_SUSPECTED: 9,
  LEAK_DETECTED: 10,
  BACKFLOW: 11,
  BLOCKED: 12,
  FRAUD: 13,
  TIMESTAMP: 5518,
  FRACTIONAL_TIMESTAMP: 6050,
  QUALITY_INDICATOR: 6042,
  QUALITY_LEVEL: 6049,
} as const;

/** Embedded from the OMA registry DDF 3424.xml (urn:oma:lwm2m:ext:3424:1.1). */
export const waterMeterDefinition: ObjectDef = {
  id: 3424,
  name: 'Water meter',
  version: '1.1',
  lwm2mVersion: '1.0',
  multiple: true,
  mandatory: false,
  urn: 'urn:oma:lwm2m:ext:3424:1.1',
  resources: [
    { id: WM.VOLUME, name: 'Cumulated water volume', type: 'float', operations: 'R', mandatory: true, units: 'm3' },
    { id: WM.VOLUME_RESET, name: 'Cumulated water meter value reset', type: 'none', operations: 'E' },
    { id: WM.METER_TYPE, name: 'Type of meter', type: 'string', operations: 'RW' },
    { id: WM.PULSES, name: 'Cumulated pulse value', type: 'integer', operations: 'R' },
    { id: WM.PULSES_RESET, name: 'Cumulated pulse value reset', type: 'none', operations: 'E' },
    { id: WM.PULSE_RATIO, name: 'Pulse ratio', type: 'integer', operations: 'RW' },
    { id: WM.MIN_FLOW, name: 'Minimum flow rate', type: 'float', operations: 'R', units: 'm3/s' },
    { id: WM.MAX_FLOW, name: 'Maximum flow rate', type: 'float', operations: 'R', units: 'm3/s' },
    { id: WM.LEAK_SUSPECTED, name: 'Leak suspected', type: 'boolean', operations: 'R' },
    { id: WM.LEAK_DETECTED, name: 'Leak detected', type: 'boolean', operations: 'R' },
    { id: WM.BACKFLOW, name: 'Back flow detected', type: 'boolean', operations: 'R' },
    { id: WM.BLOCKED, name: 'Blocked meter', type: 'boolean', operations: 'R' },
    { id: WM.FRAUD, name: 'Fraud detected', type: 'boolean', operations: 'R' },
    { id: WM.TIMESTAMP, name: 'Timestamp', type: 'time', operations: 'R' },
    {
      id: WM.FRACTIONAL_TIMESTAMP,
      name: 'Fractional Timestamp',
      type: 'float',
      operations: 'R',
      units: 's',
      range: { min: 0, max: 1 },
    },
    {
      id: WM.QUALITY_INDICATOR,
      name: 'Measurement Quality Indicator',
      type: 'integer',
      operations: 'R',
      range: { min: 0, max: 23 },
    },
    {
      id: WM.QUALITY_LEVEL,
      name: 'Measurement Quality Level',
      type: 'integer',
      operations: 'R',
      range: { min: 0, max: 100 },
    },
  ],
};

/** The meter actor's name (messages for resets and ratio changes). */
const METER = 'meter';

/** Resource id → value of a snapshot (only what the meter knows; 6050/6042/6049 are not served). */
export function snapshotValues(s: MeterSnapshot): Map<number, ResourceValue> {
  return new Map<number, ResourceValue>([
    [WM.VOLUME, s.volumeM3],
    [WM.METER_TYPE, s.meterType],
    [WM.PULSES, s.pulses],
    [WM.PULSE_RATIO, s.pulseRatio],
    [WM.MIN_FLOW, s.minFlow],
    [WM.MAX_FLOW, s.maxFlow],
    [WM.LEAK_SUSPECTED, s.flags.leakSuspected],
    [WM.LEAK_DETECTED, s.flags.leakDetected],
    [WM.BACKFLOW, s.flags.backflow],
    [WM.BLOCKED, s.flags.blocked],
    [WM.FRAUD, false],
    [WM.TIMESTAMP, s.time],
  ]);
}

function isSnapshot(v: unknown): v is MeterSnapshot {
  const s = v as MeterSnapshot;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof s.volumeM3 === 'number' &&
    typeof s.pulses === 'number' &&
    typeof s.flags === 'object' &&
    s.flags !== null
  );
}

/** Sets only what changed, so observers are not notified for unchanged values. */
function applySnapshot(rt: ObjectRuntime, s: MeterSnapshot): void {
  for (const [id, v] of snapshotValues(s)) {
    if (id === WM.TIMESTAMP) continue;
    if (rt.get(0, id) !== v) rt.set(0, id, v);
  }
  // The timestamp moves with every reading; setting it last keeps it coherent with the values above.
  rt.set(0, WM.TIMESTAMP, s.time);
}

export const waterMeterObject = defineObject({
  definition: waterMeterDefinition,
  instances: {
    0: {
      [WM.VOLUME]: 0,
      [WM.METER_TYPE]: 'cold water',
      [WM.PULSES]: 0,
      [WM.PULSE_RATIO]: 1000,
      [WM.MIN_FLOW]: 0,
      [WM.MAX_FLOW]: 0,
      [WM.LEAK_SUSPECTED]: false,
      [WM.LEAK_DETECTED]: false,
      [WM.BACKFLOW]: false,
      [WM.BLOCKED]: false,
      [WM.FRAUD]: false,
      [WM.TIMESTAMP]: 0,
    },
  },
  // The meter's register is the device's: neither a server nor a Bootstrap-Delete removes it.
  delete: () => status('4.05', 'the water meter instance belongs to the device'),
  receive(msg, rt) {
    if (msg.type !== 'meter.reading') return undefined;
    if (!isSnapshot(msg.snapshot)) {
      rt.log.warn({ type: msg.type }, 'meter.reading without a valid snapshot ignored');
      return undefined;
    }
    applySnapshot(rt, msg.snapshot);
    return undefined;
  },
  execute(t, _args, rt) {
    if (t.instanceId !== 0) return status('4.04');
    if (t.resourceId === WM.VOLUME_RESET) rt.emit(METER, { type: 'meter.reset-volume' });
    else if (t.resourceId === WM.PULSES_RESET) rt.emit(METER, { type: 'meter.reset-pulses' });
    else return status('4.05');
    return undefined;
  },
  // Validation only; the meter hears of a new pulse ratio in apply, once the whole Write is accepted.
  write(t, value) {
    if (t.resourceId === WM.PULSE_RATIO) {
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
        return status('4.00', 'pulse ratio must be a positive integer');
      return undefined;
    }
    if (t.resourceId === WM.METER_TYPE)
      return typeof value === 'string' && value.length <= 64
        ? undefined
        : status('4.00', 'meter type: string of up to 64 characters');
    return status('4.05');
  },
  apply(w, rt) {
    // (write has checked it is a positive integer)
    for (const c of w.changes)
      if (c.resourceId === WM.PULSE_RATIO && typeof c.value === 'number')
        rt.emit(METER, { type: 'meter.pulse-ratio', value: c.value });
    return undefined;
  },
});

export default waterMeterObject;
