#!/usr/bin/env -S MALLOC_ARENA_MAX=1 node --max-semi-space-size=1
// main.ts: the lwm2m-meter command line: run, check-config, diagram, objects, dev-server, modem-emulator.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CodedError } from '../errors.js';
import type { Config } from '../runtime/config.js';
import { resolveActorSet, BUILTIN_OBJECTS, DIST_SRC } from '../runtime/actor-table.js';
import type { DiagramFormat } from '../runtime/diagram.js';
import { runRuntime } from './run.js';
import { planRun } from './run-plan.js';
import { PRIVATE_UMASK } from '../runtime/durable-fs.js';
import { log } from '../runtime/log.js';
import type { ActorModule } from '../runtime/actor-api.js';
import type { ObjectSpec } from '../lwm2m/object-api.js';
import type { AnyStateMachine } from 'xstate';

const USAGE = `usage: lwm2m-meter <command> [options]

commands:
  run [--config FILE] [--server URI] [--endpoint NAME] [--state-dir DIR] [--inspect [HOST:PORT]] [--log-format json|pretty]
                         start the client (no --config: the demo with simulated modem and meter)
  check-config FILE      validate a config file; one line per problem
  diagram ACTOR --format mermaid|dot|svg [--depth N] [--out FILE] [--config FILE]
                         the statechart of an actor (client, socket, meter, modem, object:N, plugin:NAME:ACTOR, or a module path)
  objects [--config FILE] list the LwM2M object definitions: built-in, and those of the config's plugins
  dev-server [...]       a local LwM2M server for development (see 'dev-server --help')
  modem-emulator --profile bg95|nrf91|sim7080|generic [--device DEV]
                         an emulated cellular modem on a new pty (path printed), UDP bridged to the host
`;

/** The logger for commands that print their own findings: plugin loading stays quiet. */
function quietLog(): typeof log {
  return log.child({}, { level: 'silent' });
}

function out(s: string): void {
  process.stdout.write(s.endsWith('\n') ? s : s + '\n');
}

function fail(msg: string, code = 1): never {
  process.stderr.write(msg.endsWith('\n') ? msg : msg + '\n');
  process.exit(code);
}

/**
 * The config loader and plugin loader, imported only by the commands that use them in this thread: `run` reads its
 * config in a worker (run-plan.ts), so that what they load does not stay in the main thread's heap.
 */
async function readConfig(file: string | undefined): Promise<Config> {
  return (await import('../runtime/config.js')).loadConfig(file);
}

async function plugins(): Promise<typeof import('../plugins/index.js')> {
  return import('../plugins/index.js');
}

async function cmdRun(argv: string[]): Promise<void> {
  // private files from the start: the plugins' modules are loaded (and may write) in run-plan's worker
  process.umask(PRIVATE_UMASK);
  const plan = await planRun(argv);
  const code = await runRuntime(plan.config, { print: out, actors: plan.actors, optionalActors: plan.optionalActors });
  process.exit(code);
}

async function cmdCheckConfig(argv: string[]): Promise<void> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  const file = positionals[0];
  if (!file || positionals.length > 1) fail('usage: lwm2m-meter check-config FILE', 2);
  const config = await readConfig(file);
  // loaded by the commands that use them, not by `run`: every module the main thread imports stays in its heap
  const { pluginConfigProblems } = await import('../plugins/config-check.js');
  const lines = await pluginConfigProblems(config.plugins);
  if (lines.length > 0) throw new CodedError('CONFIG_INVALID', lines.join('\n'), { lines });
  out(`config ${file}: ok`);
}

/** Other names for actors whose statechart people look for by what it does (object 5 runs the firmware update). */
const DIAGRAM_ALIASES: Readonly<Record<string, string>> = { firmware: 'object:5', fw: 'object:5' };

/** Statecharts hosted inside an actor beside its own (drawn by name: `diagram gnss`). */
const INNER_MACHINES: Readonly<Record<string, () => Promise<AnyStateMachine>>> = {
  gnss: async () => (await import('../modem/gnss/machine.js')).gnssMachine,
};

/** Finds an actor's module: a name from the actor table, or a path to a compiled module. */
async function loadActorModule(name: string, config: Config): Promise<ActorModule> {
  const actor = DIAGRAM_ALIASES[name] ?? name;
  // the config's plugins too: their objects (object:<id>) and actors (plugin:<name>:<actor>)
  const { buildActorSet } = await import('../runtime/actor-set.js');
  const table = buildActorSet(
    config,
    DIST_SRC,
    await (await plugins()).loadPluginActorSet(config, { log: quietLog() }),
  );
  const entry = table.find((e) => e.name === actor) ?? table.find((e) => e.name.replace(/:.*/, '') === actor);
  let url: string;
  if (entry && typeof entry.options.pluginModule === 'string') {
    // a plugin actor: its own module holds its statechart (the host only wraps it)
    url = entry.options.pluginModule;
  } else if (entry) {
    const { present, missing } = resolveActorSet([entry]);
    if (!present[0])
      throw new CodedError(
        'ACTOR_MISSING',
        `actor ${actor}: module ${missing[0]?.file ?? entry.module} does not exist (yet)`,
      );
    url = present[0].moduleUrl;
  } else if (/[/\\.]/.test(actor)) {
    url = pathToFileURL(resolve(actor)).href;
  } else {
    const names = table.map((e) => e.name).join(', ');
    throw new CodedError('ACTOR_UNKNOWN', `no actor named ${actor} (known: ${names}; or give a module path)`);
  }
  const mod = ((await import(url)) as { default?: ActorModule }).default;
  if (!mod) throw new CodedError('ACTOR_BAD_MODULE', `${url} has no default export`);
  // a plugin actor without a statechart of its own runs in the host's lifecycle chart: draw that one
  if (!mod.machine && entry && typeof entry.options.pluginModule === 'string') {
    return ((await import(new URL(entry.module, DIST_SRC).href)) as { default: ActorModule }).default;
  }
  return mod;
}

