// actor-entries.ts: turns loaded plugins into actor-table entries (object:<id> on the standard object host,
// plugin:<name>:<actor>), the object IDs to register, and the optional actors.
import type { PluginLoadResult } from './loader.js';

export interface PluginActorEntry {
  name: string;
  /** Absolute file:// URL of the actor module. */
  module: string;
  options: Record<string, unknown>;
  /** Added to every log line of and about the actor: the plugin's name and folder. */
  logFields: { plugin: string; pluginPath: string };
}

export interface PluginActorSet {
  entries: PluginActorEntry[];
  /** Object IDs the plugins host (socket routing and registration links). */
  objectIds: number[];
  /** Actor names whose give-up must not stop the runtime. */
  optional: string[];
}

export const NO_PLUGINS: PluginActorSet = { entries: [], objectIds: [], optional: [] };

const OBJECT_HOST = new URL('./object-host.actor.js', import.meta.url).href;
const ACTOR_HOST = new URL('./actor-host.actor.js', import.meta.url).href;

export function pluginActorSet(r: Pick<PluginLoadResult, 'loaded'>): PluginActorSet {
  const entries: PluginActorEntry[] = [];
  for (const p of r.loaded) {
    const logFields = { plugin: p.name, pluginPath: p.path };
    for (const o of p.objects) {
      entries.push({
        name: `object:${o.id}`,
        module: OBJECT_HOST,
        options: { ...p.config, spec: o.moduleUrl, resolveHook: p.resolveHook, plugin: p.name },
        logFields,
      });
    }
    for (const a of p.actors) {
      entries.push({
        name: a.actorName,
        module: `${ACTOR_HOST}?actor=${encodeURIComponent(a.actorName)}`,
        options: { ...p.config, pluginModule: a.moduleUrl, resolveHook: p.resolveHook, plugin: p.name },
        logFields,
      });
    }
  }
  return {
    entries,
    objectIds: r.loaded.flatMap((p) => p.objects.map((o) => o.id)),
    optional: entries.map((e) => e.name),
  };
}
