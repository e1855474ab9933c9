// actor-set.ts: the table of actors `run` starts (name, module relative to dist/src, options), built from config; start
// order = table order.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.js';
import type { ActorSpec } from './runtime.js';
import { NO_PLUGINS, type PluginActorSet } from '../plugins/actor-entries.js';
import { serverSeeds } from '../client/section-schema.js';

export interface ActorSetEntry {
  name: string;
  /** Module path relative to dist/src (compiled .js), e.g. 'actors/socket.actor.js'. */
  module: string;
  options: Record<string, unknown>;
  /** Fields added to the actor's log lines (a plugin's name and folder). */
  logFields?: Record<string, string>;
}

/**
 * Built-in LwM2M objects hosted by object actors: object ID → spec module (relative to dist/src), and the actor
 * module when it is not the generic object actor (object 5's actor also runs the firmware update statechart).
 */
export const BUILTIN_OBJECTS: readonly { id: number; spec: string; module?: string }[] = [
  { id: 0, spec: 'objects/security.js' },
  { id: 1, spec: 'objects/server.js' },
  { id: 2, spec: 'objects/access-control.js' },
  { id: 3, spec: 'objects/device.js' },
  { id: 4, spec: 'objects/connectivity.js' },
  { id: 5, spec: 'objects/firmware.js', module: 'actors/firmware.actor.js' },
  { id: 3424, spec: 'objects/water-meter.js' },
];

/** Objects announced in the registration links: the Security object (0) never is (LwM2M 1.1 §6.2.1). */
export function registeredObjects(ids: readonly number[]): number[] {
  return ids.filter((id) => id !== 0);
}

/** Pairs that talk often and get a direct MessageChannel (hot paths skip the main thread). */
export const DEFAULT_DIRECT_PAIRS: [string, string][] = [
  ['socket', 'object:*'],
  ['client', 'socket'],
  // further LwM2M servers (one client:<ssid> + socket:<ssid> pair each, see extraServerSsids)
  ['socket:*', 'object:*'],
  ['client:*', 'socket:*'],
];

/**
 * Short server IDs of the LwM2M servers (non-bootstrap seeds in `client.servers`) after the first one: each gets its
 * own `client:<ssid>` / `socket:<ssid>` pair. The first account stays with the primary `client` / `socket` (bootstrap,
 * Send).
 */
export function extraServerSsids(config: Config): number[] {
  // cast: serverSeeds reads the raw config sections (it also serves unvalidated input); Config has no index signature
  const ssids = serverSeeds(config as unknown as Record<string, unknown>)
    .filter((s) => !s.bootstrap)
    .map((s) => s.ssid);
  return [...new Set(ssids)].slice(1);
}

/** The dist/src directory as a URL (this file lives in dist/src/runtime/). */
export const DIST_SRC = new URL('../', import.meta.url);

/**
 * The socket and client actors of a further LwM2M server (`ssid`): at start for `client.servers` seeds, later for
 * servers a bootstrap server adds.
 */
export function serverPairEntries(
  ssid: number,
  config: Config,
  hosted: readonly number[],
): { socket: ActorSetEntry; client: ActorSetEntry } {
  return {
    socket: {
      name: `socket:${ssid}`,
      module: 'actors/socket.actor.js',
      options: { objects: [...hosted], client: `client:${ssid}` },
    },
    client: {
      name: `client:${ssid}`,
      module: 'actors/client.actor.js',
      options: { ...config.client, account: ssid, socket: `socket:${ssid}`, objects: registeredObjects(hosted) },
    },
  };
}

/**
 * The actor table for a config. Order matters: started in this order, stopped in reverse (client first: deregisters
 * while the socket is up).
 */
export function buildActorSet(
  config: Config,
  srcRoot: URL = DIST_SRC,
  plugins: PluginActorSet = NO_PLUGINS,
): ActorSetEntry[] {
  const objects = BUILTIN_OBJECTS.filter((o) => existsSync(fileURLToPath(new URL(o.spec, srcRoot))));
  // Plugin objects (src/plugins/loader.ts) are hosted, routed and registered like built-ins; their entries' modules are
  // absolute URLs.
  const hosted = [...objects.map((o) => o.id), ...plugins.objectIds];
  const pairs = extraServerSsids(config).map((s) => serverPairEntries(s, config, hosted));
  return [
    { name: 'modem', module: 'actors/modem.actor.js', options: { ...config.modem } },
    { name: 'socket', module: 'actors/socket.actor.js', options: { objects: hosted } },
    ...pairs.map((p) => p.socket),
    ...objects.map((o) => ({
      name: `object:${o.id}`,
      module: o.module ?? 'actors/object.actor.js',
      options: { spec: o.spec },
    })),
    { name: 'meter', module: 'actors/meter.actor.js', options: { ...config.meter } },
    ...plugins.entries,
    {
      name: 'client',
      module: 'actors/client.actor.js',
      options: { ...config.client, objects: registeredObjects(hosted) },
    },
    ...pairs.map((p) => p.client),
  ];
}

/** Splits the table into what can start (module file present) and what is missing. */
export function resolveActorSet(
  entries: ActorSetEntry[],
  srcRoot: URL = DIST_SRC,
): { present: ActorSpec[]; missing: { name: string; file: string }[] } {
  const present: ActorSpec[] = [];
  const missing: { name: string; file: string }[] = [];
  for (const e of entries) {
    const url = new URL(e.module, srcRoot);
    const file = fileURLToPath(url);
    if (existsSync(file))
      present.push({
        name: e.name,
        moduleUrl: url.href,
        options: e.options,
        ...(e.logFields ? { logFields: e.logFields } : {}),
      });
    else missing.push({ name: e.name, file });
  }
  return { present, missing };
}