async function cmdDiagram(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', short: 'f', default: 'mermaid' },
      out: { type: 'string', short: 'o' },
      config: { type: 'string', short: 'c' },
      depth: { type: 'string', short: 'd' },
    },
  });
  const actor = positionals[0];
  if (!actor) fail('usage: lwm2m-meter diagram ACTOR --format mermaid|dot|svg [--depth N] [--out FILE]', 2);
  const format = values.format as DiagramFormat;
  if (!['mermaid', 'dot', 'svg'].includes(format))
    fail(`diagram: --format must be mermaid, dot or svg (got ${JSON.stringify(values.format)})`, 2);
  const depth = values.depth === undefined ? undefined : Number(values.depth);
  if (depth !== undefined && !(Number.isInteger(depth) && depth >= 1))
    fail(`diagram: --depth must be a whole number from 1 (got ${JSON.stringify(values.depth)})`, 2);
  // a statechart that runs inside another actor (the modem's GNSS window) is drawn by its own name
  const inner = INNER_MACHINES[actor];
  const mod = inner ? { machine: await inner() } : await loadActorModule(actor, await readConfig(values.config));
  if (!mod.machine) throw new CodedError('ACTOR_NO_MACHINE', `actor ${actor} exports no machine to draw`);
  const { renderDiagram } = await import('../runtime/diagram.js');
  const text = await renderDiagram(mod.machine, format, depth === undefined ? {} : { depth });
  if (values.out) {
    writeFileSync(values.out, text);
    out(`wrote ${values.out}`);
  } else {
    process.stdout.write(text);
  }
}

async function cmdObjects(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' } } });
  const config = await readConfig(values.config);
  const loaded = await (
    await plugins()
  ).loadPlugins(config.plugins, { builtinIds: BUILTIN_OBJECTS.map((o) => o.id), log: quietLog() });
  const list = [
    ...BUILTIN_OBJECTS.map((o) => ({ id: o.id, url: new URL(o.spec, DIST_SRC).href, file: o.spec, from: '' })),
    ...loaded.loaded.flatMap((p) =>
      p.objects.map((o) => ({ id: o.id, url: o.moduleUrl, file: o.moduleUrl, from: `  (plugin ${p.name})` })),
    ),
  ];
  for (const r of loaded.refused) process.stderr.write(`plugin ${r.name} refused: ${r.code}: ${r.reason}\n`);
  for (const o of list) {
    const url = o.url;
    let spec: ObjectSpec | undefined;
    try {
      spec = ((await import(url)) as { default?: ObjectSpec }).default;
    } catch {
      spec = undefined;
    }
    if (!spec) {
      out(`${String(o.id).padStart(5)}  (not built: ${o.file})`);
      continue;
    }
    const d = spec.definition;
    const res = d.resources.map((r) => `${r.id}:${r.name}(${r.operations || '-'})`).join(' ');
    out(`${String(d.id).padStart(5)}  ${d.name} v${d.version}${d.multiple ? ' [multiple]' : ''}${o.from}  ${res}`);
  }
}

async function cmdDevServer(argv: string[]): Promise<void> {
  let mod: { runDevServer?: (argv: string[]) => Promise<number> };
  try {
    mod = await import('../devserver/cli.js');
  } catch (e) {
    throw new CodedError(
      'DEVSERVER_MISSING',
      `dev-server is not available in this build (${(e as Error).message.split('\n')[0]})`,
    );
  }
  if (typeof mod.runDevServer !== 'function')
    throw new CodedError('DEVSERVER_MISSING', 'dev-server is not available in this build (no runDevServer export)');
  process.exitCode = await mod.runDevServer(argv);
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'run':
      return cmdRun(rest);
    case 'check-config':
      return cmdCheckConfig(rest);
    case 'diagram':
      return cmdDiagram(rest);
    case 'objects':
      return cmdObjects(rest);
    case 'dev-server':
      return cmdDevServer(rest);
    case 'modem-emulator':
      process.exitCode = await (await import('./modem-emulator.js')).runModemEmulator(rest, out);
      return;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out(USAGE);
      return;
    default:
      fail(`unknown command ${JSON.stringify(cmd)}\n${USAGE}`, 2);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  const err = e as { code?: string; message?: string };
  if (
    err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ||
    err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' ||
    err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
  ) {
    fail(`${err.message}\n${USAGE}`, 2);
  }
  fail(e instanceof CodedError ? e.message : `error: ${err.message ?? String(e)}`, 1);
});
