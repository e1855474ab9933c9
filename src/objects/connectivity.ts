// connectivity.ts: object 4 Connectivity Monitoring: values from the modem ('connectivity.update'), host interfaces as
// the fallback.
import os from 'node:os';
import { defineObject, type ObjectDef, type ObjectSpec, type ResourceValue } from '../lwm2m/object-api.js';
import type { LwValue } from '../lwm2m/types.js';

/** Resource IDs of object 4. */
export const CONN = {
  NETWORK_BEARER: 0,
  AVAILABLE_BEARERS: 1,
  RADIO_SIGNAL_STRENGTH: 2,
  LINK_QUALITY: 3,
  IP_ADDRESSES: 4,
  ROUTER_IP_ADDRESSES: 5,
  LINK_UTILIZATION: 6,
  APN: 7,
  CELL_ID: 8,
  SMNC: 9,
  SMCC: 10,
  SIGNAL_SNR: 11,
  LAC: 12,
} as const;

export const connectivityDefinition: ObjectDef = {
  id: 4,
  name: 'Connectivity Monitoring',
  version: '1.2',
  lwm2mVersion: '1.1',
  multiple: false,
  urn: 'urn:oma:lwm2m:oma:4:1.2',
  resources: [
    { id: CONN.NETWORK_BEARER, name: 'Network Bearer', type: 'integer', operations: 'R', mandatory: true },
    {
      id: CONN.AVAILABLE_BEARERS,
      name: 'Available Network Bearer',
      type: 'integer',
      operations: 'R',
      multiple: true,
      mandatory: true,
    },
    {
      id: CONN.RADIO_SIGNAL_STRENGTH,
      name: 'Radio Signal Strength',
      type: 'integer',
      operations: 'R',
      mandatory: true,
      units: 'dBm',
    },
    { id: CONN.LINK_QUALITY, name: 'Link Quality', type: 'integer', operations: 'R' },
    { id: CONN.IP_ADDRESSES, name: 'IP Addresses', type: 'string', operations: 'R', multiple: true, mandatory: true },
    { id: CONN.ROUTER_IP_ADDRESSES, name: 'Router IP Addresses', type: 'string', operations: 'R', multiple: true },
    {
      id: CONN.LINK_UTILIZATION,
      name: 'Link Utilization',
      type: 'integer',
      operations: 'R',
      units: '%',
      range: { min: 0, max: 100 },
    },
    { id: CONN.APN, name: 'APN', type: 'string', operations: 'R', multiple: true },
    { id: CONN.CELL_ID, name: 'Cell ID', type: 'integer', operations: 'R' },
    { id: CONN.SMNC, name: 'SMNC', type: 'integer', operations: 'R' },
    { id: CONN.SMCC, name: 'SMCC', type: 'integer', operations: 'R' },
    { id: CONN.SIGNAL_SNR, name: 'SignalSNR', type: 'integer', operations: 'R', units: 'dB' },
    { id: CONN.LAC, name: 'LAC', type: 'integer', operations: 'R' },
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
    v.forEach((x, i) => {
      if (typeof x === 'string' || typeof x === 'number') m.set(i, x);
    });
    return m;
  }
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return undefined;
}

export function createConnectivityObject(
  opts: { interfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]> } = {},
): ObjectSpec {
  return defineObject({
    definition: connectivityDefinition,
    start(rt) {
      const ips = hostAddresses(opts.interfaces?.());
      rt.createInstance(
        0,
        new Map<number, ResourceValue>([
          [CONN.NETWORK_BEARER, Bearer.ETHERNET],
          [CONN.AVAILABLE_BEARERS, new Map([[0, Bearer.ETHERNET]])],
          [CONN.RADIO_SIGNAL_STRENGTH, 0],
          [CONN.IP_ADDRESSES, new Map(ips.map((a, i) => [i, a]))],
        ]),
      );
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
