// log.ts: the one logger (pino). On the main thread it writes to stderr; in a worker it posts entries to the main thread.
import { isMainThread, parentPort } from 'node:worker_threads';
import { pino, type Logger, type DestinationStream } from 'pino';

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

const level = process.env.LWM2M_LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info');

/** The process-wide root logger; use `log.child({ mod: 'coap' })` for a module logger. */
export const log: Logger = pino(
  {
    level,
    base: isMainThread ? { pid: process.pid } : { pid: process.pid, thread: 'worker' },
    redact: { paths: ['*.psk', '*.key', '*.secretKey', 'psk', 'key'], censor: '[redacted]' },
  },
  isMainThread ? pino.destination(2) : workerDestination(),
);

/** Writes a line a worker posted (already-serialised JSON) to the main thread's destination. */
export function writeWorkerLogLine(line: string): void {
  process.stderr.write(line.endsWith('\n') ? line : line + '\n');
}

/** Sets the level of the root logger (and so of every child created afterwards and before). */
export function setLogLevel(lvl: string): void {
  log.level = lvl;
}
