// device-test.ts: deviceTest(name, options, body): a device-level scenario on the in-process actors (real socket over
// loopback UDP, client, objects, modem), the dev server and one simulated clock, in a few lines.
import test, { type ExecutionContext } from 'ava';
import type { ActorInstance, ActorMessage, ActorModule } from '../../src/runtime/actor-api.js';
import { startDevServer, type DevServer, type DevServerOptions } from '../../src/devserver/index.js';
import type { Registration } from '../../src/devserver/types.js';
import { clientActorModule, type ClientActorInstance } from '../../src/actors/client.actor.js';
import { objectActorModule } from '../../src/actors/object.actor.js';
import { socketActorModule } from '../../src/actors/socket.actor.js';
import modemActor from '../../src/actors/modem.actor.js';
import type { ObjectSpec } from '../../src/lwm2m/object-api.js';
import { createSecurityObject } from '../../src/objects/security.js';
import { createServerObject } from '../../src/objects/server.js';
import { createDeviceObject } from '../../src/objects/device.js';
import { createConnectivityObject } from '../../src/objects/connectivity.js';
import { InProcessActors } from './in-process-actors.js';
import { waitFor } from './poll.js';
import { SimTimers } from './sim-timers.js';

/** Wall-clock epoch of the simulated clock's 0 (registration time stamps). */
export const DEVICE_EPOCH = Date.UTC(2026, 0, 1);

/**
 * The built-in objects deviceTest can host (object 4 without host interfaces, so its values do not depend on the
 * machine).
 */
const BUILTIN: Record<number, () => ObjectSpec> = {
  0: createSecurityObject,
  1: createServerObject,
  3: () => createDeviceObject({ version: '1.0.0' }),
  4: () => createConnectivityObject({ interfaces: () => ({}) }),
};

/** A further actor: a plugin's object (`object:<id>`, objectActorModule({ spec })) or its other actors. */
export interface PluginActor {
  name: string;
  module: ActorModule;
  config?: Record<string, unknown>;
}

export interface DeviceTestOptions {
  /**
   * Config sections merged over the default { endpoint, client: { endpoint, lwm2mVersion: '1.1', servers: [the dev
   * server, ssid 1] } }; a function gets the dev server.
   */
  config?: Record<string, unknown> | ((server: DevServer) => Record<string, unknown>);
  /** Built-in objects to host (of 0, 1, 3, 4; default 0, 1, 3); plugin objects come through `plugins`. */
  objects?: number[];
  /**
   * Plugin actors, started after the built-in objects and before the socket (a function gets the simulated clock for
   * their timers).
   */
  plugins?: PluginActor[] | ((clock: SimTimers) => PluginActor[]);
  /**
   * The modem: the real modem actor on the simulated modem with these options (default attachDelayMs 10), 'stub'
   * (always up, no actor), or a function answering the modem's messages (a fake modem actor: a rejection is the
   * modem's error).
   */
  modem?: 'stub' | Record<string, unknown> | ((msg: ActorMessage) => unknown);
  /** Options for the dev server (default: port 0). */
  devServer?: DevServerOptions;
}

export interface Device {
  readonly endpoint: string;
  readonly actors: InProcessActors;
  readonly client: ClientActorInstance;
  /** The dev server's Register of this endpoint (listened for before the client started). */
  readonly registered: Promise<Registration>;
  /** An actor by name ('socket', 'object:3', a plugin's …); throws when there is none. */
  get(name: string): ActorInstance;
  /** Sends a message to an actor and awaits its answer (as a neighbour's request would). */
  request<R = unknown>(name: string, msg: ActorMessage): Promise<R>;
  /** Waits (real time, bounded) until the client actor is registered. */
  untilRegistered(timeoutMs?: number): Promise<void>;
}

export interface DeviceRig {
  t: ExecutionContext;
  device: Device;
  server: DevServer;
  /** The one simulated clock: client machine delays (update due, backoffs, queue mode), object and plugin timers. */
  clock: SimTimers;
  /** The modem actor (undefined with modem: 'stub'). */
  modem: ActorInstance | undefined;
}

