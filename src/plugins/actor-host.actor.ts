// actor-host.actor.ts: the actor module for a plugin's actor: makes the plugin API resolvable, imports the plugin's
// ActorModule and delegates to it. The host runs the object lifecycle statechart around the plugin's actor (starting →
// ready ⇄ busy while an async message is handled → stopping → stopped), so the inspector shows every plugin actor; a
// plugin's own machine is its own. Loaded once per plugin actor (the runtime adds ?actor=<name> to its URL), so `inner`
// is that actor's module even when actors share a worker.
import { CodedError } from '../errors.js';
import {
  definePluginActor,
  type ActorInstance,
  type ActorMessage,
  type PluginActorModule,
} from '../runtime/actor-api.js';
import { startMachine } from '../runtime/inspect.js';
import { objectMachine } from '../objects/machine.js';
import { ensurePluginApiResolution } from './api-resolution.js';

let inner: PluginActorModule | undefined;

const host: PluginActorModule = {
  /** The plugin's own statechart when its module exports one (known once created), else the hosting lifecycle. */
  get machine() {
    return inner?.machine ?? objectMachine;
  },
  /** Read by the worker after create(): the plugin actor's own subscriptions. */
  get subscribes(): readonly string[] {
    return inner?.subscribes ?? [];
  },
  async create(ctx) {
    if (ctx.config.resolveHook === true) ensurePluginApiResolution();
    const url = ctx.config.pluginModule;
    if (typeof url !== 'string')
      throw new CodedError('PLUGIN_LOAD_FAILED', `${ctx.name}: no pluginModule in its options`);
    const mod = ((await import(url)) as { default?: PluginActorModule }).default;
    if (!mod || typeof mod.create !== 'function')
      throw new CodedError('PLUGIN_LOAD_FAILED', `${url} has no default ActorModule export`);
    inner = mod;
    const { pluginModule: _m, resolveHook: _h, ...config } = ctx.config;
    const life = startMachine(ctx, objectMachine, { input: { objectId: -1 } });
    let instance: ActorInstance;
    try {
      instance = await mod.create({
        name: ctx.name,
        config,
        fullConfig: ctx.fullConfig,
        log: ctx.log,
        store: ctx.store,
        send: ctx.send,
        request: ctx.request,
        publish: ctx.publish,
        ...(ctx.inspect ? { inspect: (ref) => ctx.inspect?.(ref) } : {}),
      });
    } catch (err) {
      life.send({
        type: 'object.start-failed',
        code: (err as { code?: string }).code ?? 'PLUGIN_START_FAILED',
        message: (err as Error).message,
      });
      life.stop();
      throw err;
    }
    life.send({ type: 'object.started' });
    const settled = (): void => {
      life.send({ type: 'object.done' });
    };
    return {
      receive(msg: ActorMessage): unknown {
        const r = instance.receive(msg);
        if (r instanceof Promise) {
          life.send({ type: 'object.request', op: msg.type });
          void r.then(settled, settled);
        }
        return r;
      },
      async stop(): Promise<void> {
        life.send({ type: 'object.stop' });
        try {
          await instance.stop();
        } finally {
          life.send({ type: 'object.stopped' });
          life.stop();
        }
      },
    };
  },
};

export default definePluginActor(host);
