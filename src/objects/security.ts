// security.ts: object 0 LwM2M Security: server URIs, bootstrap flag, security mode, PSK identity/key (never readable by a server), seeded from config.
import { defineObject, status, type ObjectDef, type ObjectSpec, type ResourceValue } from '../lwm2m/object-api.js';
import { serverSeeds } from '../lwm2m/config-schema.js';
import { MAX_PERIOD_S } from '../lwm2m/attributes.js';
import type { ServerTarget } from '../actors/messages.js';

export const securityDefinition: ObjectDef = {
  id: 0,
  name: 'LWM2M Security',
  version: '1.1',
  lwm2mVersion: '1.1',
  multiple: true,
  mandatory: true,
  urn: 'urn:oma:lwm2m:oma:0:1.1',
  resources: [
    { id: 0, name: 'LWM2M Server URI', type: 'string', operations: 'RW', mandatory: true, range: { max: 255 } },
    { id: 1, name: 'Bootstrap-Server', type: 'boolean', operations: 'RW', mandatory: true },
    { id: 2, name: 'Security Mode', type: 'integer', operations: 'RW', mandatory: true, range: { min: 0, max: 4 } },
    { id: 3, name: 'Public Key or Identity', type: 'opaque', operations: 'RW', mandatory: true },
    { id: 4, name: 'Server Public Key', type: 'opaque', operations: 'RW', mandatory: true },
    { id: 5, name: 'Secret Key', type: 'opaque', operations: 'RW', mandatory: true },
    { id: 10, name: 'Short Server ID', type: 'integer', operations: 'RW', range: { min: 1, max: 65534 } },
    { id: 11, name: 'Client Hold Off Time', type: 'integer', operations: 'RW', units: 's', range: { min: 0, max: MAX_PERIOD_S } },
    { id: 12, name: 'Bootstrap-Server Account Timeout', type: 'integer', operations: 'RW', units: 's', range: { min: 0, max: MAX_PERIOD_S } },
  ],
};

export const SecurityMode = { PSK: 0, RPK: 1, CERTIFICATE: 2, NOSEC: 3, EST: 4 } as const;

const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

/** Server targets from the Security instances (what the client gives socket.open). Includes the key: never log it. */
export function targetsOf(instances: readonly Map<number, ResourceValue>[]): ServerTarget[] {
  const out: ServerTarget[] = [];
  for (const inst of instances) {
    const uri = inst.get(0);
    if (typeof uri !== 'string') continue;
    let u: URL;
    try { u = new URL(uri); } catch { continue; }
    const boot = inst.get(1) === true;
    const mode = inst.get(2);
    const t: ServerTarget = {
      ssid: boot ? 0 : typeof inst.get(10) === 'number' ? (inst.get(10) as number) : 0,
      uri,
      host: u.hostname.replace(/^\[|\]$/g, ''),
      port: u.port !== '' ? Number(u.port) : u.protocol === 'coaps:' ? 5684 : 5683,
      security: mode === SecurityMode.PSK ? 'psk' : 'nosec',
    };
    const id = inst.get(3);
    const key = inst.get(5);
    if (t.security === 'psk' && id instanceof Uint8Array && key instanceof Uint8Array) {
      t.pskIdentity = Buffer.from(id).toString('utf8');
      t.pskKey = Buffer.from(key).toString('base64');
    }
    out.push(t);
  }
  return out;
}

export function createSecurityObject(): ObjectSpec {
  return defineObject({
    definition: securityDefinition,
    start(rt) {
      if (rt.instances().length > 0) return;
      serverSeeds(rt.config).forEach((s, i) => {
        rt.createInstance(i, new Map<number, ResourceValue>([
          [0, s.uri],
          [1, s.bootstrap],
          [2, s.security === 'psk' ? SecurityMode.PSK : SecurityMode.NOSEC],
          [3, utf8(s.pskIdentity ?? '')],
          [4, new Uint8Array(0)],
          [5, new Uint8Array(Buffer.from(s.pskKey ?? '', 'base64'))],
          [10, s.ssid],
          [11, s.holdOffS],
          [12, 0],
        ]));
      });
    },
    read(t) {
      // Over the network object 0 is the bootstrap server's (serverId 0) and the secret key is readable by no server;
      // the device's own actors (the client choosing a server) read it locally.
      if (t.remote === true && (t.resourceId === 5 || t.serverId !== 0)) return status('4.01', 'security object is not readable');
      return undefined;
    },
    delete(iid, rt) {
      // Bootstrap-Delete keeps the bootstrap server's own account.
      if (rt.get(iid, 1) === true) return status('4.00', 'bootstrap account stays');
      return undefined;
    },
    receive(msg, rt) {
      if (msg.type === 'security.targets') {
        return { targets: targetsOf(rt.instances().map((i) => new Map(([0, 1, 2, 3, 5, 10] as const).map((r) => [r, rt.get(i, r)] as [number, ResourceValue]).filter(([, v]) => v !== undefined)))) };
      }
      return undefined;
    },
  });
}

export default createSecurityObject();
