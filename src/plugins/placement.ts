// placement.ts: `plugins.worker: own` — with the shared placement, the plugins' actors get one worker of their own
// beside the built-ins' one.
import type { Placement } from '../runtime/config.js';

/**
 * The placement `run` uses: unchanged unless `worker` is 'own' and the placement is 'shared', in which case the
 * built-in actors share one worker and the plugin actors another (a plugin that blocks its thread stalls only the
 * plugins). An explicit per-actor or groups placement is the operator's and is kept as written.
 */
export function placementWithPlugins(
  placement: Placement,
  names: readonly string[],
  pluginNames: readonly string[],
  worker: 'shared' | 'own',
): Placement {
  if (worker !== 'own' || placement !== 'shared' || pluginNames.length === 0) return placement;
  const plugins = new Set(pluginNames);
  const builtins = names.filter((n) => !plugins.has(n));
  return { groups: builtins.length > 0 ? [builtins, [...pluginNames]] : [[...pluginNames]] };
}
