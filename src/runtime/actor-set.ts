// actor-set.ts: the table of actors `run` starts (name, module relative to dist/src, options), built from config; start
// order = table order.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.js';
import { NO_PLUGINS, type PluginActorSet } from '../plugins/actor-entries.js';
import { serverSeeds } from '../client/section-schema.js';
import { BUILTIN_OBJECTS, DIST_SRC, registeredObjects, serverPairEntries, type ActorSetEntry } from './actor-table.js';

export {
  BUILTIN_OBJECTS,
  DEFAULT_DIRECT_PAIRS,
  DIST_SRC,
  registeredObjects,
  resolveActorSet,
  serverPairEntries,
  type ActorSetEntry,
} from './actor-table.js';

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
