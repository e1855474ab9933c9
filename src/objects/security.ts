// security.ts: object 0 LwM2M Security: server URIs, bootstrap flag, security mode, PSK identity/key (never readable by
// a server), seeded from config.
import {
  defineObject,
  status,
  type LinkParams,
  type ObjectDef,
  type ObjectSpec,
  type ResourceValue,
} from '../lwm2m/object-api.js';
import { serverSeeds } from '../client/section-schema.js';
import { MAX_PERIOD_S } from '../lwm2m/attributes.js';
import type { ServerTarget } from '../messages/index.js';

/** Resource IDs of object 0. */
export const SEC = {
  SERVER_URI: 0,
  BOOTSTRAP_SERVER: 1,
  SECURITY_MODE: 2,
  PUBLIC_KEY_OR_IDENTITY: 3,
  SERVER_PUBLIC_KEY: 4,
  SECRET_KEY: 5,
  SHORT_SERVER_ID: 10,
  CLIENT_HOLD_OFF_TIME: 11,
  BOOTSTRAP_ACCOUNT_TIMEOUT: 12,
} as const;

export const securityDefinition: ObjectDef = {
  id: 0,
  name: 'LWM2M Security',
  version: '1.1',
  lwm2mVersion: '1.1',
  multiple: true,
  mandatory: true,
  urn: 'urn:oma:lwm2m:oma:0:1.1',
  resources: [
    {
      id: SEC.SERVER_URI,
      name: 'LWM2M Server URI',
      type: 'string',
      operations: 'RW',
      mandatory: true,
      range: { max: 255 },
    },
    { id: SEC.BOOTSTRAP_SERVER, name: 'Bootstrap-Server', type: 'boolean', operations: 'RW', mandatory: true },
    {
      id: SEC.SECURITY_MODE,
      name: 'Security Mode',
      type: 'integer',
      operations: 'RW',
      mandatory: true,
      range: { min: 0, max: 4 },
    },
    {
      id: SEC.PUBLIC_KEY_OR_IDENTITY,
      name: 'Public Key or Identity',
      type: 'opaque',
      operations: 'RW',
      mandatory: true,
    },
    { id: SEC.SERVER_PUBLIC_KEY, name: 'Server Public Key', type: 'opaque', operations: 'RW', mandatory: true },
    { id: SEC.SECRET_KEY, name: 'Secret Key', type: 'opaque', operations: 'RW', mandatory: true },
    {
      id: SEC.SHORT_SERVER_ID,
      name: 'Short Server ID',
      type: 'integer',
      operations: 'RW',
      range: { min: 1, max: 65534 },
    },
    {
      id: SEC.CLIENT_HOLD_OFF_TIME,
      name: 'Client Hold Off Time',
      type: 'integer',
      operations: 'RW',
      units: 's',
      range: { min: 0, max: MAX_PERIOD_S },
    },
    {
      id: SEC.BOOTSTRAP_ACCOUNT_TIMEOUT,
      name: 'Bootstrap-Server Account Timeout',
      type: 'integer',
      operations: 'RW',
      units: 's',
      range: { min: 0, max: MAX_PERIOD_S },
    },
  ],
};

export const SecurityMode = { PSK: 0, RPK: 1, CERTIFICATE: 2, NOSEC: 3, EST: 4 } as const;

const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

/** Server targets from the Security instances (what the client gives socket.open). Includes the key: never log it. */
export function targetsOf(instances: readonly Map<number, ResourceValue>[]): ServerTarget[] {
  const out: ServerTarget[] = [];
  for (const inst of instances) {
    const uri = inst.get(SEC.SERVER_URI);
    if (typeof uri !== 'string') continue;
    let u: URL;
    try {
      u = new URL(uri);
    } catch {
      continue;
    }
    const boot = inst.get(SEC.BOOTSTRAP_SERVER) === true;
    const mode = inst.get(SEC.SECURITY_MODE);
    const ssid = inst.get(SEC.SHORT_SERVER_ID);
    const t: ServerTarget = {
      ssid: boot ? 0 : typeof ssid === 'number' ? ssid : 0,
      uri,
      host: u.hostname.replace(/^\[|\]$/g, ''),
      port: u.port !== '' ? Number(u.port) : u.protocol === 'coaps:' ? 5684 : 5683,
      security: mode === SecurityMode.PSK ? 'psk' : 'nosec',
    };
    const id = inst.get(SEC.PUBLIC_KEY_OR_IDENTITY);
    const key = inst.get(SEC.SECRET_KEY);
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
        rt.createInstance(
          i,
          new Map<number, ResourceValue>([
            [SEC.SERVER_URI, s.uri],
            [SEC.BOOTSTRAP_SERVER, s.bootstrap],
            [SEC.SECURITY_MODE, s.security === 'psk' ? SecurityMode.PSK : SecurityMode.NOSEC],
            [SEC.PUBLIC_KEY_OR_IDENTITY, utf8(s.pskIdentity ?? '')],
            [SEC.SERVER_PUBLIC_KEY, new Uint8Array(0)],
            [SEC.SECRET_KEY, new Uint8Array(Buffer.from(s.pskKey ?? '', 'base64'))],
            [SEC.SHORT_SERVER_ID, s.ssid],
            [SEC.CLIENT_HOLD_OFF_TIME, s.holdOffS],
            [SEC.BOOTSTRAP_ACCOUNT_TIMEOUT, 0],
          ]),
        );
      });
    },
    read(t) {
      // Over the network object 0 is the bootstrap server's (serverId 0) and the secret key is readable by no server;
      // the device's own actors (the client choosing a server) read it locally.
      if (t.remote === true && (t.resourceId === SEC.SECRET_KEY || t.serverId !== 0))
        return status('4.01', 'security object is not readable');
      return undefined;
    },
    delete(iid, rt) {
      // Bootstrap-Delete keeps the bootstrap server's own account.
      if (rt.get(iid, SEC.BOOTSTRAP_SERVER) === true) return status('4.00', 'bootstrap account stays');
      return undefined;
    },
    bootstrapLink(iid, rt) {
      // Bootstrap-Discover: `</0/1>;ssid=101;uri="coap://…"` (the bootstrap account has no ssid).
      const params: LinkParams = {};
      const ssid = rt.get(iid, SEC.SHORT_SERVER_ID);
      const uri = rt.get(iid, SEC.SERVER_URI);
      if (rt.get(iid, SEC.BOOTSTRAP_SERVER) !== true && typeof ssid === 'number') params.ssid = ssid;
      if (typeof uri === 'string') params.uri = uri;
      return params;
    },
    receive(msg, rt) {
      if (msg.type === 'security.targets') {
        return {
          targets: targetsOf(
            rt
              .instances()
              .map(
                (i) =>
                  new Map(
                    (
                      [
                        SEC.SERVER_URI,
                        SEC.BOOTSTRAP_SERVER,
                        SEC.SECURITY_MODE,
                        SEC.PUBLIC_KEY_OR_IDENTITY,
                        SEC.SECRET_KEY,
                        SEC.SHORT_SERVER_ID,
                      ] as const
                    )
                      .map((r) => [r, rt.get(i, r)] as [number, ResourceValue])
                      .filter(([, v]) => v !== undefined),
                  ),
              ),
          ),
        };
      }
      return undefined;
    },
  });
}

export default createSecurityObject();
