// index.ts: opens GPIO lines by kind (simulated / gpiod); what plugin-api.ts exports to plugins.
import { gpiodInput, gpiodOutput } from './gpiod.js';
import { simulatedChip } from './simulated.js';
import type { GpioInput, GpioLineOptions, GpioOutput } from './types.js';

export type { GpioInput, GpioLineOptions, GpioOutput } from './types.js';
export { SimulatedGpioChip, simulatedChip, type GpioChange } from './simulated.js';

export function openGpioOutput(o: GpioLineOptions): GpioOutput {
  return o.kind === 'gpiod' ? gpiodOutput(o) : simulatedChip(o.chip).output(o.line, o.activeLow);
}

export function openGpioInput(o: GpioLineOptions): GpioInput {
  return o.kind === 'gpiod' ? gpiodInput(o) : simulatedChip(o.chip).input(o.line, o.activeLow);
}
