// log.ts: the one logger (pino). On the main thread it writes to stderr (JSON, or one human line per entry); in a
// worker it posts entries to the main thread.
import { isMainThread, parentPort } from 'node:worker_threads';
import { pino, type Logger, type DestinationStream } from 'pino';
import { prettyLine } from './log-pretty.js';

export type { Logger } from 'pino';

/** Message a worker posts to the main thread for each log entry (the main thread writes it out). */
export interface LogEntryMessage {
  type: 'log';
  line: string;
}

function workerDestination(): DestinationStream {
  return {
    write(line: string): void {
      const msg: LogEntryMessage = { type: 'log', line };
      parentPort?.postMessage(msg);
    },
  };
}

/** How the main thread writes entries: 'auto' is human lines when stderr is a terminal, JSON otherwise. */
export type LogFormat = 'auto' | 'json' | 'pretty';

let pretty = false;

/** Picks the output form (workers always post JSON; the main thread renders). */
export function setLogFormat(f: LogFormat, isTty: boolean = process.stderr.isTTY === true): void {
  pretty = f === 'pretty' || (f === 'auto' && isTty);
}

function render(line: string): string {
  if (!pretty) return line.endsWith('\n') ? line : line + '\n';
  return prettyLine(line.trimEnd()) + '\n';
}

function mainDestination(): DestinationStream {
  const fd2 = pino.destination({ fd: 2, sync: true });
  return {
    write(line: string): void {
      fd2.write(render(line));
    },
  };
}

const envFormat = process.env.LWM2M_LOG_FORMAT;
setLogFormat(envFormat === 'json' || envFormat === 'pretty' ? envFormat : 'auto');

const level = process.env.LWM2M_LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info');

/** The process-wide root logger; use `log.child({ mod: 'coap' })` for a module logger. */
export const log: Logger = pino(
  {
    level,
    base: isMainThread ? { pid: process.pid } : { pid: process.pid, thread: 'worker' },
    redact: { paths: ['*.psk', '*.key', '*.secretKey', 'psk', 'key'], censor: '[redacted]' },
  },
  isMainThread ? mainDestination() : workerDestination(),
);

/** Writes a line a worker posted (already-serialised JSON) to the main thread's destination. */
export function writeWorkerLogLine(line: string): void {
  process.stderr.write(render(line));
}

/** Sets the level of the root logger (and so of every child created afterwards and before). */
export function setLogLevel(lvl: string): void {
  log.level = lvl;
}