/** Starts the device of a scenario (what deviceTest runs before the body); stop it with the returned stop(). */
export async function startDevice(
  t: ExecutionContext,
  opts: DeviceTestOptions = {},
): Promise<DeviceRig & { stop(): Promise<void> }> {
  const server = await startDevServer({ port: 0, ...opts.devServer });
  const clock = new SimTimers();
  const endpoint = `dev-${t.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}-${process.pid}`;
  const extra = typeof opts.config === 'function' ? opts.config(server) : (opts.config ?? {});
  const objectIds = opts.objects ?? [0, 1, 3];
  const plugins = typeof opts.plugins === 'function' ? opts.plugins(clock) : (opts.plugins ?? []);
  const pluginObjects = plugins
    .map((p) => /^object:(\d+)$/.exec(p.name))
    .filter((m) => m !== null)
    .map((m) => Number(m[1]));
  const client = {
    endpoint,
    lwm2mVersion: '1.1',
    servers: [{ uri: `coap://127.0.0.1:${server.port}`, ssid: 1 }],
    objects: [...objectIds.filter((id) => id !== 0), ...pluginObjects],
    ...(extra.client as Record<string, unknown> | undefined),
  };
  const actors = new InProcessActors({ endpoint, ...extra, client });
  const stop = async (): Promise<void> => {
    await actors.stopAll();
    await server.close();
  };
  t.teardown(stop);

  let modem: ActorInstance | undefined;
  if (opts.modem === 'stub') {
    actors.stub('modem', (m) => (m.type === 'modem.status' ? { up: true, bearer: 'lte-m' } : { ok: true }));
  } else if (typeof opts.modem === 'function') {
    actors.stub('modem', opts.modem);
  } else {
    modem = await actors.start('modem', modemActor, {
      kind: 'simulated',
      simulated: { attachDelayMs: 10 },
      ...opts.modem,
    });
    const m = modem;
    await waitFor(() => (m.receive({ type: 'modem.status' }) as { up: boolean }).up, {
      timeoutMs: 5000,
      what: 'the simulated modem attached',
    });
  }
  for (const id of objectIds) {
    const spec = BUILTIN[id];
    if (spec === undefined) throw new Error(`deviceTest hosts objects ${Object.keys(BUILTIN).join(', ')}, not ${id}`);
    await actors.start(`object:${id}`, objectActorModule({ spec: spec(), timers: clock }));
  }
  for (const p of plugins) await actors.start(p.name, p.module, p.config ?? {});
  await actors.start('socket', socketActorModule(), { objects: [...objectIds, ...pluginObjects] });

  const registered = server.waitFor('register', (r) => r.endpoint === endpoint, 20_000);
  registered.catch(() => undefined); // a scenario that never registers need not await it
  const clientActor = (await actors.start(
    'client',
    clientActorModule({ clock, now: () => DEVICE_EPOCH + clock.now(), config: { networkAtBoot: 'assume' } }),
    client,
  )) as ClientActorInstance;
  const get = (name: string): ActorInstance => {
    const a = actors.get(name);
    if (a === undefined) throw new Error(`no actor ${name}`);
    return a;
  };
  const device: Device = {
    endpoint,
    actors,
    client: clientActor,
    registered,
    get,
    request: async <R>(name: string, msg: ActorMessage) => (await get(name).receive(msg)) as R,
    untilRegistered: (timeoutMs = 10_000) =>
      waitFor(() => clientActor.actor.getSnapshot().matches({ connected: 'registered' }), {
        timeoutMs,
        what: () => `registered, in ${JSON.stringify(clientActor.actor.getSnapshot().value)}`,
      }),
  };
  return { t, device, server, clock, modem, stop };
}

/**
 * An ava test on a whole device: the dev server, the modem (simulated), the built-in objects, plugin actors, the socket
 * on loopback UDP and the client actor, all in this thread, time on one simulated clock. The body gets them; everything
 * stops when the test ends, passed or failed.
 */
export function deviceTest(name: string, opts: DeviceTestOptions, body: (rig: DeviceRig) => Promise<void>): void {
  test(name, async (t) => {
    const rig = await startDevice(t, opts);
    await body(rig);
  });
}
