// device.ts: object 3 Device: identity from config, firmware version = package version, memory from `os`, time, error
// codes, reboot and factory reset → 'runtime' (main thread: clean restart, factory reset wipes the LwM2M state first).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { defineObject, status, type ObjectDef, type ObjectSpec } from '../lwm2m/object-api.js';

/** Resource IDs of object 3. */
export const DEV = {
  MANUFACTURER: 0,
  MODEL_NUMBER: 1,
  SERIAL_NUMBER: 2,
  FIRMWARE_VERSION: 3,
  REBOOT: 4,
  FACTORY_RESET: 5,
  POWER_SOURCES: 6,
  MEMORY_FREE: 10,
  ERROR_CODE: 11,
  RESET_ERROR_CODE: 12,
  CURRENT_TIME: 13,
  UTC_OFFSET: 14,
  TIMEZONE: 15,
  BINDING_MODES: 16,
  DEVICE_TYPE: 17,
  HARDWARE_VERSION: 18,
  SOFTWARE_VERSION: 19,
  MEMORY_TOTAL: 21,
} as const;

export const deviceDefinition: ObjectDef = {
  id: 3,
  name: 'Device',
  version: '1.1',
  lwm2mVersion: '1.1',
  multiple: false,
  mandatory: true,
  urn: 'urn:oma:lwm2m:oma:3:1.1',
  resources: [
    { id: DEV.MANUFACTURER, name: 'Manufacturer', type: 'string', operations: 'R' },
    { id: DEV.MODEL_NUMBER, name: 'Model Number', type: 'string', operations: 'R' },
    { id: DEV.SERIAL_NUMBER, name: 'Serial Number', type: 'string', operations: 'R' },
    { id: DEV.FIRMWARE_VERSION, name: 'Firmware Version', type: 'string', operations: 'R' },
    { id: DEV.REBOOT, name: 'Reboot', type: 'none', operations: 'E', mandatory: true },
    { id: DEV.FACTORY_RESET, name: 'Factory Reset', type: 'none', operations: 'E' },
    {
      id: DEV.POWER_SOURCES,
      name: 'Available Power Sources',
      type: 'integer',
      operations: 'R',
      multiple: true,
      range: { min: 0, max: 7 },
    },
    { id: DEV.MEMORY_FREE, name: 'Memory Free', type: 'integer', operations: 'R', units: 'KiB' },
    {
      id: DEV.ERROR_CODE,
      name: 'Error Code',
      type: 'integer',
      operations: 'R',
      multiple: true,
      mandatory: true,
      range: { min: 0, max: 32 },
    },
    { id: DEV.RESET_ERROR_CODE, name: 'Reset Error Code', type: 'none', operations: 'E' },
    { id: DEV.CURRENT_TIME, name: 'Current Time', type: 'time', operations: 'RW' },
    { id: DEV.UTC_OFFSET, name: 'UTC Offset', type: 'string', operations: 'RW' },
    { id: DEV.TIMEZONE, name: 'Timezone', type: 'string', operations: 'RW' },
    { id: DEV.BINDING_MODES, name: 'Supported Binding and Modes', type: 'string', operations: 'R', mandatory: true },
    { id: DEV.DEVICE_TYPE, name: 'Device Type', type: 'string', operations: 'R' },
    { id: DEV.HARDWARE_VERSION, name: 'Hardware Version', type: 'string', operations: 'R' },
    { id: DEV.SOFTWARE_VERSION, name: 'Software Version', type: 'string', operations: 'R' },
    { id: DEV.MEMORY_TOTAL, name: 'Memory Total', type: 'integer', operations: 'R', units: 'KiB' },
  ],
};

/** Power source 6 = AC mains (no battery resources are offered). */
export const POWER_AC_MAINS = 6;

