// device.ts: object 3 Device: identity from config, firmware version = package version, memory from `os`, time, error codes, reboot and factory reset → 'runtime' (main thread: clean restart, factory reset wipes the LwM2M state first).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { defineObject, status, type ObjectDef, type ObjectSpec } from '../lwm2m/object-api.js';

export const deviceDefinition: ObjectDef = {
  id: 3,
  name: 'Device',
  version: '1.1',
  lwm2mVersion: '1.1',
  multiple: false,
  mandatory: true,
  urn: 'urn:oma:lwm2m:oma:3:1.1',
  resources: [
    { id: 0, name: 'Manufacturer', type: 'string', operations: 'R' },
    { id: 1, name: 'Model Number', type: 'string', operations: 'R' },
    { id: 2, name: 'Serial Number', type: 'string', operations: 'R' },
    { id: 3, name: 'Firmware Version', type: 'string', operations: 'R' },
    { id: 4, name: 'Reboot', type: 'none', operations: 'E', mandatory: true },
    { id: 5, name: 'Factory Reset', type: 'none', operations: 'E' },
    { id: 6, name: 'Available Power Sources', type: 'integer', operations: 'R', multiple: true, range: { min: 0, max: 7 } },
    { id: 10, name: 'Memory Free', type: 'integer', operations: 'R', units: 'KiB' },
    { id: 11, name: 'Error Code', type: 'integer', operations: 'R', multiple: true, mandatory: true, range: { min: 0, max: 32 } },
    { id: 12, name: 'Reset Error Code', type: 'none', operations: 'E' },
    { id: 13, name: 'Current Time', type: 'time', operations: 'RW' },
    { id: 14, name: 'UTC Offset', type: 'string', operations: 'RW' },
    { id: 15, name: 'Timezone', type: 'string', operations: 'RW' },
    { id: 16, name: 'Supported Binding and Modes', type: 'string', operations: 'R', mandatory: true },
    { id: 17, name: 'Device Type', type: 'string', operations: 'R' },
    { id: 18, name: 'Hardware Version', type: 'string', operations: 'R' },
    { id: 19, name: 'Software Version', type: 'string', operations: 'R' },
    { id: 21, name: 'Memory Total', type: 'integer', operations: 'R', units: 'KiB' },
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
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
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
      rt.createInstance(0, new Map<number, import('../lwm2m/object-api.js').ResourceValue>([
        [0, str(d.manufacturer, 'lwm2m-meter')],
        [1, str(d.model, 'demo-water-meter')],
        [2, str(d.serial, '0001')],
        [3, version],
        [6, new Map([[0, POWER_AC_MAINS]])],
        [11, new Map([[0, 0]])],
        [14, str(d.utcOffset, '+00:00')],
        [15, str(d.timezone, Intl.DateTimeFormat().resolvedOptions().timeZone)],
        [16, 'UQ'],
        [17, 'water meter'],
        [18, str(d.hardwareVersion, '1.0')],
        [19, version],
      ]));
    },
    read(t) {
      switch (t.resourceId) {
        case 10: return Math.floor(mem.free() / 1024);
        case 21: return Math.floor(mem.total() / 1024);
        case 13: return Math.floor(now() / 1000) + clockOffsetS;
        default: return undefined;
      }
    },
    write(t, value) {
      if (t.resourceId === 13 && typeof value === 'number') clockOffsetS = value - Math.floor(now() / 1000);
      return undefined;
    },
    execute(t, _args, rt) {
      switch (t.resourceId) {
        case 4: rt.emit('runtime', { type: 'device.reboot' }); return undefined; // main thread: 2.04 first, then a clean stop (cli/reboot.ts)
        case 5: rt.emit('runtime', { type: 'device.factory-reset' }); return undefined; // main thread: 2.04 first, then wipe and restart (cli/reboot.ts)
        case 12: rt.set(0, 11, new Map([[0, 0]])); return undefined;
        default: return status('4.05');
      }
    },
    receive(msg, rt) {
      if (msg.type === 'firmware.version' && typeof msg.version === 'string') {
        rt.set(0, 3, msg.version);
        rt.set(0, 19, msg.version);
      }
      if (msg.type === 'device.error' && typeof msg.code === 'number') {
        const cur = rt.get(0, 11);
        const codes = new Set(cur instanceof Map ? [...cur.values()].filter((x) => x !== 0) : []);
        codes.add(msg.code);
        rt.set(0, 11, new Map([...codes].map((c, i) => [i, c as number])));
      }
      return undefined;
    },
  });
}

export default createDeviceObject();
