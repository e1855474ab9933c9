// index.ts: builds the configured pulse source.
import type { Readable } from 'node:stream';
import { CodedError } from '../../errors.js';
import type { PulseSourceConfig } from '../config-schema.js';
import { GpioSource } from './gpio.js';
import { SerialLineSource } from './serial-lines.js';
import type { Clock } from '../../clock.js';
import { SimulatedSource } from './simulated.js';
import type { PulseSource } from './source.js';

export type { PulseEvent, PulseSink, PulseSource } from './source.js';

export interface SourceDeps {
  clock: Clock;
  pulseRatio: number;
  /** The serial meter head's byte stream (bridged from the main thread); required for kind 'serial'. */
  serialInput?: Readable;
}

export function createPulseSource(cfg: PulseSourceConfig, deps: SourceDeps): PulseSource {
  switch (cfg.kind) {
    case 'gpio':
      return new GpioSource(cfg);
    case 'simulated':
      return new SimulatedSource(cfg, deps.pulseRatio, deps.clock);
    case 'serial':
      if (!deps.serialInput)
        throw new CodedError('METER_SOURCE_UNAVAILABLE', 'serial meter source needs the serial bridge stream');
      return new SerialLineSource(deps.serialInput, deps.pulseRatio);
  }
}
