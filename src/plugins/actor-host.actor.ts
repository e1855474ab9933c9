// actor-host.actor.ts: the actor module for a plugin's actor: makes the plugin API resolvable, imports the plugin's ActorModule and delegates to it.
// Loaded once per plugin actor (the runtime adds ?actor=<name> to its URL), so `inner` is that actor's module even when actors share a worker.
import { CodedError } from '../errors.js';
import { defineActor, type ActorModule } from '../runtime/actor-api.js';
import { ensurePluginApiResolution } from './api-resolution.js';

let inner: ActorModule | undefined;

const host: ActorModule = {
  /** Read by the worker after create(): the plugin actor's own subscriptions. */
  get subscribes() {
    return inner?.subscribes;
  },
  async create(ctx) {
    if (ctx.config.resolveHook === true) ensurePluginApiResolution();
    const url = ctx.config.pluginModule;
    if (typeof url !== 'string') throw new CodedError('PLUGIN_LOAD_FAILED', `${ctx.name}: no pluginModule in its options`);
    const mod = ((await import(url)) as { default?: ActorModule }).default;
    if (!mod || typeof mod.create !== 'function') throw new CodedError('PLUGIN_LOAD_FAILED', `${url} has no default ActorModule export`);
    inner = mod;
    const { pluginModule: _m, resolveHook: _h, ...config } = ctx.config;
    return mod.create({
      name: ctx.name, config, fullConfig: ctx.fullConfig, log: ctx.log, store: ctx.store,
      send: (to, msg) => ctx.send(to, msg),
      request: (to, msg, opts) => ctx.request(to, msg, opts),
      publish: (msg) => ctx.publish(msg),
      ...(ctx.inspect ? { inspect: (ref) => ctx.inspect?.(ref) } : {}),
    });
  },
};

export default defineActor(host);
