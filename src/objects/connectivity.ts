// connectivity.ts: object 4 Connectivity Monitoring: values from the modem ('connectivity.update'), host interfaces as the fallback.
import os from 'node:os';
import { defineObject, type ObjectDef, type ObjectSpec, type ResourceValue } from '../lwm2m/object-api.js';
import type { LwValue } from '../lwm2m/types.js';

export const connectivityDefinition: ObjectDef = {
  id: 4,
  name: 'Connectivity Monitoring',
  version: '1.2',
  lwm2mVersion: '1.1',
  multiple: false,
  urn: 'urn:oma:lwm2m:oma:4:1.2',
  resources: [
    { id: 0, name: 'Network Bearer', type: 'integer', operations: 'R', mandatory: true },
    { id: 1, name: 'Available Network Bearer', type: 'integer', operations: 'R', multiple: true, mandatory: true },
    { id: 2, name: 'Radio Signal Strength', type: 'integer', operations: 'R', mandatory: true, units: 'dBm' },
    { id: 3, name: 'Link Quality', type: 'integer', operations: 'R' },
    { id: 4, name: 'IP Addresses', type: 'string', operations: 'R', multiple: true, mandatory: true },
    { id: 5, name: 'Router IP Addresses', type: 'string', operations: 'R', multiple: true },
    { id: 6, name: 'Link Utilization', type: 'integer', operations: 'R', units: '%', range: { min: 0, max: 100 } },
    { id: 7, name: 'APN', type: 'string', operations: 'R', multiple: true },
    { id: 8, name: 'Cell ID', type: 'integer', operations: 'R' },
    { id: 9, name: 'SMNC', type: 'integer', operations: 'R' },
    { id: 10, name: 'SMCC', type: 'integer', operations: 'R' },
    { id: 11, name: 'SignalSNR', type: 'integer', operations: 'R', units: 'dB' },
    { id: 12, name: 'LAC', type: 'integer', operations: 'R' },
  ],
};

/** Network bearer codes (resource 0/1). */
export const Bearer = { LTE_FDD: 6, NB_IOT: 7, LTE_M: 6, WLAN: 21, ETHERNET: 41 } as const;

/** Host addresses (non-internal interfaces) for the fallback when no modem reports. */
export function hostAddresses(ifaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): string[] {
  const out: string[] = [];
  for (const list of Object.values(ifaces)) for (const i of list ?? []) if (!i.internal) out.push(i.address);
  return out;
}

function asResource(v: unknown): ResourceValue | undefined {
  if (Array.isArray(v)) {
    const m = new Map<number, LwValue>();
    v.forEach((x, i) => { if (typeof x === 'string' || typeof x === 'number') m.set(i, x); });
    return m;
  }
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return undefined;
}

export function createConnectivityObject(opts: { interfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]> } = {}): ObjectSpec {
  return defineObject({
    definition: connectivityDefinition,
    start(rt) {
      const ips = hostAddresses(opts.interfaces?.());
      rt.createInstance(0, new Map<number, ResourceValue>([
        [0, Bearer.ETHERNET], [1, new Map([[0, Bearer.ETHERNET]])], [2, 0], [4, new Map(ips.map((a, i) => [i, a]))],
      ]));
    },
    receive(msg, rt) {
      if (msg.type !== 'connectivity.update' || typeof msg.values !== 'object' || msg.values === null) return undefined;
      for (const [k, v] of Object.entries(msg.values as Record<string, unknown>)) {
        const rid = Number(k);
        if (!connectivityDefinition.resources.some((r) => r.id === rid)) continue;
        const val = asResource(v);
        if (val !== undefined) rt.set(0, rid, val);
      }
      return { ok: true };
    },
  });
}

export default createConnectivityObject();
