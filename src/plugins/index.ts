// index.ts: what `run` calls: load the allowlisted plugins for a config and turn them into actor-table entries.
import type { Config } from '../runtime/config.js';
import { BUILTIN_OBJECTS } from '../runtime/actor-set.js';
import { loadPlugins, type LoaderOptions } from './loader.js';
import { pluginActorSet, type PluginActorSet } from './actor-entries.js';

export { loadPlugins, PACKAGE_ROOT, type PluginLoadResult, type LoadedPlugin, type PluginRefusal } from './loader.js';
export { pluginActorSet, NO_PLUGINS, type PluginActorSet } from './actor-entries.js';

/** Loads config.plugins (refusals are logged, never thrown) and returns the actor entries to append. */
export async function loadPluginActorSet(
  config: Pick<Config, 'plugins'>,
  opts: LoaderOptions = {},
): Promise<PluginActorSet> {
  const r = await loadPlugins(config.plugins, { builtinIds: BUILTIN_OBJECTS.map((o) => o.id), ...opts });
  return pluginActorSet(r);
}
