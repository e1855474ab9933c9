// actor-table.ts: the parts of the actor table the main thread needs while `run` runs: entry shape, built-in objects,
// direct pairs, module resolution, further server pairs (no config schema: zod stays out of the main thread).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.js';
import type { ActorSpec } from './runtime.js';

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
