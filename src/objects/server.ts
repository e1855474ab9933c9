// server.ts: object 1 LwM2M Server: lifetime, default pmin/pmax, disable, notification storing, binding; update/disable triggers published to the servers' clients, bootstrap trigger → 'client'.
import { defineObject, type ObjectDef, type ObjectSpec, type ResourceValue } from '../lwm2m/object-api.js';
import { clientConfigSchema, serverSeeds } from '../lwm2m/config-schema.js';
import { MAX_PERIOD_S } from '../lwm2m/attributes.js';

/** Longest registration lifetime a server may write (s): one year (the Update timer is capped at ~24.8 days anyway). */
export const MAX_LIFETIME_S = 365 * 24 * 3600;

export const serverDefinition: ObjectDef = {
  id: 1,
  name: 'LwM2M Server',
  version: '1.1',
  lwm2mVersion: '1.1',
  multiple: true,
  mandatory: true,
  urn: 'urn:oma:lwm2m:oma:1:1.1',
  resources: [
    { id: 0, name: 'Short Server ID', type: 'integer', operations: 'R', mandatory: true, range: { min: 1, max: 65534 } },
    { id: 1, name: 'Lifetime', type: 'integer', operations: 'RW', mandatory: true, units: 's', range: { min: 1, max: MAX_LIFETIME_S } },
    { id: 2, name: 'Default Minimum Period', type: 'integer', operations: 'RW', units: 's', range: { min: 0, max: MAX_PERIOD_S } },
    { id: 3, name: 'Default Maximum Period', type: 'integer', operations: 'RW', units: 's', range: { min: 0, max: MAX_PERIOD_S } },
    { id: 4, name: 'Disable', type: 'none', operations: 'E' },
    { id: 5, name: 'Disable Timeout', type: 'integer', operations: 'RW', units: 's', range: { min: 0, max: MAX_PERIOD_S } },
    { id: 6, name: 'Notification Storing When Disabled or Offline', type: 'boolean', operations: 'RW', mandatory: true },
    { id: 7, name: 'Binding', type: 'string', operations: 'RW', mandatory: true },
    { id: 8, name: 'Registration Update Trigger', type: 'none', operations: 'E', mandatory: true },
    { id: 9, name: 'Bootstrap-Request Trigger', type: 'none', operations: 'E' },
    { id: 23, name: 'Mute Send', type: 'boolean', operations: 'RW' },
  ],
};

/** What the client needs from one Server instance. */
export interface ServerSettings { ssid: number; lifetime: number; pmin: number; pmax: number; binding: string; storing: boolean; disableTimeout: number; muteSend: boolean }

export function createServerObject(): ObjectSpec {
  const ssidOf = (rt: { get(i: number, r: number): ResourceValue | undefined }, iid: number): number => {
    const v = rt.get(iid, 0);
    return typeof v === 'number' ? v : 0;
  };
  return defineObject({
    definition: serverDefinition,
    start(rt) {
      if (rt.instances().length > 0) return;
      const client = clientConfigSchema.safeParse(rt.config.client ?? {});
      const dflt = client.success ? client.data : undefined;
      serverSeeds(rt.config).filter((s) => !s.bootstrap).forEach((s, i) => {
        rt.createInstance(i, new Map<number, ResourceValue>([
          [0, s.ssid], [1, s.lifetime ?? dflt?.lifetime ?? 300], [2, s.pmin], [3, s.pmax], [5, s.disableTimeoutS],
          [6, s.notificationStoring], [7, dflt?.binding ?? 'U'], [23, false],
        ]));
      });
    },
    write(t, value, rt) {
      // A new lifetime or binding is announced with an Update.
      if ((t.resourceId === 1 || t.resourceId === 7) && rt.get(t.instanceId, t.resourceId) !== value) {
        const ssid = ssidOf(rt, t.instanceId);
        queueMicrotask(() => rt.publish({ type: 'lwm2m.trigger', trigger: 'update', ssid }));
      }
      return undefined;
    },
    execute(t, _args, rt) {
      const ssid = ssidOf(rt, t.instanceId);
      // Update and Disable are published: the client of that server (each client follows its own ssid) acts on them.
      if (t.resourceId === 8) rt.publish({ type: 'lwm2m.trigger', trigger: 'update', ssid });
      // Bootstrap is the primary client's job, whichever server asks for it.
      if (t.resourceId === 9) rt.emit('client', { type: 'lwm2m.trigger', trigger: 'bootstrap', ssid });
      if (t.resourceId === 4) {
        const to = rt.get(t.instanceId, 5);
        rt.publish({ type: 'lwm2m.trigger', trigger: 'disable', ssid, disableTimeout: typeof to === 'number' ? to : 86_400 });
      }
      return undefined;
    },
    receive(msg, rt) {
      if (msg.type !== 'server.settings') return undefined;
      const num = (i: number, r: number, d: number): number => { const v = rt.get(i, r); return typeof v === 'number' ? v : d; };
      const settings: ServerSettings[] = rt.instances().map((i) => ({
        ssid: num(i, 0, 0), lifetime: num(i, 1, 300), pmin: num(i, 2, 0), pmax: num(i, 3, 0),
        binding: typeof rt.get(i, 7) === 'string' ? (rt.get(i, 7) as string) : 'U', storing: rt.get(i, 6) !== false, disableTimeout: num(i, 5, 86_400), muteSend: rt.get(i, 23) === true,
      }));
      return { servers: settings };
    },
  });
}

export default createServerObject();
