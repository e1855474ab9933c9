// run-plan-worker.ts: the short-lived worker thread in which `run` reads its arguments and config, loads the plugins
// and builds the actor table (run-plan.ts); the modules that takes (zod, yaml, the schemas, the plugin loader and the
// plugins' own modules) end with the thread instead of staying in the main thread's heap.
import { parentPort, workerData } from 'node:worker_threads';
import { parseArgs } from 'node:util';
import { toWireError } from '../errors.js';
import { loadConfig } from '../runtime/config.js';
import { setLogLevel } from '../runtime/log.js';
import { applyRunOverrides, normaliseInspectFlag } from './args.js';
import { actorPlan } from './actor-plan.js';
import type { RunPlanReply } from './run-plan.js';

async function plan(argv: string[]): Promise<RunPlanReply> {
  const { values } = parseArgs({
    args: normaliseInspectFlag(argv),
    options: {
      config: { type: 'string', short: 'c' },
      server: { type: 'string' },
      endpoint: { type: 'string' },
      'state-dir': { type: 'string' },
      inspect: { type: 'string' },
      'log-format': { type: 'string' },
    },
    strict: true,
  });
  const config = applyRunOverrides(loadConfig(values.config), values);
  setLogLevel(config.log.level);
  return { plan: { config, ...(await actorPlan(config)) } };
}

const { argv } = workerData as { argv: string[] };
plan(argv).then(
  (reply) => parentPort?.postMessage(reply),
  (e: unknown) => parentPort?.postMessage({ error: toWireError(e) } satisfies RunPlanReply),
);
