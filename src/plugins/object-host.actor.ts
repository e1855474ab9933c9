// object-host.actor.ts: the actor module for a plugin object: makes the plugin API resolvable in this worker, then
// hosts the spec like a built-in object (same lifecycle statechart).
import { createObjectActor, OBJECT_ACCEPTS } from '../actors/object.actor.js';
import { objectMachine } from '../objects/machine.js';
import { defineActor } from '../runtime/actor-api.js';
import { ensurePluginApiResolution } from './api-resolution.js';

export default defineActor({
  machine: objectMachine,
  accepts: OBJECT_ACCEPTS,
  create(ctx) {
    if (ctx.config.resolveHook === true) ensurePluginApiResolution();
    return createObjectActor(ctx);
  },
});
