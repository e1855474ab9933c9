// actor-plan.ts: the actors `run` starts for a config: the built-in table and the config's plugins; an actor whose
// module is missing is logged and left out.
import { buildActorSet, resolveActorSet, DIST_SRC } from '../runtime/actor-set.js';
import type { Config } from '../runtime/config.js';
import type { ActorSpec } from '../runtime/runtime.js';
import { log } from '../runtime/log.js';
import { loadPluginActorSet } from '../plugins/index.js';

export interface ActorPlan {
  actors: ActorSpec[];
  /** Actors whose give-up does not stop the runtime (the plugins'). */
  optionalActors: string[];
}

export async function actorPlan(config: Config): Promise<ActorPlan> {
  const plugins = await loadPluginActorSet(config);
  const { present, missing } = resolveActorSet(buildActorSet(config, DIST_SRC, plugins));
  const clog = log.child({ mod: 'run' });
  for (const m of missing)
    clog.warn({ actor: m.name, file: m.file }, `actor ${m.name} not started: ${m.file} does not exist`);
  return { actors: present, optionalActors: plugins.optional };
}
