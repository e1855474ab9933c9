// server.ts: object 1 LwM2M Server: lifetime, default pmin/pmax, disable, notification storing, binding; update/disable
// triggers published to the servers' clients, bootstrap trigger → 'client'.
import { defineObject, type ObjectDef, type ObjectSpec, type ResourceValue } from '../lwm2m/object-api.js';
import { clientConfigSchema, serverSeeds } from '../client/section-schema.js';
import { MAX_PERIOD_S } from '../lwm2m/attributes.js';
import type { ServerSettings } from '../messages/index.js';

/** Longest registration lifetime a server may write (s): one year (the Update timer is capped at ~24.8 days anyway). */
export const MAX_LIFETIME_S = 365 * 24 * 3600;

/** Resource IDs of object 1. */
export const SRV = {
  SHORT_SERVER_ID: 0,
  LIFETIME: 1,
  DEFAULT_PMIN: 2,
  DEFAULT_PMAX: 3,
  DISABLE: 4,
  DISABLE_TIMEOUT: 5,
  NOTIFICATION_STORING: 6,
  BINDING: 7,
  UPDATE_TRIGGER: 8,
  BOOTSTRAP_TRIGGER: 9,
  MUTE_SEND: 23,
} as const;

export const serverDefinition: ObjectDef = {
  id: 1,
  name: 'LwM2M Server',
  version: '1.1',
  lwm2mVersion: '1.1',
  multiple: true,
  mandatory: true,
  urn: 'urn:oma:lwm2m:oma:1:1.1',
  resources: [
    {
      id: SRV.SHORT_SERVER_ID,
      name: 'Short Server ID',
      type: 'integer',
      operations: 'R',
      mandatory: true,
      range: { min: 1, max: 65534 },
    },
    {
      id: SRV.LIFETIME,
      name: 'Lifetime',
      type: 'integer',
      operations: 'RW',
      mandatory: true,
      units: 's',
      range: { min: 1, max: MAX_LIFETIME_S },
    },
    {
      id: SRV.DEFAULT_PMIN,
      name: 'Default Minimum Period',
      type: 'integer',
      operations: 'RW',
      units: 's',
      range: { min: 0, max: MAX_PERIOD_S },
    },
    {
      id: SRV.DEFAULT_PMAX,
      name: 'Default Maximum Period',
      type: 'integer',
      operations: 'RW',
      units: 's',
      range: { min: 0, max: MAX_PERIOD_S },
    },
    { id: SRV.DISABLE, name: 'Disable', type: 'none', operations: 'E' },
    {
      id: SRV.DISABLE_TIMEOUT,
      name: 'Disable Timeout',
      type: 'integer',
      operations: 'RW',
      units: 's',
      range: { min: 0, max: MAX_PERIOD_S },
    },
    {
      id: SRV.NOTIFICATION_STORING,
      name: 'Notification Storing When Disabled or Offline',
      type: 'boolean',
      operations: 'RW',
      mandatory: true,
    },
    { id: SRV.BINDING, name: 'Binding', type: 'string', operations: 'RW', mandatory: true },
    { id: SRV.UPDATE_TRIGGER, name: 'Registration Update Trigger', type: 'none', operations: 'E', mandatory: true },
    { id: SRV.BOOTSTRAP_TRIGGER, name: 'Bootstrap-Request Trigger', type: 'none', operations: 'E' },
    { id: SRV.MUTE_SEND, name: 'Mute Send', type: 'boolean', operations: 'RW' },
  ],
};

/** What the client needs from one Server instance. */

export function createServerObject(): ObjectSpec {
  const ssidOf = (rt: { get(i: number, r: number): ResourceValue | undefined }, iid: number): number => {
    const v = rt.get(iid, SRV.SHORT_SERVER_ID);
    return typeof v === 'number' ? v : 0;
  };
  return defineObject({
    definition: serverDefinition,
    start(rt) {
      if (rt.instances().length > 0) return;
      const client = clientConfigSchema.safeParse(rt.config.client ?? {});
      const dflt = client.success ? client.data : undefined;
      serverSeeds(rt.config)
        .filter((s) => !s.bootstrap)
        .forEach((s, i) => {
          rt.createInstance(
            i,
            new Map<number, ResourceValue>([
              [SRV.SHORT_SERVER_ID, s.ssid],
              [SRV.LIFETIME, s.lifetime ?? dflt?.lifetime ?? 300],
              [SRV.DEFAULT_PMIN, s.pmin],
              [SRV.DEFAULT_PMAX, s.pmax],
              [SRV.DISABLE_TIMEOUT, s.disableTimeoutS],
              [SRV.NOTIFICATION_STORING, s.notificationStoring],
              [SRV.BINDING, dflt?.binding ?? 'U'],
              [SRV.MUTE_SEND, false],
            ]),
          );
        });
    },
    apply(w, rt) {
      // A new lifetime or binding is announced with an Update (once per server, however many resources changed).
      if (w.op === 'create') return undefined;
      const ssids = new Set<number>();
      for (const c of w.changes) {
        if ((c.resourceId === SRV.LIFETIME || c.resourceId === SRV.BINDING) && c.previous !== c.value)
          ssids.add(ssidOf(rt, c.instanceId));
      }
      for (const ssid of ssids) queueMicrotask(() => rt.publish({ type: 'lwm2m.trigger', trigger: 'update', ssid }));
      return undefined;
    },
    bootstrapLink(iid, rt) {
      // Bootstrap-Discover: `</1/0>;ssid=101`.
      const ssid = rt.get(iid, SRV.SHORT_SERVER_ID);
      return typeof ssid === 'number' ? { ssid } : undefined;
    },
    execute(t, _args, rt) {
      const ssid = ssidOf(rt, t.instanceId);
      // Update and Disable are published: the client of that server (each client follows its own ssid) acts on them.
      if (t.resourceId === SRV.UPDATE_TRIGGER) rt.publish({ type: 'lwm2m.trigger', trigger: 'update', ssid });
      // Bootstrap is the primary client's job, whichever server asks for it.
      if (t.resourceId === SRV.BOOTSTRAP_TRIGGER)
        rt.emit('client', { type: 'lwm2m.trigger', trigger: 'bootstrap', ssid });
      if (t.resourceId === SRV.DISABLE) {
        const to = rt.get(t.instanceId, SRV.DISABLE_TIMEOUT);
        rt.publish({
          type: 'lwm2m.trigger',
          trigger: 'disable',
          ssid,
          disableTimeout: typeof to === 'number' ? to : 86_400,
        });
      }
      return undefined;
    },
    receive(msg, rt) {
      if (msg.type !== 'server.settings') return undefined;
      const num = (i: number, r: number, d: number): number => {
        const v = rt.get(i, r);
        return typeof v === 'number' ? v : d;
      };
      const settings: ServerSettings[] = rt.instances().map((i) => ({
        ssid: num(i, SRV.SHORT_SERVER_ID, 0),
        lifetime: num(i, SRV.LIFETIME, 300),
        pmin: num(i, SRV.DEFAULT_PMIN, 0),
        pmax: num(i, SRV.DEFAULT_PMAX, 0),
        binding: typeof rt.get(i, SRV.BINDING) === 'string' ? (rt.get(i, SRV.BINDING) as string) : 'U',
        storing: rt.get(i, SRV.NOTIFICATION_STORING) !== false,
        disableTimeout: num(i, SRV.DISABLE_TIMEOUT, 86_400),
        muteSend: rt.get(i, SRV.MUTE_SEND) === true,
      }));
      return { servers: settings };
    },
  });
}

export default createServerObject();