export interface DeviceObjectOptions {
  /** Clock in ms (injectable). */
  now?: () => number;
  memory?: { free(): number; total(): number };
  /** Version shown in /3/0/3 and /3/0/19 until 'firmware.version' says otherwise (default: package.json version). */
  version?: string;
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function deviceSection(cfg: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const d = cfg.device;
  return typeof d === 'object' && d !== null ? (d as Record<string, unknown>) : {};
}

export function createDeviceObject(opts: DeviceObjectOptions = {}): ObjectSpec {
  const now = opts.now ?? Date.now;
  const mem = opts.memory ?? { free: () => os.freemem(), total: () => os.totalmem() };
  let clockOffsetS = 0;
  return defineObject({
    definition: deviceDefinition,
    start(rt) {
      const d = deviceSection(rt.config);
      const version = opts.version ?? packageVersion();
      const str = (v: unknown, dflt: string): string => (typeof v === 'string' ? v : dflt);
      rt.createInstance(
        0,
        new Map<number, import('../lwm2m/object-api.js').ResourceValue>([
          [DEV.MANUFACTURER, str(d.manufacturer, 'lwm2m-meter')],
          [DEV.MODEL_NUMBER, str(d.model, 'demo-water-meter')],
          [DEV.SERIAL_NUMBER, str(d.serial, '0001')],
          [DEV.FIRMWARE_VERSION, version],
          [DEV.POWER_SOURCES, new Map([[0, POWER_AC_MAINS]])],
          [DEV.ERROR_CODE, new Map([[0, 0]])],
          [DEV.UTC_OFFSET, str(d.utcOffset, '+00:00')],
          [DEV.TIMEZONE, str(d.timezone, Intl.DateTimeFormat().resolvedOptions().timeZone)],
          [DEV.BINDING_MODES, 'UQ'],
          [DEV.DEVICE_TYPE, 'water meter'],
          [DEV.HARDWARE_VERSION, str(d.hardwareVersion, '1.0')],
          [DEV.SOFTWARE_VERSION, version],
        ]),
      );
    },
    read(t) {
      switch (t.resourceId) {
        case DEV.MEMORY_FREE:
          return Math.floor(mem.free() / 1024);
        case DEV.MEMORY_TOTAL:
          return Math.floor(mem.total() / 1024);
        case DEV.CURRENT_TIME:
          return Math.floor(now() / 1000) + clockOffsetS;
        default:
          return undefined;
      }
    },
    apply(w) {
      // A written Current Time sets the offset of /3/0/13 from the system clock (the value read back follows the
      // clock).
      for (const c of w.changes)
        if (c.resourceId === DEV.CURRENT_TIME && typeof c.value === 'number')
          clockOffsetS = c.value - Math.floor(now() / 1000);
      return undefined;
    },
    execute(t, _args, rt) {
      switch (t.resourceId) {
        case DEV.REBOOT:
          rt.emit('runtime', { type: 'device.reboot' });
          return undefined; // main thread: 2.04 first, then a clean stop (cli/reboot.ts)
        case DEV.FACTORY_RESET:
          rt.emit('runtime', { type: 'device.factory-reset' });
          return undefined; // main thread: 2.04 first, then wipe and restart (cli/reboot.ts)
        case DEV.RESET_ERROR_CODE:
          rt.set(0, DEV.ERROR_CODE, new Map([[0, 0]]));
          return undefined;
        default:
          return status('4.05');
      }
    },
    receive(msg, rt) {
      if (msg.type === 'firmware.version' && typeof msg.version === 'string') {
        rt.set(0, DEV.FIRMWARE_VERSION, msg.version);
        rt.set(0, DEV.SOFTWARE_VERSION, msg.version);
      }
      if (msg.type === 'device.error' && typeof msg.code === 'number') {
        const cur = rt.get(0, DEV.ERROR_CODE);
        const codes = new Set(cur instanceof Map ? [...cur.values()].filter((x) => x !== 0) : []);
        codes.add(msg.code);
        rt.set(0, DEV.ERROR_CODE, new Map([...codes].map((c, i) => [i, c as number])));
      }
      return undefined;
    },
  });
}

export default createDeviceObject();
