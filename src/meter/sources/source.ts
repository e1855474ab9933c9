// source.ts: the one interface every pulse source (GPIO, simulated, serial meter head) implements.
import type { CodedError } from '../../errors.js';

/**
 * Relative pulses (GPIO edges, simulated flow, `+n` / `-n` serial lines) or an absolute register value (serial head).
 */
export type PulseEvent = { kind: 'pulses'; count: number; direction: 1 | -1 } | { kind: 'register'; pulses: number };

/** Where a source delivers. `error` means the source has stopped working (the meter actor retries with backoff). */
export interface PulseSink {
  event(e: PulseEvent): void;
  error(err: CodedError): void;
  /** Something odd but survivable (a bad serial line, a meter head fault message). */
  warn?(msg: string, details?: Record<string, unknown>): void;
}

export interface PulseSource {
  readonly kind: string;
  /** Starts delivering; rejects (CodedError) when the source cannot start. */
  start(sink: PulseSink): Promise<void>;
  /** Stops delivering and releases the device / child process / timer. */
  stop(): Promise<void>;
}
