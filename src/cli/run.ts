// run.ts: `lwm2m-meter run`: starts the actor set from config, relays inspection, shuts down cleanly on SIGINT/SIGTERM.
import { isMainThread } from 'node:worker_threads';
import { log, setLogFormat, setLogLevel } from '../runtime/log.js';
import { DEFAULT_DIRECT_PAIRS } from '../runtime/actor-table.js';
import { placementWithPlugins } from '../plugins/placement.js';
import {
  isFactoryResetRequest,
  isRebootRequest,
  REBOOT_DELAY_MS,
  RESTART_EXIT_CODE,
  runRebootCommand,
  wipeForFactoryReset,
} from './reboot.js';
import { Runtime, type ActorSpec } from '../runtime/runtime.js';
import type { InspectServer } from '../runtime/inspect-server.js';
import type { Config } from '../runtime/config.js';
import type { ModemSerialAttachment } from './modem-serial.js';
import { attachServerPairs } from './server-pairs.js';
import { PRIVATE_UMASK, secureStateDirSync } from '../runtime/durable-fs.js';

const clog = log.child({ mod: 'run' });

export interface RunIo {
  print(line: string): void;
  /** Actors to start instead of the table built from config (tests, plugins). */
  actors?: ActorSpec[];
  /** With `actors`: those whose give-up does not stop the runtime (the plugins'). */
  optionalActors?: string[];
  /** Resolves when the runtime is up (tests). */
  onStarted?: (rt: Runtime) => void;
}

/** Every file the process creates from here on is private (0600 / 0700), and state left with laxer modes is fixed. */
function securePrivateState(stateDir: string): void {
  if (isMainThread) process.umask(PRIVATE_UMASK); // a worker thread may not set the process's umask
  try {
    const fixed = secureStateDirSync(stateDir);
    if (fixed.length > 0)
      clog.warn(
        { code: 'STATE_MODES_FIXED', stateDir, count: fixed.length, paths: fixed.slice(0, 20) },
        `state dir: ${fixed.length} files/folders were readable by others; set to 0600/0700`,
      );
  } catch (e) {
    clog.error(
      { code: 'STATE_DIR_IO', stateDir, err: (e as Error).message },
      `state dir ${stateDir}: ${(e as Error).message}`,
    );
  }
}

