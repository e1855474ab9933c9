// location-plugin.ts: loads the location-assistance plugin's modules straight from plugins/location-assistance (plain
// JS, as the loader does) for tests.
import type { ObjectSpec } from '../../src/lwm2m/object-api.js';
import type { ActorContext, ActorInstance, ActorMessage, ActorModule } from '../../src/runtime/actor-api.js';
import type { Clock } from '../../src/clock.js';

/** The plugin folder (tests run from dist/test/plugins/). */
export const PLUGIN_DIR = new URL('../../../plugins/location-assistance/', import.meta.url);

export interface Outcome {
  sent: boolean;
  why?: string;
  code?: string;
  at?: number;
  reason: string;
}
export interface Controller extends ActorInstance {
  trigger(reason: string): Promise<Outcome>;
  receive(msg: ActorMessage): unknown;
}

export interface LocationPlugin {
  manifest: {
    name: string;
    objects: { id: number; module: string }[];
    actors: { name: string; module: string }[];
    config: Record<string, unknown>;
  };
  groundFix: ObjectSpec;
  ecid: ObjectSpec;
  createLocationObject(o?: { now?: () => number }): ObjectSpec;
  controllerActorModule(o?: { timers?: Clock }): ActorModule;
  createController(ctx: Pick<ActorContext, 'request' | 'log' | 'config'>, o?: { timers?: Clock }): Controller;
  createRateLimit(o: { minIntervalS: number; maxPerHour: number }): {
    nextAllowed(now: number): number;
    record(now: number): void;
    unrecord(at: number): void;
    count: number;
  };
  createBackoff(o: { initialS: number; maxS: number }): { next(): number; reset(): void; seconds: number };
  GROUND_FIX_SEND_PATHS: number[][];
}

async function load<T>(file: string): Promise<T> {
  return (await import(new URL(file, PLUGIN_DIR).href)) as T;
}

export async function loadLocationPlugin(): Promise<LocationPlugin> {
  const { readFile } = await import('node:fs/promises');
  const manifest = JSON.parse(await readFile(new URL('plugin.json', PLUGIN_DIR), 'utf8')) as LocationPlugin['manifest'];
  const gf = await load<{ default: ObjectSpec }>('ground-fix.js');
  const ec = await load<{ default: ObjectSpec }>('ecid-signal-meas.js');
  const loc = await load<{ createLocationObject: LocationPlugin['createLocationObject'] }>('location.js');
  const act = await load<{ controllerActorModule: LocationPlugin['controllerActorModule'] }>('controller.actor.js');
  const ctl = await load<{ createController: LocationPlugin['createController'] }>('controller.js');
  const pol = await load<{
    createRateLimit: LocationPlugin['createRateLimit'];
    createBackoff: LocationPlugin['createBackoff'];
  }>('policy.js');
  const ids = await load<{ GROUND_FIX_SEND_PATHS: number[][] }>('ids.js');
  return {
    manifest,
    groundFix: gf.default,
    ecid: ec.default,
    createLocationObject: loc.createLocationObject,
    controllerActorModule: act.controllerActorModule,
    createController: ctl.createController,
    createRateLimit: pol.createRateLimit,
    createBackoff: pol.createBackoff,
    GROUND_FIX_SEND_PATHS: ids.GROUND_FIX_SEND_PATHS,
  };
}
