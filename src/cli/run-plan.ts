// run-plan.ts: what `run` needs before the runtime starts (config, actor table, optional actors), prepared in a
// short-lived worker thread (run-plan-worker.ts): the main thread then never loads zod, yaml, the config schemas or
// the plugin loader, which would stay in its heap for the life of the process (~9 MiB RSS measured).
import { Worker } from 'node:worker_threads';
import { CodedError, type WireError } from '../errors.js';
import type { Config } from '../runtime/config.js';
import type { ActorSpec } from '../runtime/runtime.js';
import { setLogFormat, setLogLevel, writeWorkerLogLine, type LogEntryMessage } from '../runtime/log.js';

export interface RunPlan {
  config: Config;
  actors: ActorSpec[];
  optionalActors: string[];
}

export type RunPlanReply = { plan: RunPlan } | { error: WireError };

function isLogEntry(m: unknown): m is LogEntryMessage {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'log';
}

/** Parses `run`'s arguments, loads the config and plugins in a worker thread; throws what loading threw. */
export async function planRun(argv: string[]): Promise<RunPlan> {
  const worker = new Worker(new URL('./run-plan-worker.js', import.meta.url), { workerData: { argv } });
  // the worker's log entries wait for the config's log format (the entries of a failed load: the default one)
  const lines: string[] = [];
  const reply = await new Promise<RunPlanReply>((resolve, reject) => {
    worker.on('message', (m: unknown) => {
      if (isLogEntry(m)) lines.push(m.line);
      else resolve(m as RunPlanReply);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new CodedError('RUN_PLAN_FAILED', `run preparation exited (code ${code})`)));
  });
  // a plugin module may have left a timer or handle in the thread: its work is done
  await worker.terminate();
  if ('plan' in reply) {
    setLogLevel(reply.plan.config.log.level);
    if (process.env.LWM2M_LOG_FORMAT === undefined) setLogFormat(reply.plan.config.log.format);
  }
  for (const line of lines) writeWorkerLogLine(line);
  if ('error' in reply) {
    const { code, message, details } = reply.error;
    // an error without a code of its own stays an Error (printed as `error: …`), as when loading ran here
    if (code === 'INTERNAL') throw new Error(message);
    throw new CodedError(code, message, details);
  }
  return reply.plan;
}