/** Runs until SIGINT/SIGTERM (exit code 0 after a clean stop) or an actor gives up (exit code 1). */
export async function runRuntime(config: Config, io: RunIo): Promise<number> {
  setLogLevel(config.log.level);
  if (process.env.LWM2M_LOG_FORMAT === undefined) setLogFormat(config.log.format);
  securePrivateState(config.stateDir);
  let actors = io.actors;
  let optionalActors = io.optionalActors ?? [];
  if (!actors) {
    // the command line plans in a worker thread (run-plan.ts); callers in this thread build the table here
    const plan = await (await import('./actor-plan.js')).actorPlan(config);
    actors = plan.actors;
    optionalActors = plan.optionalActors;
  }
  let inspectServer: InspectServer | undefined;
  // The page draws each actor's statechart from its module; the runtime (created below) knows every actor's spec.
  let specOf: (name: string) => ActorSpec | undefined = () => undefined;
  if (config.inspect.enabled) {
    // Loaded only when asked for: ws, the page and graphviz cost memory on a board that never inspects.
    const { startInspectServer } = await import('../runtime/inspect-server.js');
    const { chartSource } = await import('../runtime/inspect-charts.js');
    inspectServer = await startInspectServer({
      host: config.inspect.host,
      port: config.inspect.port,
      charts: chartSource((name) => specOf(name)),
    });
    io.print(`inspection stream: ${inspectServer.wsUrl}`);
    io.print(`statecharts: open ${inspectServer.pageUrl} in a browser (served here, no internet needed)`);
    io.print(
      `hosted Stately inspector: ${inspectServer.statelyUrl} (needs the internet: frames stately.ai/inspect and feeds it this stream)`,
    );
    if (!/^(127\.|::1$|localhost$)/.test(config.inspect.host))
      io.print(
        `warning: inspection is bound to ${config.inspect.host}, not loopback: anyone who can reach it sees every state and event`,
      );
  }
  const rt = new Runtime({
    actors,
    placement: placementWithPlugins(
      config.placement,
      actors.map((a) => a.name),
      optionalActors,
      config.plugins.worker,
    ),
    supervisor: config.supervisor,
    stateDir: config.stateDir,
    fullConfig: config,
    logLevel: config.log.level,
    inspect: config.inspect.enabled,
    directPairs: DEFAULT_DIRECT_PAIRS,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    optionalActors,
  });
  const serial: ModemSerialAttachment | undefined =
    config.modem.kind === 'serial' && actors.some((a) => a.name === 'modem')
      ? // serialport (and its native binding) only on a board with a serial modem
        (await import('./modem-serial.js')).attachModemSerial(rt, {
          path: config.modem.port,
          baudRate: config.modem.baudRate,
        })
      : undefined;
  // Servers a bootstrap server adds get their own client/socket pair (the hosted objects are the socket's).
  const hosted = actors.find((a) => a.name === 'socket')?.options?.objects;
  if (Array.isArray(hosted))
    attachServerPairs(
      rt,
      config,
      hosted.filter((x): x is number => typeof x === 'number'),
    );
  if (inspectServer) {
    const s = inspectServer;
    specOf = (name) => rt.specOf(name);
    rt.on('inspection', (ev: unknown) => s.publish(ev));
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    let factoryReset = false;
    const shutdown = (code: number, why: string): void => {
      if (stopping) return;
      stopping = true;
      clog.info({ why }, 'shutting down');
      // Last resort if something hangs past the budget (workers are terminated by the pool anyway).
      const guard = setTimeout(() => resolve(code || 1), config.shutdownTimeoutMs + 1000);
      guard.unref();
      void rt
        .stop()
        .catch((e: unknown) => clog.error({ err: e }, 'error during shutdown'))
        .then(() => serial?.close())
        .then(() => inspectServer?.close())
        .then(() => {
          clearTimeout(guard);
          process.off('SIGINT', onInt);
          process.off('SIGTERM', onTerm);
          if (factoryReset) {
            try {
              wipeForFactoryReset(config.stateDir);
            } catch (e) {
              clog.error(
                { code: 'FACTORY_RESET_FAILED', err: (e as Error).message },
                `factory reset could not remove the state: ${(e as Error).message}`,
              );
            }
          }
          if (code === RESTART_EXIT_CODE && config.device.rebootCommand) {
            runRebootCommand(config.device.rebootCommand);
            resolve(0);
            return;
          }
          resolve(code);
        });
    };
    const onInt = (): void => shutdown(0, 'SIGINT');
    const onTerm = (): void => shutdown(0, 'SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    rt.on('control', (msg: unknown) => {
      if (isRebootRequest(msg))
        setTimeout(() => shutdown(RESTART_EXIT_CODE, 'reboot requested (Execute /3/0/4)'), REBOOT_DELAY_MS).unref();
      if (isFactoryResetRequest(msg) && !stopping) {
        factoryReset = true;
        setTimeout(
          () => shutdown(RESTART_EXIT_CODE, 'factory reset requested (Execute /3/0/5)'),
          REBOOT_DELAY_MS,
        ).unref();
      }
    });
    rt.on('gave-up-optional', (name: string) => {
      // A plugin's fault stays the plugin's: the device goes on without that actor, and each LwM2M server's client
      // sends an Update whose links no longer list its object (a given-up object actor answers no Discover).
      const fields = actors.find((a) => a.name === name)?.logFields ?? {};
      const who = fields.plugin !== undefined ? `plugin ${fields.plugin} at ${fields.pluginPath}` : name;
      clog.error(
        { code: 'PLUGIN_GAVE_UP', actor: name, ...fields },
        `${who}: ${name} given up after repeated faults; the device goes on without it`,
      );
      if (name.startsWith('object:')) rt.publish({ type: 'lwm2m.objects-changed' });
    });
    rt.on('gave-up', (name: string, err: Error) => {
      io.print(`fatal: ${err.message}`);
      shutdown(1, `actor ${name} gave up`);
    });
    rt.start().then(
      () => {
        io.print(`running ${rt.names.length} actors on ${rt.workerCount} worker(s): ${rt.names.join(', ')}`);
        io.onStarted?.(rt);
      },
      (e: unknown) => {
        io.print(`fatal: ${(e as Error).message}`);
        shutdown(1, 'start failed');
      },
    );
  });
}
