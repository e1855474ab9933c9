// water-meter.ts: object 3424 Water meter (uCIFI, v1.1): values pushed by the meter actor, resets forwarded to it.
import { defineObject, status, type ObjectDef, type ObjectRuntime, type ResourceValue } from '../lwm2m/object-api.js';
import type { MeterSnapshot } from '../meter/meter-core.js';
import { MeterMessageTypes } from '../meter/messages.js';

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
    { id: 1, name: 'Cumulated water volume', type: 'float', operations: 'R', mandatory: true, units: 'm3' },
    { id: 2, name: 'Cumulated water meter value reset', type: 'none', operations: 'E' },
    { id: 3, name: 'Type of meter', type: 'string', operations: 'RW' },
    { id: 4, name: 'Cumulated pulse value', type: 'integer', operations: 'R' },
    { id: 5, name: 'Cumulated pulse value reset', type: 'none', operations: 'E' },
    { id: 6, name: 'Pulse ratio', type: 'integer', operations: 'RW' },
    { id: 7, name: 'Minimum flow rate', type: 'float', operations: 'R', units: 'm3/s' },
    { id: 8, name: 'Maximum flow rate', type: 'float', operations: 'R', units: 'm3/s' },
    { id: 9, name: 'Leak suspected', type: 'boolean', operations: 'R' },
    { id: 10, name: 'Leak detected', type: 'boolean', operations: 'R' },
    { id: 11, name: 'Back flow detected', type: 'boolean', operations: 'R' },
    { id: 12, name: 'Blocked meter', type: 'boolean', operations: 'R' },
    { id: 13, name: 'Fraud detected', type: 'boolean', operations: 'R' },
    { id: 5518, name: 'Timestamp', type: 'time', operations: 'R' },
    { id: 6050, name: 'Fractional Timestamp', type: 'float', operations: 'R', units: 's', range: { min: 0, max: 1 } },
    { id: 6042, name: 'Measurement Quality Indicator', type: 'integer', operations: 'R', range: { min: 0, max: 23 } },
    { id: 6049, name: 'Measurement Quality Level', type: 'integer', operations: 'R', range: { min: 0, max: 100 } },
  ],
};

/** The meter actor's name (messages for resets and ratio changes). */
const METER = 'meter';

/** Resource id → value of a snapshot (only what the meter knows; 6050/6042/6049 are not served). */
export function snapshotValues(s: MeterSnapshot): Map<number, ResourceValue> {
  return new Map<number, ResourceValue>([
    [1, s.volumeM3], [3, s.meterType], [4, s.pulses], [6, s.pulseRatio], [7, s.minFlow], [8, s.maxFlow],
    [9, s.flags.leakSuspected], [10, s.flags.leakDetected], [11, s.flags.backflow], [12, s.flags.blocked],
    [13, false], [5518, s.time],
  ]);
}

function isSnapshot(v: unknown): v is MeterSnapshot {
  const s = v as MeterSnapshot;
  return typeof v === 'object' && v !== null && typeof s.volumeM3 === 'number' && typeof s.pulses === 'number'
    && typeof s.flags === 'object' && s.flags !== null;
}

/** Sets only what changed, so observers are not notified for unchanged values. */
function apply(rt: ObjectRuntime, s: MeterSnapshot): void {
  for (const [id, v] of snapshotValues(s)) {
    if (id === 5518) continue;
    if (rt.get(0, id) !== v) rt.set(0, id, v);
  }
  // The timestamp moves with every reading; setting it last keeps it coherent with the values above.
  rt.set(0, 5518, s.time);
}

export const waterMeterObject = defineObject({
  definition: waterMeterDefinition,
  instances: {
    0: {
      1: 0, 3: 'cold water', 4: 0, 6: 1000, 7: 0, 8: 0, 9: false, 10: false, 11: false, 12: false, 13: false, 5518: 0,
    },
  },
  // The meter's register is the device's: neither a server nor a Bootstrap-Delete removes it.
  delete: () => status('4.05', 'the water meter instance belongs to the device'),
  receive(msg, rt) {
    if (msg.type !== MeterMessageTypes.reading) return undefined;
    if (!isSnapshot(msg.snapshot)) {
      rt.log.warn({ type: msg.type }, 'meter.reading without a valid snapshot ignored');
      return undefined;
    }
    apply(rt, msg.snapshot);
    return undefined;
  },
  execute(t, _args, rt) {
    if (t.instanceId !== 0) return status('4.04');
    if (t.resourceId === 2) rt.emit(METER, { type: MeterMessageTypes.resetVolume });
    else if (t.resourceId === 5) rt.emit(METER, { type: MeterMessageTypes.resetPulses });
    else return status('4.05');
    return undefined;
  },
  write(t, value, rt) {
    if (t.resourceId === 6) {
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) return status('4.00', 'pulse ratio must be a positive integer');
      rt.emit(METER, { type: MeterMessageTypes.pulseRatio, value });
      return undefined;
    }
    if (t.resourceId === 3) return typeof value === 'string' && value.length <= 64 ? undefined : status('4.00', 'meter type: string of up to 64 characters');
    return status('4.05');
  },
});

export default waterMeterObject;
